package io.logstore.wire;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The record-batch operations the broker needs from kafka-clients, so that no other package imports
 * its internal record classes.
 */
public final class WireRecords {
  private WireRecords() {}

  /** A timestamp and the offset of the record that carries it. */
  public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {}

  /** The bytes of produced records (a view: valid while the request frame is held). */
  public static ByteBuffer bytesOf(BaseRecords records) {
    if (records == null) {
      return ByteBuffer.allocate(0);
    }
    if (records instanceof MemoryRecords memory) {
      return memory.buffer().duplicate();
    }
    throw new IllegalArgumentException("not in-memory records: " + records.getClass());
  }

  /** Whether any batch is transactional or a control batch (transactions are not served). */
  public static boolean hasTransactionalBatch(ByteBuffer batches) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.magic() >= 2 && (batch.isTransactional() || batch.isControlBatch())) {
        return true;
      }
    }
    return false;
  }

  /** Records for a response, taken from an in-memory buffer. */
  public static BaseRecords ofBytes(ByteBuffer bytes) {
    return MemoryRecords.readableRecords(bytes);
  }

  /** No records. */
  public static BaseRecords empty() {
    return MemoryRecords.EMPTY;
  }

  /** Records served from a file slice, zero-copy. */
  public static BaseRecords fileSlice(FileChannel channel, long position, int sizeInBytes) {
    return new FileSliceRecords(channel, position, sizeInBytes);
  }

  /**
   * The first record at or after {@code targetTimestamp} in {@code batches}, decompressing as
   * needed (ListOffsets by timestamp).
   */
  public static Optional<TimestampAndOffset> firstRecordAtOrAfter(
      ByteBuffer batches, long targetTimestamp) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.maxTimestamp() < targetTimestamp) {
        continue;
      }
      try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (records.hasNext()) {
          Record record = records.next();
          if (record.timestamp() >= targetTimestamp) {
            return Optional.of(
                new TimestampAndOffset(
                    record.timestamp(), record.offset(), batch.partitionLeaderEpoch()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The first record carrying the largest timestamp in {@code batches} (ListOffsets -3). */
  public static Optional<TimestampAndOffset> recordWithLargestTimestamp(ByteBuffer batches) {
    TimestampAndOffset best = null;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (best != null && batch.maxTimestamp() <= best.timestamp()) {
        continue;
      }
      try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (records.hasNext()) {
          Record record = records.next();
          if (best == null || record.timestamp() > best.timestamp()) {
            best =
                new TimestampAndOffset(
                    record.timestamp(), record.offset(), batch.partitionLeaderEpoch());
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
