package io.logstore.storage;

/** When appended data is fsynced. */
public enum DurabilityMode {
  /**
   * {@link PartitionLog#awaitFlushed(long)} requests an fsync and completes after it; concurrent
   * waiters share one fsync (group commit).
   */
  FSYNC_BEFORE_ACK,
  /**
   * Kafka style: fsync once {@code flushMessages} messages are unflushed or {@code flushMs} has
   * passed since the last flush. {@link PartitionLog#awaitFlushed(long)} completes immediately.
   */
  INTERVAL
}
