package io.logstore.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka 4.3.1 broker (KRaft, combined broker and controller, one node) forked as its
 * own JVM from the Maven Central artifacts, listening on a free 127.0.0.1 port.
 *
 * <p>Configured like LogStore's defaults so scenarios need no CreateTopics: {@code
 * auto.create.topics.enable=true}, {@code num.partitions=4}, replication factors of 1. The log goes
 * to {@code target/broker-logs/kafka-<port>.log}; data lives in a temp dir deleted on close.
 */
public final class KafkaReferenceBroker implements BrokerUnderTest, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaReferenceBroker.class);

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** Settings every reference broker gets; extra properties given to start() override them. */
  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("process.roles", "broker,controller"),
          Map.entry("node.id", "1"),
          Map.entry("controller.listener.names", "CONTROLLER"),
          Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
          Map.entry("inter.broker.listener.name", "PLAINTEXT"),
          Map.entry("auto.create.topics.enable", "true"),
          Map.entry("num.partitions", "4"),
          Map.entry("default.replication.factor", "1"),
          Map.entry("offsets.topic.replication.factor", "1"),
          Map.entry("offsets.topic.num.partitions", "4"),
          Map.entry("transaction.state.log.replication.factor", "1"),
          Map.entry("transaction.state.log.min.isr", "1"),
          Map.entry("share.coordinator.state.topic.replication.factor", "1"),
          Map.entry("share.coordinator.state.topic.min.isr", "1"),
          Map.entry("group.initial.rebalance.delay.ms", "0"));

  private final int port;
  private final Path workDir;
  private final Path logFile;
  private final Process process;

  private KafkaReferenceBroker(int port, Path workDir, Path logFile, Process process) {
    this.port = port;
    this.workDir = workDir;
    this.logFile = logFile;
    this.process = process;
  }

  /** Starts a reference broker with the default settings. */
  public static KafkaReferenceBroker start() {
    return start(Map.of());
  }

  /**
   * Formats storage, forks {@code kafka.Kafka} and returns once it answers Metadata.
   *
   * @param extraProperties server properties added to or overriding the defaults, e.g. {@code
   *     log.flush.interval.messages=1}
   */
  public static KafkaReferenceBroker start(Map<String, String> extraProperties) {
    int port = FreePorts.next();
    int controllerPort = FreePorts.next();
    Path workDir = Processes.tempDir("kafka-reference-");
    Path logFile = Processes.logDir().resolve("kafka-" + port + ".log");
    Path log4j = KafkaRuntime.writeLog4jConfig(workDir, "SYSTEM_OUT", "INFO");
    Path serverProperties = writeServerProperties(workDir, port, controllerPort, extraProperties);
    Process process;
    try {
      KafkaServerProcess.format(log4j, serverProperties, Uuid.randomUuid().toString(), logFile);
      process =
          KafkaServerProcess.fork(
              log4j, List.of("-Xmx1g", "-Djava.awt.headless=true"), serverProperties, logFile);
    } catch (RuntimeException e) {
      Processes.deleteRecursively(workDir);
      throw e;
    }
    KafkaReferenceBroker broker = new KafkaReferenceBroker(port, workDir, logFile, process);
    try {
      Readiness.awaitMetadata("Apache Kafka", port, STARTUP_TIMEOUT, process::isAlive, logFile);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    LOG.info(
        "Apache Kafka reference broker ready bootstrap={} log={}",
        broker.bootstrapServers(),
        logFile);
    return broker;
  }

  private static Path writeServerProperties(
      Path workDir, int port, int controllerPort, Map<String, String> extraProperties) {
    Map<String, String> properties = new LinkedHashMap<>(DEFAULTS);
    properties.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    properties.put("log.dirs", workDir.resolve("data").toString());
    properties.putAll(extraProperties);
    return KafkaServerProcess.writeProperties(workDir.resolve("server.properties"), properties);
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public String name() {
    return "kafka";
  }

  /** The broker's combined stdout/stderr log. */
  public Path logFile() {
    return logFile;
  }

  /** The broker's log.dirs directory. */
  public Path dataDir() {
    return workDir.resolve("data");
  }

  /** Process id of the forked JVM. */
  public long pid() {
    return process.pid();
  }

  /** SIGTERM, SIGKILL after 30 s, then deletes the data. Idempotent. */
  @Override
  public void close() {
    Processes.terminate(process, STOP_GRACE);
    Processes.deleteRecursively(workDir);
  }

  @Override
  public String toString() {
    return "kafka@" + bootstrapServers();
  }
}
