package io.logstore.storage;

/** An idempotent producer's batch carries an epoch older than the one the partition knows. */
public final class InvalidProducerEpochException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidProducerEpochException(String message) {
    super(message);
  }
}
