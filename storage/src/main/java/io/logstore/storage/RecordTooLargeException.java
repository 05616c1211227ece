package io.logstore.storage;

/** A batch (or a whole append) is larger than {@code maxMessageBytes} or {@code segmentBytes}. */
public final class RecordTooLargeException extends Exception {
  private static final long serialVersionUID = 1L;

  public RecordTooLargeException(PartitionId partition, long sizeBytes, long limitBytes) {
    super(
        "batch of "
            + sizeBytes
            + " bytes for "
            + partition
            + " exceeds the limit of "
            + limitBytes
            + " bytes");
  }
}
