package io.logstore.broker.partition;

import io.logstore.storage.RecordBatchCodec;
import io.logstore.wire.WireRecords;
import java.nio.ByteBuffer;

/**
 * The log cleaner's view of records, through kafka-clients ({@link WireRecords}): decompresses
 * batches to walk their records and rebuilds filtered batches with their original offsets and
 * codec. Stateless and thread-safe.
 */
public final class KafkaRecordBatchCodec implements RecordBatchCodec {

  @Override
  public void forEachRecord(ByteBuffer batches, RecordVisitor visitor) {
    WireRecords.forEachRecordWithBatch(
        batches, (batch, record) -> visitor.visit(batchInfo(batch), recordInfo(record)));
  }

  @Override
  public ByteBuffer filter(
      ByteBuffer batches, long nowMs, long deleteRetentionMs, RecordFilter filter) {
    return WireRecords.filterForCleaner(
        batches,
        nowMs,
        deleteRetentionMs,
        new WireRecords.CleanerRecordFilter() {
          @Override
          public boolean retainEmptyBatch(WireRecords.CleanerBatch batch) {
            return filter.retainEmptyBatch(batchInfo(batch));
          }

          @Override
          public boolean keep(WireRecords.CleanerBatch batch, WireRecords.CleanerRecord record) {
            return filter.keep(batchInfo(batch), recordInfo(record));
          }
        });
  }

  private static BatchInfo batchInfo(WireRecords.CleanerBatch b) {
    return new BatchInfo(
        b.baseOffset(),
        b.lastOffset(),
        b.producerId(),
        b.producerEpoch(),
        b.isControl(),
        b.isTransactional(),
        b.deleteHorizonMs());
  }

  private static RecordInfo recordInfo(WireRecords.CleanerRecord r) {
    return new RecordInfo(r.offset(), r.timestamp(), r.key(), r.valueIsNull());
  }
}
