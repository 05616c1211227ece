package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionLogAppendReadTest extends LogTestSupport {

  @Test
  void shouldAssignOffsetsAndReadBackTheSameBatches() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    // When
    AppendResult first = log.appendAsLeader(batch("a", "b", "c").build(), 5);
    AppendResult second = log.appendAsLeader(batch("d").build(), 5);
    // Then
    assertThat(first).isEqualTo(new AppendResult(0, 2, -1, 0, false, 3));
    assertThat(second.firstOffset()).isEqualTo(3);
    assertThat(log.logEndOffset()).isEqualTo(4);
    LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, false);
    ByteBuffer bytes = slice.readFully();
    List<RecordBatchHeader> headers = BatchValidator.validate(bytes, TP, Integer.MAX_VALUE, true);
    assertThat(headers).extracting(RecordBatchHeader::baseOffset).containsExactly(0L, 3L);
    assertThat(headers).extracting(RecordBatchHeader::partitionLeaderEpoch).containsOnly(5);
    assertThat(slice.firstOffset()).isZero();
    assertThat(log.latestEpoch()).hasValue(5);
  }

  @Test
  void shouldReturnTheWholeBatchWhenReadingFromAnOffsetInsideIt() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("a", "b"));
    AppendResult second = append(log, batch("c", "d", "e"));
    // When
    LogSlice slice = log.read(3, 1 << 20, Long.MAX_VALUE, false);
    // Then
    assertThat(slice.firstOffset()).isEqualTo(2);
    assertThat(slice.sizeInBytes()).isEqualTo(batch("c", "d", "e").build().remaining());
    assertThat(second.lastOffset()).isEqualTo(4);
  }

  @Test
  void shouldLimitReadsByMaxBytesUnlessMinOneBatch() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    int size = batch("aaaa").build().remaining();
    for (int i = 0; i < 3; i++) {
      append(log, batch("aaaa"));
    }
    // When / Then
    assertThat(log.read(0, size * 2 + 1, Long.MAX_VALUE, false).sizeInBytes()).isEqualTo(size * 2);
    assertThat(log.read(0, size - 1, Long.MAX_VALUE, false).isEmpty()).isTrue();
    assertThat(log.read(0, size - 1, Long.MAX_VALUE, true).sizeInBytes()).isEqualTo(size);
    assertThat(log.read(0, 1 << 20, 2, false).sizeInBytes()).isEqualTo(size * 2);
    assertThat(log.read(0, 1 << 20, 0, true).isEmpty()).isTrue();
  }

  @Test
  void shouldRejectReadsOutsideTheLogAndReturnEmptyAtTheEnd() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("a", "b"));
    // When / Then
    assertThat(log.read(2, 100, Long.MAX_VALUE, true).isEmpty()).isTrue();
    assertThatThrownBy(() -> log.read(3, 100, Long.MAX_VALUE, true))
        .isInstanceOf(OffsetOutOfRangeException.class)
        .hasMessageContaining("orders-0")
        .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).logEndOffset()).isEqualTo(2));
    assertThatThrownBy(() -> log.read(-1, 100, Long.MAX_VALUE, true))
        .isInstanceOf(OffsetOutOfRangeException.class);
  }

  @Test
  void shouldRollBySizeAndFindEveryOffsetThroughTheIndexes() throws Exception {
    // Given: segments of ~3 batches, an index entry per batch
    int batchBytes = TestBatches.sized(2, 100).build().remaining();
    PartitionLog log =
        createLog(baseConfig().withSegmentBytes(batchBytes * 3L).withIndexIntervalBytes(0));
    // When
    for (int i = 0; i < 10; i++) {
      append(log, TestBatches.sized(2, 100));
    }
    // Then
    assertThat(log.segmentCount()).isEqualTo(4);
    assertThat(exists(segmentFile(6, LogSegment.LOG_SUFFIX))).isTrue();
    for (long offset = 0; offset < 20; offset++) {
      LogSlice slice = log.read(offset, batchBytes, Long.MAX_VALUE, true);
      assertThat(slice.firstOffset()).isEqualTo(offset - offset % 2);
      RecordBatchHeader h = RecordBatchHeader.parse(slice.readFully(), 0);
      assertThat(h.baseOffset()).isEqualTo(offset - offset % 2);
    }
    assertThat(log.segmentSet().snapshot().get(0).offsetIndex().entries()).isEqualTo(2);
  }

  @Test
  void shouldRollWhenTheActiveSegmentIsOlderThanSegmentMs() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig().withSegmentMs(1_000));
    append(log, batch("a"));
    clock.advanceMs(1_000);
    append(log, batch("b"));
    assertThat(log.segmentCount()).isEqualTo(1);
    // When
    clock.advanceMs(1);
    append(log, batch("c"));
    // Then
    assertThat(log.segmentCount()).isEqualTo(2);
    assertThat(log.read(2, 100, Long.MAX_VALUE, true).firstOffset()).isEqualTo(2);
  }

  @Test
  void shouldRejectACorruptCrcAndAppendNothing() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    ByteBuffer good = batch("a").build();
    ByteBuffer bad = batch("b").build();
    bad.put(bad.limit() - 1, (byte) 'x');
    // When / Then
    assertThatThrownBy(() -> log.appendAsLeader(TestBatches.concat(good, bad), 0))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("orders-0")
        .extracting(e -> ((InvalidBatchException) e).reason())
        .isEqualTo(InvalidBatchException.Reason.CORRUPT_CRC);
    assertThat(log.logEndOffset()).isZero();
    assertThat(log.sizeInBytes()).isZero();
  }

  @Test
  void shouldRejectMagicOne() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    // When / Then
    assertThatThrownBy(() -> log.appendAsLeader(batch("a").magic(1).build(), 0))
        .isInstanceOf(InvalidBatchException.class)
        .extracting(e -> ((InvalidBatchException) e).reason())
        .isEqualTo(InvalidBatchException.Reason.UNSUPPORTED_MAGIC);
    assertThat(log.logEndOffset()).isZero();
  }

  @Test
  void shouldRejectARecordCountThatDoesNotMatchTheRecords() throws Exception {
    // Given: recordCount says 3, lastOffsetDelta 2, but only 2 records are present
    PartitionLog log = createLog(baseConfig());
    ByteBuffer buf = batch("a", "b").build();
    buf.putInt(RecordBatchHeader.RECORD_COUNT_OFFSET, 3);
    buf.putInt(RecordBatchHeader.LAST_OFFSET_DELTA_OFFSET, 2);
    buf.putInt(RecordBatchHeader.CRC_OFFSET, RecordBatchHeader.computeCrc(buf, 0, buf.limit()));
    // When / Then
    assertThatThrownBy(() -> log.appendAsLeader(buf, 0))
        .isInstanceOf(InvalidBatchException.class)
        .extracting(e -> ((InvalidBatchException) e).reason())
        .isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
    assertThat(log.logEndOffset()).isZero();
  }

  @Test
  void shouldRejectABatchLargerThanMaxMessageBytes() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig().withMaxMessageBytes(500));
    // When / Then
    assertThatThrownBy(() -> append(log, TestBatches.sized(1, 600)))
        .isInstanceOf(RecordTooLargeException.class)
        .hasMessageContaining("500");
    assertThat(log.logEndOffset()).isZero();
  }

  @Test
  void shouldRewriteLogAppendTimeAndKeepTheBatchValid() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig().withTimestampType(TimestampType.LOG_APPEND_TIME));
    // When
    AppendResult result = append(log, batch("a", "b").timestamp(5));
    // Then
    assertThat(result.logAppendTimeMs()).isEqualTo(clock.millis());
    ByteBuffer stored = log.read(0, 1000, Long.MAX_VALUE, true).readFully();
    RecordBatchHeader h = BatchValidator.validate(stored, TP, 1000, true).get(0);
    assertThat(h.isLogAppendTime()).isTrue();
    assertThat(h.maxTimestamp()).isEqualTo(clock.millis());
  }

  @Test
  void shouldFindBatchesByTimestamp() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig().withIndexIntervalBytes(0));
    append(log, batch("a").timestamp(100));
    append(log, batch("b").timestamp(300));
    append(log, batch("c").timestamp(200));
    // When / Then
    assertThat(log.firstBatchWithMaxTimestampAtLeast(150))
        .get()
        .extracting(LogSlice::firstOffset)
        .isEqualTo(1L);
    assertThat(log.firstBatchWithMaxTimestampAtLeast(100))
        .get()
        .extracting(LogSlice::firstOffset)
        .isEqualTo(0L);
    assertThat(log.firstBatchWithMaxTimestampAtLeast(301)).isEmpty();
    assertThat(log.batchWithLargestTimestamp())
        .get()
        .extracting(LogSlice::firstOffset)
        .isEqualTo(1L);
  }
}
