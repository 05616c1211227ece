package io.logstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LogStore broker forked as its own JVM: {@code io.logstore.broker.LogStoreMain PROPERTIES_FILE
 * [--override key=value]...} on the current JVM's classpath, so the broker module must be a (test)
 * dependency of the calling module.
 *
 * <p>The properties file sets {@code listeners=PLAINTEXT://127.0.0.1:PORT}, {@code log.dirs},
 * {@code auto.create.topics.enable=true} and {@code num.partitions=4}; extra settings are passed as
 * {@code --override} arguments. The port and data dir survive {@link #restart()}. The log goes to
 * {@code target/broker-logs/logstore-<port>.log}, appended across restarts.
 */
public final class LogStoreBroker implements BrokerUnderTest, AutoCloseable {

  /** The broker's entry point. */
  public static final String MAIN_CLASS = "io.logstore.broker.LogStoreMain";

  private static final Logger LOG = LoggerFactory.getLogger(LogStoreBroker.class);

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final int port;
  private final Path workDir;
  private final Path dataDir;
  private final Path propertiesFile;
  private final Map<String, String> overrides;
  private final Path logFile;
  private volatile Process process;

  private LogStoreBroker(int port, Path workDir, Path dataDir, Map<String, String> overrides) {
    this.port = port;
    this.workDir = workDir;
    this.dataDir = dataDir;
    this.overrides = Map.copyOf(overrides);
    this.propertiesFile = workDir.resolve("logstore.properties");
    this.logFile = Processes.logDir().resolve("logstore-" + port + ".log");
  }

  /** Starts a broker with default settings and a fresh data dir deleted on close. */
  public static LogStoreBroker start() {
    return start(Map.of());
  }

  /** Starts a broker with a fresh data dir deleted on close and extra {@code --override}s. */
  public static LogStoreBroker start(Map<String, String> overrides) {
    Path workDir = Processes.tempDir("logstore-broker-");
    return start(workDir, workDir.resolve("data"), overrides);
  }

  /** Starts a broker on an existing (or new) data dir that close() leaves in place. */
  public static LogStoreBroker start(Path dataDir, Map<String, String> overrides) {
    return start(Processes.tempDir("logstore-broker-"), dataDir, overrides);
  }

  private static LogStoreBroker start(Path workDir, Path dataDir, Map<String, String> overrides) {
    requireBrokerOnClasspath();
    LogStoreBroker broker = new LogStoreBroker(FreePorts.next(), workDir, dataDir, overrides);
    broker.writeProperties();
    broker.fork();
    return broker;
  }

  private static void requireBrokerOnClasspath() {
    String resource = MAIN_CLASS.replace('.', '/') + ".class";
    if (ClassLoader.getSystemClassLoader().getResource(resource) == null
        && LogStoreBroker.class.getClassLoader().getResource(resource) == null) {
      throw new IllegalStateException(
          MAIN_CLASS
              + " is not on the classpath: add logstore-broker as a test dependency, or run"
              + " only the Kafka side with -Dcompat.brokers=kafka");
    }
  }

  private void writeProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
    properties.put("log.dirs", dataDir.toString());
    properties.put("auto.create.topics.enable", "true");
    properties.put("num.partitions", "4");
    // As the reference broker: a small __consumer_offsets and no initial rebalance delay.
    properties.put("offsets.topic.num.partitions", "4");
    properties.put("group.initial.rebalance.delay.ms", "0");
    StringBuilder text = new StringBuilder("# Written by io.logstore.testkit.LogStoreBroker\n");
    properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    try {
      Files.createDirectories(dataDir);
      Files.writeString(propertiesFile, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + propertiesFile, e);
    }
  }

  private void fork() {
    List<String> command = new ArrayList<>();
    command.add(Processes.javaExecutable());
    // The heap bin/logstore gives the broker by default; extra JVM options (experiments, profiling)
    // from the system property logstore.jvm.opts, split on spaces.
    command.add("-Xms64m");
    command.add("-Xmx1g");
    String extra = System.getProperty("logstore.jvm.opts", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.add("-cp");
    command.add(testClasspath());
    command.add(MAIN_CLASS);
    command.add(propertiesFile.toString());
    overrides.forEach(
        (key, value) -> {
          command.add("--override");
          command.add(key + "=" + value);
        });
    try {
      Files.writeString(
          logFile,
          "=== "
              + Instant.now()
              + " starting: "
              + String.join(" ", command.subList(4, command.size()))
              + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fork " + MAIN_CLASS, e);
    }
    Process started = process;
    try {
      Readiness.awaitMetadata("LogStore", port, STARTUP_TIMEOUT, started::isAlive, logFile);
    } catch (RuntimeException e) {
      Processes.kill(started);
      throw e;
    }
    LOG.info(
        "LogStore broker ready bootstrap={} dataDir={} log={}",
        bootstrapServers(),
        dataDir,
        logFile);
  }

  /**
   * The classpath of the running tests. Surefire puts only a manifest jar on {@code
   * java.class.path} and the real one in {@code surefire.test.class.path}.
   */
  private static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public String name() {
    return "logstore";
  }

  /** The broker's log.dirs directory; kept across restarts. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker's combined stdout/stderr log. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the broker process is alive. */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** Process id of the current broker JVM. */
  public long pid() {
    Process current = process;
    if (current == null) {
      throw new IllegalStateException(this + " was never started");
    }
    return current.pid();
  }

  /** Exit code of the last process, once it has exited. */
  public int exitCode() {
    return process.exitValue();
  }

  /** Clean stop: SIGTERM, SIGKILL only if still alive after 30 s. */
  public void stop() {
    Process current = process;
    if (current != null) {
      Processes.terminate(current, STOP_GRACE);
    }
  }

  /** Crash: SIGKILL, no shutdown hooks run. */
  public void kill() {
    Process current = process;
    if (current != null) {
      Processes.kill(current);
    }
  }

  /** SIGSTOP: the process freezes (no heartbeats, no answers) until {@link #resume}. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    Process current = process;
    if (current == null) {
      throw new IllegalStateException(this + " is not running");
    }
    Processes.signal(current, name);
  }

  /** A free loopback port, e.g. for a metadata-quorum voter. */
  public static int freePort() {
    return FreePorts.next();
  }

  /** Stops the broker if it runs, then starts it again on the same port and data dir. */
  public void restart() {
    stop();
    fork();
  }

  /** Stops the broker and deletes the temp dirs (the data dir only if this fixture made it). */
  @Override
  public void close() {
    stop();
    // A fixture-made data dir lives inside workDir; a caller's data dir lives elsewhere.
    Processes.deleteRecursively(workDir);
  }

  @Override
  public String toString() {
    return "logstore@" + bootstrapServers();
  }
}
