package io.logstore.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
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

  /**
   * Whether any record in {@code batches} has a null key (a compacted topic refuses them).
   * Decompresses as needed.
   */
  public static boolean hasRecordWithoutKey(ByteBuffer batches) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (records.hasNext()) {
          if (!records.next().hasKey()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Rewrites producer batches with the topic's {@code compression.type} codec (gzip, snappy, lz4,
   * zstd or uncompressed), keeping every record's offset delta, timestamp, key, value and headers
   * and the batch's producer id, epoch, base sequence and timestamp type. Batches already in that
   * codec are copied unchanged. Returns {@code batches} itself when nothing needs rewriting.
   */
  public static ByteBuffer recompress(ByteBuffer batches, String compressionType) {
    CompressionType target =
        "uncompressed".equals(compressionType)
            ? CompressionType.NONE
            : CompressionType.forName(compressionType);
    boolean needed = false;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      needed |= batch.compressionType() != target;
    }
    if (!needed) {
      return batches;
    }
    Compression compression = Compression.of(target).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream(batches.remaining());
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      ByteBuffer rebuilt = rebuild(batch, compression);
      out.write(rebuilt.array(), rebuilt.arrayOffset() + rebuilt.position(), rebuilt.remaining());
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private static ByteBuffer rebuild(MutableRecordBatch batch, Compression compression) {
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(
            ByteBuffer.allocate(Math.max(64, batch.sizeInBytes() * 2)),
            batch.magic(),
            compression,
            batch.timestampType(),
            batch.baseOffset(),
            batch.maxTimestamp(),
            batch.producerId(),
            batch.producerEpoch(),
            batch.baseSequence(),
            batch.isTransactional(),
            batch.isControlBatch(),
            batch.partitionLeaderEpoch(),
            Integer.MAX_VALUE);
    try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (records.hasNext()) {
        Record record = records.next();
        builder.appendWithOffset(
            record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
      }
    }
    return builder.build().buffer();
  }

  /**
   * The batch a record belongs to, as the log cleaner sees it.
   *
   * @param deleteHorizonMs the batch's delete horizon (KIP-534), -1 if not set
   */
  public record CleanerBatch(
      long baseOffset,
      long lastOffset,
      long producerId,
      short producerEpoch,
      boolean isControl,
      boolean isTransactional,
      long deleteHorizonMs) {}

  /** One record as the log cleaner sees it; the key is a view valid during the callback. */
  public record CleanerRecord(long offset, long timestamp, ByteBuffer key, boolean valueIsNull) {}

  /** Receives the records of {@link #forEachRecordWithBatch}. */
  @FunctionalInterface
  public interface CleanerRecordVisitor {
    void visit(CleanerBatch batch, CleanerRecord record);
  }

  /** What {@link #filterForCleaner} keeps. */
  public interface CleanerRecordFilter {
    /** Whether to keep the header of a batch none of whose records is kept. */
    boolean retainEmptyBatch(CleanerBatch batch);

    boolean keep(CleanerBatch batch, CleanerRecord record);
  }

  /**
   * Calls {@code visitor} for every record of every batch (control batches included), in offset
   * order, decompressing as needed.
   */
  public static void forEachRecordWithBatch(ByteBuffer batches, CleanerRecordVisitor visitor) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      CleanerBatch info = cleanerBatch(batch);
      try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (records.hasNext()) {
          visitor.visit(info, cleanerRecord(records.next()));
        }
      }
    }
  }

  /**
   * Kafka's {@code MemoryRecords.filterTo}: new batches holding the kept records at their original
   * offsets, recompressed with each batch's codec; a batch left empty is dropped unless {@code
   * retainEmptyBatch}; batches holding tombstones get the delete horizon {@code nowMs +
   * deleteRetentionMs} if they have none; untouched batches are copied as they are.
   */
  public static ByteBuffer filterForCleaner(
      ByteBuffer batches, long nowMs, long deleteRetentionMs, CleanerRecordFilter filter) {
    MemoryRecords.RecordFilter kafkaFilter =
        new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs) {
          @Override
          protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            BatchRetention retention =
                filter.retainEmptyBatch(cleanerBatch(batch))
                    ? BatchRetention.RETAIN_EMPTY
                    : BatchRetention.DELETE_EMPTY;
            return new BatchRetentionResult(retention, false);
          }

          @Override
          protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            return filter.keep(cleanerBatch(batch), cleanerRecord(record));
          }
        };
    MemoryRecords.FilterResult result =
        MemoryRecords.readableRecords(batches.duplicate())
            .filterTo(
                kafkaFilter,
                ByteBuffer.allocate(Math.max(64, batches.remaining())),
                BufferSupplier.NO_CACHING);
    return result.outputBuffer().flip();
  }

  private static CleanerBatch cleanerBatch(RecordBatch batch) {
    return new CleanerBatch(
        batch.baseOffset(),
        batch.lastOffset(),
        batch.producerId(),
        batch.producerEpoch(),
        batch.isControlBatch(),
        batch.isTransactional(),
        batch.deleteHorizonMs().orElse(-1L));
  }

  private static CleanerRecord cleanerRecord(Record record) {
    return new CleanerRecord(
        record.offset(),
        record.timestamp(),
        record.hasKey() ? record.key() : null,
        !record.hasValue());
  }
}
