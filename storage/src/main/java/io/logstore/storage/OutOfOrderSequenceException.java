package io.logstore.storage;

/** An idempotent producer's batch does not follow its last sequence number. */
public final class OutOfOrderSequenceException extends Exception {
  private static final long serialVersionUID = 1L;

  public OutOfOrderSequenceException(String message) {
    super(message);
  }
}
