package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class RetentionTest extends LogTestSupport {

  private final int batchBytes = batch("ab", "cd").build().remaining();

  private PartitionLog logWithOneBatchPerSegment(LogConfig config, int batches) throws Exception {
    PartitionLog log = createLog(config.withSegmentBytes(batchBytes));
    for (int i = 0; i < batches; i++) {
      append(log, batch("ab", "cd").timestamp(clock.millis()));
      clock.advanceMs(1_000);
    }
    log.updateHighWatermark(log.logEndOffset());
    return log;
  }

  private long deletedFiles() throws Exception {
    try (Stream<java.nio.file.Path> files = Files.list(partitionDir())) {
      return files.filter(p -> p.toString().endsWith(LogSegment.DELETED_SUFFIX)).count();
    }
  }

  @Test
  void shouldDeleteSegmentsOlderThanRetentionMs() throws Exception {
    // Given: batches at t, t+1s, t+2s, t+3s, one per segment
    PartitionLog log = logWithOneBatchPerSegment(baseConfig().withRetention(2_500, -1), 4);
    // When: now is t+4s, so the first two are older than 2.5 s
    manager.runRetentionOnce();
    // Then
    assertThat(log.logStartOffset()).isEqualTo(4);
    assertThat(log.segmentCount()).isEqualTo(2);
    assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true))
        .isInstanceOf(OffsetOutOfRangeException.class);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deletedFiles() == 0);
    assertThat(exists(segmentFile(0, LogSegment.LOG_SUFFIX))).isFalse();
  }

  @Test
  void shouldRollAndDeleteAnExpiredActiveSegment() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig().withRetention(1_000, -1));
    append(log, batch("a").timestamp(clock.millis()));
    log.updateHighWatermark(1);
    clock.advanceMs(5_000);
    // When
    manager.runRetentionOnce();
    // Then
    assertThat(log.logStartOffset()).isEqualTo(1);
    assertThat(log.logEndOffset()).isEqualTo(1);
    assertThat(log.segmentCount()).isEqualTo(1);
    assertThat(append(log, batch("b")).firstOffset()).isEqualTo(1);
  }

  @Test
  void shouldDeleteOldestSegmentsBeyondRetentionBytes() throws Exception {
    // Given: 5 segments of one batch each
    PartitionLog log =
        logWithOneBatchPerSegment(baseConfig().withRetention(-1, batchBytes * 2L), 5);
    // When
    manager.runRetentionOnce();
    // Then
    assertThat(log.sizeInBytes()).isEqualTo(batchBytes * 2L);
    assertThat(log.logStartOffset()).isEqualTo(6);
  }

  @Test
  void shouldNotDeleteSegmentsAboveTheHighWatermark() throws Exception {
    // Given
    PartitionLog log = logWithOneBatchPerSegment(baseConfig().withRetention(1, -1), 3);
    log.updateHighWatermark(2);
    // When
    manager.runRetentionOnce();
    // Then: only the first segment (offsets 0-1) is below the high watermark
    assertThat(log.logStartOffset()).isEqualTo(2);
    assertThat(log.segmentCount()).isEqualTo(2);
  }

  @Test
  void shouldMoveTheLogStartOffsetOnDeleteRecords() throws Exception {
    // Given: segments 0-1, 2-3, 4-5
    PartitionLog log = logWithOneBatchPerSegment(baseConfig(), 3);
    // When
    long start = log.deleteRecordsBefore(3);
    // Then
    assertThat(start).isEqualTo(3);
    assertThat(log.segmentCount()).isEqualTo(3 - 1);
    assertThat(log.read(3, 100, Long.MAX_VALUE, true).firstOffset()).isEqualTo(2);
    assertThatThrownBy(() -> log.read(2, 100, Long.MAX_VALUE, true))
        .isInstanceOf(OffsetOutOfRangeException.class);
    assertThat(log.deleteRecordsBefore(1)).isEqualTo(3);
  }

  @Test
  void truncatingAtTheLogEndDropsAnEpochAssignedThereWithoutRecords() throws Exception {
    // Given epoch 1 with 3 records, then epoch 4 assigned at the log end (a leader that wrote
    // nothing before it lost leadership)
    PartitionLog log = createLog(baseConfig());
    log.appendAsLeader(batch("a", "b", "c").build(), 1);
    log.assignEpochStartOffset(4, log.logEndOffset());
    assertThat(log.latestEpoch()).hasValue(4);

    // When it is truncated at its log end (a follower's truncation to where the leader agrees)
    log.truncateTo(log.logEndOffset());

    // Then no record goes but the empty epoch does, also after a restart
    assertThat(log.logEndOffset()).isEqualTo(3);
    assertThat(log.latestEpoch()).hasValue(1);
    assertThat(reopen().latestEpoch()).hasValue(1);
  }

  @Test
  void shouldTruncateTheLogAndTheEpochCache() throws Exception {
    // Given: epoch 1 at 0-2, epoch 2 at 3-5, epoch 3 at 6-8, producer 7 in each
    PartitionLog log = createLog(baseConfig().withSegmentBytes(batchBytes * 2L));
    for (int epoch = 1; epoch <= 3; epoch++) {
      log.appendAsLeader(batch("a", "b", "c").producer(7, 0, (epoch - 1) * 3).build(), epoch);
    }
    assertThat(log.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 3));
    assertThat(log.endOffsetForEpoch(2)).contains(new EpochEndOffset(2, 6));
    assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 9));
    assertThat(log.endOffsetForEpoch(0)).contains(new EpochEndOffset(0, 0));
    assertThat(log.endOffsetForEpoch(4)).contains(EpochEndOffset.UNDEFINED);
    // When: offset 4 is inside the epoch-2 batch, which goes entirely
    log.truncateTo(4);
    // Then
    assertThat(log.logEndOffset()).isEqualTo(3);
    assertThat(log.latestEpoch()).hasValue(1);
    assertThat(log.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 3));
    assertThat(log.producerState(7))
        .get()
        .extracting(ProducerStateEntry::lastSequence)
        .isEqualTo(2);
    assertThat(log.appendAsLeader(batch("d").producer(7, 0, 3).build(), 4).firstOffset())
        .isEqualTo(3);
    assertThat(reopen().endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 3));
  }

  @Test
  void shouldStartAgainAfterAFullTruncation() throws Exception {
    // Given
    PartitionLog log = logWithOneBatchPerSegment(baseConfig(), 2);
    // When
    log.truncateFullyAndStartAt(100);
    // Then
    assertThat(log.logStartOffset()).isEqualTo(100);
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThat(log.latestEpoch()).isEmpty();
    assertThat(append(log, batch("x")).firstOffset()).isEqualTo(100);
    assertThat(reopen().logEndOffset()).isEqualTo(101);
  }

  @Test
  void shouldRenameADeletedLogAtOnceAndRemoveItLater() throws Exception {
    // Given
    createLog(baseConfig());
    // When
    manager.deleteLog(TP);
    // Then
    assertThat(manager.getLog(TP)).isEmpty();
    assertThat(exists(partitionDir())).isFalse();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (Stream<java.nio.file.Path> s = Files.list(root)) {
                return s.noneMatch(p -> p.getFileName().toString().endsWith("-delete"));
              }
            });
  }
}
