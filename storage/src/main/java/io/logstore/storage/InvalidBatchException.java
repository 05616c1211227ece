package io.logstore.storage;

/** A record batch failed validation; nothing from the append was written. */
public final class InvalidBatchException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the batch was rejected. */
  public enum Reason {
    /** The stored CRC-32C does not match the batch bytes. */
    CORRUPT_CRC,
    /** Magic byte other than 2. */
    UNSUPPORTED_MAGIC,
    /** Count or length mismatch, truncated batch or record, bad offsets. */
    INVALID_RECORD
  }

  private final Reason reason;
  private final transient PartitionId partition;

  public InvalidBatchException(Reason reason, PartitionId partition, String message) {
    super(reason + " in " + partition + ": " + message);
    this.reason = reason;
    this.partition = partition;
  }

  public Reason reason() {
    return reason;
  }

  public PartitionId partition() {
    return partition;
  }
}
