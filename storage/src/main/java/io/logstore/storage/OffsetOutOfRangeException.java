package io.logstore.storage;

/** A read asked for an offset outside {@code [logStartOffset, logEndOffset]}. */
public final class OffsetOutOfRangeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final long logStartOffset;
  private final long logEndOffset;

  public OffsetOutOfRangeException(
      PartitionId partition, long offset, long logStartOffset, long logEndOffset) {
    super(
        "offset "
            + offset
            + " is out of range for "
            + partition
            + ": log start "
            + logStartOffset
            + ", log end "
            + logEndOffset);
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }

  public long offset() {
    return offset;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }
}
