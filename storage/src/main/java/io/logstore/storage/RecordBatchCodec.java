package io.logstore.storage;

import java.nio.ByteBuffer;

/**
 * Reads and filters the records inside magic v2 record batches, for the log cleaner.
 *
 * <p>Storage parses batch headers itself but not records: they may be compressed, and the codecs
 * live outside this module. The broker implements this interface on top of kafka-clients.
 *
 * <p>Implementations must be thread-safe (the cleaner thread calls them) and must not keep the
 * buffers they are given.
 */
public interface RecordBatchCodec {

  /**
   * Calls {@code visitor} for every record of every batch in {@code batches} (whole batches from
   * position to limit), in offset order, decompressing as needed. Control batches are visited too.
   */
  void forEachRecord(ByteBuffer batches, RecordVisitor visitor);

  /**
   * New batches holding only the records {@code filter} keeps, each at its original offset and in a
   * batch with the original batch's base offset, producer fields and compression. A batch with no
   * record kept is dropped, unless {@link RecordFilter#retainEmptyBatch} says to keep its header
   * (then it is written with no records, keeping its offsets and producer fields).
   *
   * <p>Kafka's delete horizon (KIP-534): a retained batch that holds a tombstone or is a control
   * batch, and has no delete horizon yet, gets {@code nowMs + deleteRetentionMs} as its delete
   * horizon (attribute bit 6, stored as the base timestamp). A batch whose records are all kept and
   * needs no horizon is copied byte for byte.
   *
   * @return the filtered batches (position 0, limit = size), possibly empty
   */
  ByteBuffer filter(ByteBuffer batches, long nowMs, long deleteRetentionMs, RecordFilter filter);

  /**
   * The batch a record belongs to.
   *
   * @param baseOffset first offset of the batch
   * @param lastOffset last offset of the batch
   * @param producerId -1 if none
   * @param producerEpoch -1 if none
   * @param isControl a control batch (transaction markers)
   * @param isTransactional part of a transaction
   * @param deleteHorizonMs Kafka's delete horizon of the batch, -1 if not set
   */
  record BatchInfo(
      long baseOffset,
      long lastOffset,
      long producerId,
      short producerEpoch,
      boolean isControl,
      boolean isTransactional,
      long deleteHorizonMs) {

    public boolean hasDeleteHorizon() {
      return deleteHorizonMs >= 0;
    }
  }

  /**
   * One record. The key is a read-only view valid only during the callback.
   *
   * @param offset absolute offset
   * @param timestamp the record's timestamp
   * @param key null for a keyless record
   * @param valueIsNull a tombstone
   */
  record RecordInfo(long offset, long timestamp, ByteBuffer key, boolean valueIsNull) {}

  /** Receives the records of {@link #forEachRecord}. */
  @FunctionalInterface
  interface RecordVisitor {
    void visit(BatchInfo batch, RecordInfo record);
  }

  /** Decides what {@link #filter} keeps. */
  interface RecordFilter {
    /** Whether to keep the (empty) header of a batch none of whose records is kept. */
    boolean retainEmptyBatch(BatchInfo batch);

    /** Whether to keep this record. */
    boolean keep(BatchInfo batch, RecordInfo record);
  }
}
