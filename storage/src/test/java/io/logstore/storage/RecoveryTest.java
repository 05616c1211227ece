package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryTest extends LogTestSupport {

  private final int batchBytes = TestBatches.sized(2, 50).build().remaining();

  @Override
  LogConfig baseConfig() {
    return super.baseConfig().withSegmentBytes(batchBytes * 3L).withIndexIntervalBytes(0);
  }

  /** Three segments of three 2-record batches each: offsets 0-5, 6-11, 12-17. */
  private PartitionLog logWithThreeSegments() throws Exception {
    PartitionLog log = createLog(baseConfig());
    for (int i = 0; i < 9; i++) {
      append(log, TestBatches.sized(2, 50));
    }
    assertThat(log.segmentCount()).isEqualTo(3);
    return log;
  }

  private void closeUncleanly() throws Exception {
    manager.close();
    Files.delete(root.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
  }

  @Test
  void shouldTruncateATornLastBatchOnRecovery() throws Exception {
    // Given
    logWithThreeSegments();
    closeUncleanly();
    truncateFile(segmentFile(12, LogSegment.LOG_SUFFIX), batchBytes * 3L - 10);
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then
    assertThat(log.logEndOffset()).isEqualTo(16);
    assertThat(Files.size(segmentFile(12, LogSegment.LOG_SUFFIX))).isEqualTo(batchBytes * 2L);
    assertThat(append(log, batch("next")).firstOffset()).isEqualTo(16);
    assertThat(log.read(16, 1000, Long.MAX_VALUE, true).firstOffset()).isEqualTo(16);
  }

  @Test
  void shouldTruncateFromTheBatchWithAFlippedByte() throws Exception {
    // Given: a byte inside the middle batch of the last segment is flipped
    logWithThreeSegments();
    closeUncleanly();
    flipByte(segmentFile(12, LogSegment.LOG_SUFFIX), batchBytes + 70L);
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then
    assertThat(log.logEndOffset()).isEqualTo(14);
    assertThat(log.segmentCount()).isEqualTo(3);
    assertThat(append(log, batch("next")).firstOffset()).isEqualTo(14);
  }

  @Test
  void shouldRecoverEverythingWhenTheRecoveryPointCheckpointIsCorrupt() throws Exception {
    // Given: a flipped byte in the first segment, which a valid recovery point would skip
    logWithThreeSegments();
    closeUncleanly();
    flipByte(root.resolve(OffsetCheckpointFile.RECOVERY_POINT), 8);
    flipByte(segmentFile(0, LogSegment.LOG_SUFFIX), batchBytes * 2L + 70);
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then: truncated at offset 4 and the later segments deleted
    assertThat(log.logEndOffset()).isEqualTo(4);
    assertThat(log.segmentCount()).isEqualTo(1);
    assertThat(exists(segmentFile(6, LogSegment.LOG_SUFFIX))).isFalse();
  }

  @Test
  void shouldTrustTheFilesAfterACleanShutdown() throws Exception {
    // Given: a corrupted byte that only validation would notice
    logWithThreeSegments();
    manager.close();
    flipByte(segmentFile(12, LogSegment.LOG_SUFFIX), batchBytes + 70L);
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then
    assertThat(log.logEndOffset()).isEqualTo(18);
    assertThat(exists(root.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isFalse();
  }

  @Test
  void shouldRebuildADeletedIndex() throws Exception {
    // Given
    logWithThreeSegments();
    manager.close();
    Files.delete(segmentFile(0, LogSegment.INDEX_SUFFIX));
    Files.delete(segmentFile(6, LogSegment.TIME_INDEX_SUFFIX));
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then
    assertThat(Files.size(segmentFile(0, LogSegment.INDEX_SUFFIX)))
        .isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
    assertThat(log.read(5, 1000, Long.MAX_VALUE, true).firstOffset()).isEqualTo(4);
    assertThat(log.firstBatchWithMaxTimestampAtLeast(1_000))
        .get()
        .extracting(LogSlice::firstOffset)
        .isEqualTo(0L);
  }

  @Test
  void shouldRebuildAGarbageIndex() throws Exception {
    // Given: non-monotonic entries of the right size, and a bad-length index
    logWithThreeSegments();
    manager.close();
    Files.write(
        segmentFile(0, LogSegment.INDEX_SUFFIX),
        new byte[] {0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5});
    Files.write(segmentFile(6, LogSegment.INDEX_SUFFIX), new byte[13]);
    // When
    PartitionLog log = open().getLog(TP).orElseThrow();
    // Then
    for (long offset = 0; offset < 18; offset++) {
      assertThat(log.read(offset, 1000, Long.MAX_VALUE, true).firstOffset())
          .isEqualTo(offset - offset % 2);
    }
    assertThat(Files.size(segmentFile(6, LogSegment.INDEX_SUFFIX)))
        .isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
  }

  @Test
  void shouldRefuseASecondOpenOfALockedDir() throws Exception {
    // Given
    open();
    // When / Then
    assertThatThrownBy(
            () -> LogManager.open(LogManagerConfig.of(List.of(root), baseConfig()), clock))
        .isInstanceOf(LogDirLockedException.class)
        .hasMessageContaining(root.toString());
  }

  @Test
  void shouldFailLoadingWhenPartitionMetadataIsCorrupt() throws Exception {
    // Given
    createLog(baseConfig());
    manager.close();
    flipByte(partitionDir().resolve(PartitionDirectory.METADATA_FILE), 3);
    // When / Then
    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(PartitionDirectory.METADATA_FILE)
        .hasMessageContaining("orders-0");
    manager = null;
  }

  @Test
  void shouldKeepCheckpointedOffsetsAcrossARestart() throws Exception {
    // Given
    PartitionLog log = logWithThreeSegments();
    log.updateHighWatermark(10);
    log.deleteRecordsBefore(3);
    // When
    PartitionLog reopened = reopen();
    // Then
    assertThat(reopened.highWatermark()).isEqualTo(10);
    assertThat(reopened.logStartOffset()).isEqualTo(3);
    assertThat(reopened.flushedOffset()).isEqualTo(18);
    assertThat(reopened.topicId()).isEqualTo(TOPIC_ID);
  }
}
