package io.logstore.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka 4.3.1 KRaft cluster of forked JVMs: nodes {@code 1..n}, each a combined
 * broker and controller ({@code process.roles=broker,controller}) with a static {@code
 * controller.quorum.voters} and storage formatted with one shared cluster id. Internal topics are
 * replicated to every node (up to 3), so a group or a producer id survives the loss of one node.
 *
 * <p>A node keeps its ports and data across {@link #kill} and {@link #restart}. Logs go to {@code
 * target/broker-logs/kafka-cluster-<port>.log}, appended across restarts; data lives in temp dirs
 * deleted on close.
 */
public final class KafkaReferenceCluster implements ClusterUnderTest {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaReferenceCluster.class);

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** Three nodes and a test-run producer or consumer share two cores: keep each heap small. */
  private static final String DEFAULT_MAX_HEAP = "768m";

  private final Map<Integer, Node> nodes;

  private KafkaReferenceCluster(Map<Integer, Node> nodes) {
    this.nodes = nodes;
  }

  /**
   * Formats and forks {@code count} nodes, and returns once each answers Metadata.
   *
   * @param extraProperties server properties for every node, added to or overriding the defaults,
   *     e.g. {@code broker.session.timeout.ms}
   */
  public static KafkaReferenceCluster start(int count, Map<String, String> extraProperties) {
    return start(count, extraProperties, DEFAULT_MAX_HEAP);
  }

  /**
   * As {@link #start(int, Map)} with each node's {@code -Xmx} set to {@code maxHeap}, e.g. {@code
   * 1g} to match a LogStore broker's heap in a benchmark.
   */
  public static KafkaReferenceCluster start(
      int count, Map<String, String> extraProperties, String maxHeap) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(count, extraProperties, maxHeap);
      } catch (RuntimeException e) {
        if (attempt >= 3 || !FreePorts.taken(e)) {
          throw e;
        }
        LOG.warn("a probed port was taken before the cluster bound it; starting again", e);
      }
    }
  }

  private static KafkaReferenceCluster startOnce(
      int count, Map<String, String> extraProperties, String maxHeap) {
    List<String> jvmArgs = List.of("-Xmx" + maxHeap, "-Djava.awt.headless=true");
    String clusterId = Uuid.randomUuid().toString();
    Map<Integer, Node> nodes = new TreeMap<>();
    StringJoiner voters = new StringJoiner(",");
    for (int id = 1; id <= count; id++) {
      Node node = new Node(id, FreePorts.next(), FreePorts.next(), jvmArgs);
      nodes.put(id, node);
      voters.add(id + "@127.0.0.1:" + node.controllerPort);
    }
    KafkaReferenceCluster cluster = new KafkaReferenceCluster(nodes);
    try {
      String internalReplicas = Integer.toString(Math.min(count, 3));
      for (Node node : nodes.values()) {
        Map<String, String> properties = defaults(internalReplicas);
        properties.put("node.id", Integer.toString(node.id));
        properties.put(
            "listeners",
            "PLAINTEXT://127.0.0.1:"
                + node.port
                + ",CONTROLLER://127.0.0.1:"
                + node.controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.port);
        properties.put("controller.quorum.voters", voters.toString());
        properties.put("log.dirs", node.workDir.resolve("data").toString());
        properties.putAll(extraProperties);
        KafkaServerProcess.writeProperties(node.serverProperties, properties);
        KafkaServerProcess.format(node.log4j, node.serverProperties, clusterId, node.logFile);
      }
      // All forks first: a node answers Metadata only once a quorum of controllers exists.
      nodes.values().forEach(Node::fork);
      nodes.values().forEach(Node::awaitReady);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info(
        "Apache Kafka reference cluster ready bootstrap={} clusterId={}",
        cluster.bootstrapServers(),
        clusterId);
    return cluster;
  }

  private static Map<String, String> defaults(String internalReplicas) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("process.roles", "broker,controller");
    properties.put("controller.listener.names", "CONTROLLER");
    properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    properties.put("inter.broker.listener.name", "PLAINTEXT");
    properties.put("auto.create.topics.enable", "true");
    properties.put("num.partitions", "4");
    properties.put("offsets.topic.replication.factor", internalReplicas);
    properties.put("offsets.topic.num.partitions", "4");
    properties.put("transaction.state.log.replication.factor", internalReplicas);
    properties.put("transaction.state.log.min.isr", "1");
    properties.put("share.coordinator.state.topic.replication.factor", internalReplicas);
    properties.put("share.coordinator.state.topic.min.isr", "1");
    properties.put("group.initial.rebalance.delay.ms", "0");
    return properties;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String bootstrapServers() {
    return nodes.values().stream()
        .map(node -> "127.0.0.1:" + node.port)
        .collect(Collectors.joining(","));
  }

  @Override
  public List<Integer> nodeIds() {
    return List.copyOf(nodes.keySet());
  }

  @Override
  public void kill(int nodeId) {
    Processes.kill(node(nodeId).process());
  }

  @Override
  public void restart(int nodeId) {
    Node node = node(nodeId);
    Processes.terminate(node.process(), STOP_GRACE);
    node.fork();
    node.awaitReady();
  }

  @Override
  public void pause(int nodeId) {
    Processes.signal(node(nodeId).process(), "STOP");
  }

  @Override
  public void resume(int nodeId) {
    Processes.signal(node(nodeId).process(), "CONT");
  }

  /** A node's combined stdout/stderr log. */
  public Path logFile(int nodeId) {
    return node(nodeId).logFile;
  }

  /** Process id of a node's current JVM. */
  public long pid(int nodeId) {
    return node(nodeId).process().pid();
  }

  private Node node(int nodeId) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      throw new IllegalArgumentException("no node " + nodeId + " in " + this);
    }
    return node;
  }

  /** SIGTERM to every node at once, SIGKILL after 30 s, then deletes the data. Idempotent. */
  @Override
  public void close() {
    nodes.values().stream().filter(n -> n.process != null).forEach(n -> n.process.destroy());
    for (Node node : nodes.values()) {
      if (node.process != null) {
        Processes.terminate(node.process, STOP_GRACE);
      }
      Processes.deleteRecursively(node.workDir);
    }
  }

  @Override
  public String toString() {
    return "kafka-cluster@" + bootstrapServers();
  }

  /** One node: ports, files, and the current process (replaced by a restart). */
  private static final class Node {
    final int id;
    final int port;
    final int controllerPort;
    final Path workDir;
    final Path serverProperties;
    final Path log4j;
    final Path logFile;
    final List<String> jvmArgs;
    volatile Process process;

    Node(int id, int port, int controllerPort, List<String> jvmArgs) {
      this.id = id;
      this.jvmArgs = jvmArgs;
      this.port = port;
      this.controllerPort = controllerPort;
      this.workDir = Processes.tempDir("kafka-cluster-node" + id + "-");
      this.serverProperties = workDir.resolve("server.properties");
      this.log4j = KafkaRuntime.writeLog4jConfig(workDir, "SYSTEM_OUT", "INFO");
      this.logFile = Processes.logDir().resolve("kafka-cluster-" + port + ".log");
    }

    void fork() {
      process = KafkaServerProcess.fork(log4j, jvmArgs, serverProperties, logFile);
    }

    void awaitReady() {
      Process started = process();
      Readiness.awaitMetadata(
          "Apache Kafka node " + id, port, STARTUP_TIMEOUT, started::isAlive, logFile);
    }

    Process process() {
      Process current = process;
      if (current == null) {
        throw new IllegalStateException("node " + id + " was never started");
      }
      return current;
    }
  }
}
