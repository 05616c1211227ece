package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static io.logstore.storage.TestBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.storage.UncompressedTestCodec.KeyValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LogCleanerTest extends LogTestSupport {
  private static final long SEGMENT_MS = 1_000;

  private CleanupPolicy policy = CleanupPolicy.COMPACT;

  @Override
  LogConfig baseConfig() {
    return super.baseConfig().withCleanupPolicy(policy).withDeleteRetentionMs(10_000);
  }

  @Override
  RecordBatchCodec codec() {
    return new UncompressedTestCodec();
  }

  private static List<KeyValue> readAll(PartitionLog log) throws Exception {
    List<KeyValue> out = new ArrayList<>();
    long offset = log.logStartOffset();
    while (offset < log.logEndOffset()) {
      LogSlice slice = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
      if (slice.isEmpty()) {
        break;
      }
      ByteBuffer batches = slice.readFully();
      out.addAll(UncompressedTestCodec.records(batches));
      int pos = 0;
      while (pos < batches.limit()) {
        RecordBatchHeader h = RecordBatchHeader.parse(batches, pos);
        offset = h.nextOffset();
        pos += h.sizeInBytes();
      }
    }
    return out;
  }

  /** Kafka's result: below {@code end}, only the latest record of each key (in that range). */
  private static List<KeyValue> compacted(List<KeyValue> records, long end) {
    Map<String, Long> latest = new HashMap<>();
    for (KeyValue r : records) {
      if (r.offset() < end) {
        latest.put(r.key(), r.offset());
      }
    }
    return records.stream()
        .filter(r -> r.offset() >= end || latest.get(r.key()) == r.offset())
        .toList();
  }

  private static long activeBase(PartitionLog log) {
    List<LogSegment> segments = log.segmentSet().snapshot();
    return segments.get(segments.size() - 1).baseOffset();
  }

  private long filesEndingWith(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(partitionDir())) {
      return files.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  /** Three segments rolled by time, then an active one; keys overwritten across them. */
  private PartitionLog logWithOverwrites() throws Exception {
    PartitionLog log = createLog(baseConfig().withSegmentMs(SEGMENT_MS));
    for (int round = 0; round < 4; round++) {
      append(log, keyed("a", "a" + round, "b", "b" + round, "c" + round, "x"));
      clock.advanceMs(SEGMENT_MS + 1);
    }
    log.updateHighWatermark(log.logEndOffset());
    return log;
  }

  @Test
  void shouldKeepTheLatestValueOfEveryKeyAtItsOriginalOffset() throws Exception {
    // Given: 100,000 updates over 1,000 keys in small segments
    PartitionLog log = createLog(baseConfig().withSegmentBytes(64 * 1024));
    Map<String, KeyValue> latest = new HashMap<>();
    for (int i = 0; i < 100_000; i += 10) {
      String[] kv = new String[20];
      for (int j = 0; j < 10; j++) {
        kv[2 * j] = "key-" + (i + j) % 1_000;
        kv[2 * j + 1] = "value-" + (i + j);
      }
      long base = append(log, keyed(kv)).firstOffset();
      for (int j = 0; j < 10; j++) {
        latest.put(kv[2 * j], new KeyValue(base + j, kv[2 * j], kv[2 * j + 1]));
      }
    }
    log.updateHighWatermark(log.logEndOffset());
    long sizeBefore = log.sizeInBytes();
    List<KeyValue> before = readAll(log);
    long active = activeBase(log);
    ByteBuffer activeBytesBefore = log.read(active, 1 << 30, Long.MAX_VALUE, true).readFully();
    assertThat(log.segmentCount()).isGreaterThan(10);

    // When
    int cleaned = manager.runCleanerOnce();

    // Then
    assertThat(cleaned).isEqualTo(1);
    List<KeyValue> after = readAll(log);
    assertThat(after).isEqualTo(compacted(before, active));
    assertThat(after).containsAll(latest.values());
    assertThat(after.stream().filter(r -> r.offset() < active).count()).isLessThanOrEqualTo(1_000);
    for (int i = 1; i < after.size(); i++) {
      assertThat(after.get(i).offset()).isGreaterThan(after.get(i - 1).offset());
    }
    assertThat(activeBase(log)).isEqualTo(active);
    assertThat(log.read(active, 1 << 30, Long.MAX_VALUE, true).readFully())
        .isEqualTo(activeBytesBefore);
    assertThat(log.sizeInBytes()).isLessThan(sizeBefore / 10);
    assertThat(log.logEndOffset()).isEqualTo(100_000);
    assertThat(log.cleanerCheckpointOffset()).isEqualTo(active);
    // and: the result survives a restart, checkpoint included
    PartitionLog reopened = reopen();
    assertThat(readAll(reopened)).isEqualTo(after);
    assertThat(reopened.cleanerCheckpointOffset()).isEqualTo(active);
    assertThat(manager.runCleanerOnce()).isZero();
  }

  @Test
  void shouldRemoveTombstonesOnlyAfterDeleteRetentionMs() throws Exception {
    // Given: a=1, b=2, then a deleted, each in its own segment, then an active segment
    PartitionLog log = createLog(baseConfig().withSegmentMs(SEGMENT_MS));
    append(log, keyed("a", "1", "b", "2"));
    clock.advanceMs(SEGMENT_MS + 1);
    append(log, keyed("a", null));
    clock.advanceMs(SEGMENT_MS + 1);
    append(log, keyed("c", "3"));
    log.updateHighWatermark(log.logEndOffset());

    // When: cleaned now, the old value of a goes, its tombstone stays
    assertThat(manager.runCleanerOnce()).isEqualTo(1);
    assertThat(readAll(log))
        .containsExactly(
            new KeyValue(1, "b", "2"), new KeyValue(2, "a", null), new KeyValue(3, "c", "3"));

    // Then: still there just before delete.retention.ms
    clock.advanceMs(9_999);
    assertThat(manager.runCleanerOnce()).isZero();
    assertThat(readAll(log)).contains(new KeyValue(2, "a", null));

    // and: gone after it
    clock.advanceMs(2);
    assertThat(manager.runCleanerOnce()).isEqualTo(1);
    assertThat(readAll(log)).containsExactly(new KeyValue(1, "b", "2"), new KeyValue(3, "c", "3"));
    assertThat(manager.runCleanerOnce()).isZero();
  }

  @Test
  void shouldLoseNothingWhenCrashingBeforeTheSwap() throws Exception {
    // Given
    PartitionLog log = logWithOverwrites();
    List<KeyValue> before = readAll(log);
    manager.crashCleanerAt(LogCleaner.CrashPoint.BEFORE_SWAP);

    // When: the clean dies with its .cleaned files written
    assertThatThrownBy(manager::runCleanerOnce)
        .isInstanceOf(LogCleaner.SimulatedCrashException.class);
    assertThat(filesEndingWith(LogSegment.LOG_SUFFIX + LogSegment.CLEANED_SUFFIX)).isEqualTo(1);
    PartitionLog reopened = crashAndReopen();

    // Then: the cleaned files are gone and the log is as it was
    assertThat(filesEndingWith(LogSegment.CLEANED_SUFFIX)).isZero();
    assertThat(readAll(reopened)).isEqualTo(before);
    assertThat(reopened.segmentCount()).isEqualTo(4);
    assertThat(reopened.cleanerCheckpointOffset()).isZero();
  }

  @Test
  void shouldCompleteTheSwapWhenCrashingAfterIt() throws Exception {
    // Given
    PartitionLog log = logWithOverwrites();
    List<KeyValue> expected = compacted(readAll(log), activeBase(log));
    manager.crashCleanerAt(LogCleaner.CrashPoint.AFTER_SWAP);

    // When: the clean dies right after committing its .swap files
    assertThatThrownBy(manager::runCleanerOnce)
        .isInstanceOf(LogCleaner.SimulatedCrashException.class);
    assertThat(filesEndingWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)).isEqualTo(1);
    PartitionLog reopened = crashAndReopen();

    // Then: the swap was completed at load
    assertThat(filesEndingWith(LogSegment.SWAP_SUFFIX)).isZero();
    assertThat(readAll(reopened)).isEqualTo(expected);
    assertThat(reopened.segmentCount()).isEqualTo(2);
    assertThat(reopened.logEndOffset()).isEqualTo(12);
    assertThat(append(reopened, keyed("a", "later")).firstOffset()).isEqualTo(12);
  }

  @Test
  void shouldNeverCompactALogWithPolicyDelete() throws Exception {
    // Given
    policy = CleanupPolicy.DELETE;
    PartitionLog log = logWithOverwrites();
    long size = log.sizeInBytes();
    // When
    int cleaned = manager.runCleanerOnce();
    // Then
    assertThat(cleaned).isZero();
    assertThat(log.sizeInBytes()).isEqualTo(size);
  }

  @Test
  void shouldNeverDeleteACompactOnlyLogByRetention() throws Exception {
    // Given: every segment is far older than retention.ms and bigger than retention.bytes
    PartitionLog log = createLog(baseConfig().withSegmentMs(SEGMENT_MS).withRetention(1, 1));
    for (int i = 0; i < 3; i++) {
      append(log, keyed("k" + i, "v").timestamp(clock.millis()));
      clock.advanceMs(SEGMENT_MS + 1);
    }
    log.updateHighWatermark(log.logEndOffset());
    clock.advanceMs(60_000);
    // When
    manager.runRetentionOnce();
    // Then
    assertThat(log.logStartOffset()).isZero();
    assertThat(log.segmentCount()).isEqualTo(3);
  }

  @Test
  void shouldBothCompactAndDeleteWithPolicyCompactDelete() throws Exception {
    // Given: a compact,delete log whose first segment is beyond retention.ms
    policy = CleanupPolicy.COMPACT_DELETE;
    PartitionLog log = createLog(baseConfig().withSegmentMs(SEGMENT_MS).withRetention(5_000, -1));
    append(log, keyed("old", "1").timestamp(clock.millis()));
    clock.advanceMs(10_000);
    for (int round = 0; round < 3; round++) {
      append(log, keyed("a", "a" + round).timestamp(clock.millis()));
      clock.advanceMs(SEGMENT_MS + 1);
    }
    log.updateHighWatermark(log.logEndOffset());
    // When
    manager.runRetentionOnce();
    int cleaned = manager.runCleanerOnce();
    // Then: retention removed the old segment, the cleaner the overwritten values
    assertThat(log.logStartOffset()).isEqualTo(1);
    assertThat(cleaned).isEqualTo(1);
    assertThat(readAll(log))
        .containsExactly(new KeyValue(2, "a", "a1"), new KeyValue(3, "a", "a2"));
  }

  @Test
  void shouldLeaveCompactedLogsAloneWithoutACodec() throws Exception {
    // Given: a manager opened without a codec
    manager =
        LogManager.open(
            LogManagerConfig.of(List.of(root), baseConfig()), clock, (RecordBatchCodec) null);
    PartitionLog log = logWithOverwrites();
    long size = log.sizeInBytes();
    // When
    int cleaned = manager.runCleanerOnce();
    // Then
    assertThat(cleaned).isZero();
    assertThat(log.sizeInBytes()).isEqualTo(size);
  }

  @Test
  void shouldNotCleanSegmentsYoungerThanMinCompactionLag() throws Exception {
    // Given: all segments written within the last 5 s, lag 60 s
    PartitionLog log =
        createLog(baseConfig().withSegmentMs(SEGMENT_MS).withMinCompactionLagMs(60_000));
    for (int round = 0; round < 3; round++) {
      append(log, keyed("a", "a" + round).timestamp(clock.millis()));
      clock.advanceMs(SEGMENT_MS + 1);
    }
    log.updateHighWatermark(log.logEndOffset());
    // When / Then
    assertThat(manager.runCleanerOnce()).isZero();
    clock.advanceMs(60_000);
    assertThat(manager.runCleanerOnce()).isEqualTo(1);
    assertThat(readAll(log))
        .containsExactly(new KeyValue(1, "a", "a1"), new KeyValue(2, "a", "a2"));
  }

  @Test
  void shouldKeepTheLastBatchOfAProducerEvenWhenEmpty() throws Exception {
    // Given: producer 7's only batch is overwritten by a non-idempotent write
    PartitionLog log = createLog(baseConfig().withSegmentMs(SEGMENT_MS));
    log.appendAsLeader(keyed("a", "1").producer(7, 0, 0).build(), 0);
    clock.advanceMs(SEGMENT_MS + 1);
    append(log, keyed("a", "2"));
    clock.advanceMs(SEGMENT_MS + 1);
    append(log, batch("x"));
    log.updateHighWatermark(log.logEndOffset());
    // When
    manager.runCleanerOnce();
    // Then: the record is gone, the batch header stays, so the producer's state survives
    assertThat(readAll(log)).extracting(KeyValue::offset).containsExactly(1L, 2L);
    assertThat(log.read(0, 1000, Long.MAX_VALUE, true).firstOffset()).isZero();
    assertThat(crashAndReopen().producerState(7))
        .get()
        .extracting(ProducerStateEntry::lastSequence)
        .isEqualTo(0);
  }
}
