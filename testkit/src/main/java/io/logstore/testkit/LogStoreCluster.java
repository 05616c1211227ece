package io.logstore.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LogStore nodes {@code 1..n}, each a forked {@link LogStoreBroker} with {@code node.id} and a
 * shared {@code controller.quorum.voters} on free loopback ports (the layout of
 * LogStoreClusterMembershipTest).
 */
public final class LogStoreCluster implements ClusterUnderTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogStoreCluster.class);

  private final Map<Integer, LogStoreBroker> brokers;

  private LogStoreCluster(Map<Integer, LogStoreBroker> brokers) {
    this.brokers = brokers;
  }

  /**
   * Starts {@code nodes} brokers at once (a broker may answer Metadata only once a quorum of voters
   * runs, so each start waits in its own thread); {@code overrides} (e.g. {@code
   * broker.session.timeout.ms}) go to every node.
   */
  public static LogStoreCluster start(int nodes, Map<String, String> overrides) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(nodes, overrides);
      } catch (RuntimeException e) {
        // The Raft ports are probed free, then bound by the child: another process (any outgoing
        // connection takes an ephemeral port) can take one in between. Try other ports.
        if (attempt >= START_ATTEMPTS || !FreePorts.taken(e)) {
          throw e;
        }
        LOG.warn("a Raft port was taken before the cluster bound it; starting again", e);
      }
    }
  }

  private static final int START_ATTEMPTS = 3;

  private static LogStoreCluster startOnce(int nodes, Map<String, String> overrides) {
    StringJoiner voters = new StringJoiner(",");
    for (int id = 1; id <= nodes; id++) {
      voters.add(id + "@127.0.0.1:" + LogStoreBroker.freePort());
    }
    Map<Integer, Future<LogStoreBroker>> starting = new TreeMap<>();
    ExecutorService starter = Executors.newFixedThreadPool(nodes);
    try {
      for (int id = 1; id <= nodes; id++) {
        Map<String, String> config = new LinkedHashMap<>(overrides);
        config.put("node.id", Integer.toString(id));
        config.put("controller.quorum.voters", voters.toString());
        starting.put(id, starter.submit(() -> LogStoreBroker.start(config)));
      }
      return new LogStoreCluster(collect(starting));
    } finally {
      starter.shutdownNow();
    }
  }

  /** Every started broker, or, if one failed to start, closes the others and throws. */
  private static Map<Integer, LogStoreBroker> collect(
      Map<Integer, Future<LogStoreBroker>> starting) {
    Map<Integer, LogStoreBroker> brokers = new TreeMap<>();
    RuntimeException failure = null;
    for (Map.Entry<Integer, Future<LogStoreBroker>> entry : starting.entrySet()) {
      try {
        brokers.put(entry.getKey(), entry.getValue().get());
      } catch (ExecutionException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException r
                ? r
                : new IllegalStateException(e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while starting node " + entry.getKey(), e);
        break;
      }
    }
    if (failure != null) {
      brokers.values().forEach(LogStoreBroker::close);
      throw failure;
    }
    return brokers;
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
