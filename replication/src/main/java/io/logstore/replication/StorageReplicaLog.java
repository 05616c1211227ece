package io.logstore.replication;

import io.logstore.storage.DurabilityMode;
import io.logstore.storage.EpochEndOffset;
import io.logstore.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;

/**
 * {@link ReplicaLog} over the storage module's {@link PartitionLog}: the durable end is the flushed
 * offset, epochs come from the checkpointed leader epoch cache. I/O failures surface as {@link
 * UncheckedIOException} naming the partition; the broker takes the partition offline on them.
 */
public final class StorageReplicaLog implements ReplicaLog {

  private final PartitionLog log;

  public StorageReplicaLog(PartitionLog log) {
    this.log = log;
  }

  public PartitionLog log() {
    return log;
  }

  @Override
  public long logStartOffset() {
    return log.logStartOffset();
  }

  @Override
  public long logEndOffset() {
    return log.logEndOffset();
  }

  /**
   * The flushed offset under fsync-before-ack; under the interval (Kafka-style) policy the log end,
   * as records count before they are fsynced there (the policy's documented risk).
   */
  @Override
  public long durableEndOffset() {
    return log.config().durabilityMode() == DurabilityMode.FSYNC_BEFORE_ACK
        ? log.flushedOffset()
        : log.logEndOffset();
  }

  @Override
  public long highWatermark() {
    return log.highWatermark();
  }

  @Override
  public void updateHighWatermark(long highWatermark) {
    log.updateHighWatermark(highWatermark);
  }

  @Override
  public OptionalInt latestEpoch() {
    return log.latestEpoch();
  }

  @Override
  public EpochEndOffset endOffsetForEpoch(int epoch) {
    return log.endOffsetForEpoch(epoch).orElse(EpochEndOffset.UNDEFINED);
  }

  @Override
  public void assignEpochStartOffset(int epoch, long startOffset) {
    try {
      log.assignEpochStartOffset(epoch, startOffset);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot record leader epoch " + epoch + " of " + log.id() + " at " + startOffset, e);
    }
  }

  @Override
  public void truncateTo(long offset) {
    try {
      log.truncateTo(offset);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot truncate " + log.id() + " to " + offset, e);
    }
  }
}
