package io.logstore.broker;

import io.logstore.broker.config.BrokerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** An in-process broker on a free loopback port, for tests. */
final class TestBroker implements AutoCloseable {
  private final Broker broker;

  private TestBroker(Broker broker) {
    this.broker = broker;
  }

  static TestBroker start(Path dataDir, Map<String, String> overrides) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
    props.put(BrokerConfig.LOG_DIRS, dataDir.toString());
    props.putAll(overrides);
    return new TestBroker(Broker.start(BrokerConfig.parse(props), Clock.systemUTC()));
  }

  String bootstrapServers() {
    return "127.0.0.1:" + broker.boundAddress().getPort();
  }

  Broker broker() {
    return broker;
  }

  int port() {
    return broker.boundAddress().getPort();
  }

  @Override
  public void close() {
    broker.close();
  }
}
