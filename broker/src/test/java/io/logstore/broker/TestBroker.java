package io.logstore.broker;

import io.logstore.broker.config.BrokerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-process broker on a free loopback port, for tests. */
final class TestBroker implements AutoCloseable {
  private final Broker broker;

  private TestBroker(Broker broker) {
    this.broker = broker;
  }

  /** A single broker, returned once it serves (its quorum of one applied its registration). */
  static TestBroker start(Path dataDir, Map<String, String> overrides) throws Exception {
    Broker broker = launch(dataDir, overrides);
    try {
      broker.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      broker.close();
      throw e;
    }
    return new TestBroker(broker);
  }

  private static Broker launch(Path dataDir, Map<String, String> overrides) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
    props.put(BrokerConfig.LOG_DIRS, dataDir.toString());
    props.putAll(overrides);
    return Broker.start(BrokerConfig.parse(props), Clock.systemUTC());
  }

  /** A {@code controller.quorum.voters} value for nodes 1..count on free loopback ports. */
  static String freeVoters(int count) {
    StringJoiner j = new StringJoiner(",");
    for (int id = 1; id <= count; id++) {
      j.add(id + "@127.0.0.1:" + freePort());
    }
    return j.toString();
  }

  // Ports below the kernel's ephemeral range (32768 on Linux unless configured otherwise), one
  // after another from a random start: an ephemeral port could be taken by any outgoing connection
  // between the probe and the Raft server's bind, a port below the range only by an explicit bind.
  private static final AtomicInteger NEXT_PORT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(20_000));

  private static int freePort() {
    for (int probes = 0; probes < 1_000; probes++) {
      int port = 10_000 + Math.floorMod(NEXT_PORT.getAndIncrement(), 20_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IllegalStateException("no free loopback port");
  }

  /**
   * Node {@code id} of the cluster of {@code voters}, heartbeating every 200 ms; returned at once
   * (it serves once its quorum has a leader and its registration is applied).
   */
  static TestBroker startNode(Path dataDir, int id, String voters, Map<String, String> extra)
      throws Exception {
    Map<String, String> props = new HashMap<>(extra);
    props.put(BrokerConfig.NODE_ID, Integer.toString(id));
    props.put(BrokerConfig.CONTROLLER_QUORUM_VOTERS, voters);
    props.putIfAbsent(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS, "200");
    return new TestBroker(launch(dataDir, props));
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
