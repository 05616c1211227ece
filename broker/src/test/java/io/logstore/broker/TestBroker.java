package io.logstore.broker;

import io.logstore.broker.config.BrokerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

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

  /** A {@code controller.quorum.voters} value for nodes 1..count on free loopback ports. */
  static String freeVoters(int count) throws IOException {
    StringJoiner j = new StringJoiner(",");
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int id = 1; id <= count; id++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        j.add(id + "@127.0.0.1:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return j.toString();
  }

  /** Node {@code id} of the cluster of {@code voters}, heartbeating every 200 ms. */
  static TestBroker startNode(Path dataDir, int id, String voters, Map<String, String> extra)
      throws Exception {
    Map<String, String> props = new HashMap<>(extra);
    props.put(BrokerConfig.NODE_ID, Integer.toString(id));
    props.put(BrokerConfig.CONTROLLER_QUORUM_VOTERS, voters);
    props.putIfAbsent(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS, "200");
    return start(dataDir, props);
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
