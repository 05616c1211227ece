package io.logstore.testkit;

/**
 * A running broker that a compatibility scenario talks to: either the Apache Kafka reference or
 * LogStore. Scenarios see only this, so the same code runs against both.
 */
public interface BrokerUnderTest {

  /** {@code host:port} of the PLAINTEXT listener, always on 127.0.0.1. */
  String bootstrapServers();

  /** Short name used in test display names: {@code kafka} or {@code logstore}. */
  String name();

  /** The listener host. */
  default String host() {
    String bootstrap = bootstrapServers();
    return bootstrap.substring(0, bootstrap.lastIndexOf(':'));
  }

  /** The listener port. */
  default int port() {
    String bootstrap = bootstrapServers();
    return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }
}
