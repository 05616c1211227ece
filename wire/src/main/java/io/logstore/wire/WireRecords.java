package io.logstore.wire;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
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

  /** A key/value pair for {@link #buildBatch}; a null value is a tombstone. */
  public record KeyValue(byte[] key, byte[] value) {}

  /** One record read back by {@link #forEachRecord}: its offset, key and value (null if none). */
  public record KeyValueRecord(long offset, ByteBuffer key, ByteBuffer value) {}

  /** Receives the records of {@link #forEachRecord}. */
  @FunctionalInterface
  public interface RecordVisitor {
    void accept(KeyValueRecord record);
  }

  /**
   * One uncompressed magic-2 batch holding {@code records} (base offset 0, no producer id), every
   * record stamped {@code timestampMs}. The log assigns the real offsets on append.
   */
  public static ByteBuffer buildBatch(List<KeyValue> records, long timestampMs) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one record");
    }
    SimpleRecord[] simple = new SimpleRecord[records.size()];
    for (int i = 0; i < simple.length; i++) {
      KeyValue kv = records.get(i);
      simple[i] = new SimpleRecord(timestampMs, kv.key(), kv.value());
    }
    return MemoryRecords.withRecords(Compression.NONE, simple).buffer();
  }

  /**
   * Calls {@code visitor} for every record of every batch in {@code batches}, in offset order,
   * decompressing as needed; control batches are skipped. Returns the offset after the last batch
   * seen, or -1 if there was none.
   */
  public static long forEachRecord(ByteBuffer batches, RecordVisitor visitor) {
    long next = -1;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      next = batch.nextOffset();
      if (batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (records.hasNext()) {
          Record record = records.next();
          visitor.accept(
              new KeyValueRecord(
                  record.offset(),
                  record.hasKey() ? record.key() : null,
                  record.hasValue() ? record.value() : null));
        }
      }
    }
    return next;
  }
}
