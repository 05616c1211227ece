package io.logstore.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * LogStore nodes {@code 1..n}, each a forked {@link LogStoreBroker} with {@code node.id} and a
 * shared {@code controller.quorum.voters} on free loopback ports (the layout of
 * LogStoreClusterMembershipTest).
 */
public final class LogStoreCluster implements ClusterUnderTest {

  private final Map<Integer, LogStoreBroker> brokers;

  private LogStoreCluster(Map<Integer, LogStoreBroker> brokers) {
    this.brokers = brokers;
  }

  /**
   * Starts {@code nodes} brokers one after the other; {@code overrides} (e.g. {@code
   * broker.session.timeout.ms}) go to every node.
   */
  public static LogStoreCluster start(int nodes, Map<String, String> overrides) {
    StringJoiner voters = new StringJoiner(",");
    for (int id = 1; id <= nodes; id++) {
      voters.add(id + "@127.0.0.1:" + LogStoreBroker.freePort());
    }
    Map<Integer, LogStoreBroker> brokers = new TreeMap<>();
    LogStoreCluster cluster = new LogStoreCluster(brokers);
    try {
      for (int id = 1; id <= nodes; id++) {
        Map<String, String> config = new LinkedHashMap<>(overrides);
        config.put("node.id", Integer.toString(id));
        config.put("controller.quorum.voters", voters.toString());
        brokers.put(id, LogStoreBroker.start(config));
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** One node's broker fixture. */
  public LogStoreBroker broker(int nodeId) {
    LogStoreBroker broker = brokers.get(nodeId);
    if (broker == null) {
      throw new IllegalArgumentException("no node " + nodeId + " in " + this);
    }
    return broker;
  }

  @Override
  public String name() {
    return "logstore";
  }

  @Override
  public String bootstrapServers() {
    return brokers.values().stream()
        .map(LogStoreBroker::bootstrapServers)
        .collect(Collectors.joining(","));
  }

  @Override
  public List<Integer> nodeIds() {
    return List.copyOf(brokers.keySet());
  }

  @Override
  public void kill(int nodeId) {
    broker(nodeId).kill();
  }

  @Override
  public void restart(int nodeId) {
    broker(nodeId).restart();
  }

  @Override
  public void pause(int nodeId) {
    broker(nodeId).pause();
  }

  @Override
  public void resume(int nodeId) {
    broker(nodeId).resume();
  }

  @Override
  public void close() {
    brokers.values().forEach(LogStoreBroker::close);
  }

  @Override
  public String toString() {
    return "logstore-cluster@" + bootstrapServers();
  }
}
