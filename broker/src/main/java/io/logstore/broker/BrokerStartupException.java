package io.logstore.broker;

/** The broker could not start; the message says why in terms an operator can act on. */
public final class BrokerStartupException extends Exception {
  public BrokerStartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
