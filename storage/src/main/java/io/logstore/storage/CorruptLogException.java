package io.logstore.storage;

/** Recovery found damage it cannot repair (for example an unreadable partition.metadata). */
public final class CorruptLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptLogException(String message) {
    super(message);
  }

  public CorruptLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
