package io.logstore.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Apache Kafka 4.3.1's command-line tools, each run as a forked JVM on the reference runtime's
 * classpath with a timeout. Tool logging goes to stderr at WARN.
 */
public final class KafkaTools {

  /** The tools, by their main class in the 4.3.1 jars. */
  public enum Tool {
    CONSOLE_PRODUCER("org.apache.kafka.tools.ConsoleProducer"),
    CONSOLE_CONSUMER("org.apache.kafka.tools.consumer.ConsoleConsumer"),
    TOPICS("org.apache.kafka.tools.TopicCommand"),
    PRODUCER_PERFORMANCE("org.apache.kafka.tools.ProducerPerformance"),
    CONSUMER_PERFORMANCE("org.apache.kafka.tools.ConsumerPerformance"),
    END_TO_END_LATENCY("org.apache.kafka.tools.EndToEndLatency"),
    VERIFIABLE_PRODUCER("org.apache.kafka.tools.VerifiableProducer"),
    VERIFIABLE_CONSUMER("org.apache.kafka.tools.VerifiableConsumer"),
    CONSUMER_GROUPS("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand");

    private final String mainClass;

    Tool(String mainClass) {
      this.mainClass = mainClass;
    }

    /** Fully qualified main class. */
    public String mainClass() {
      return mainClass;
    }
  }

  private static final List<String> TOOL_JVM_ARGS = List.of("-Xmx512m");

  private static volatile Path log4jConfig;

  private KafkaTools() {}

  /**
   * Runs {@code tool} with {@code args}, feeding {@code stdin} (null for none); a tool still
   * running after {@code timeout} is killed and reported with {@code timedOut=true}.
   */
  public static ProcessResult run(Tool tool, Duration timeout, String stdin, String... args) {
    return run(tool.mainClass(), timeout, stdin, Arrays.asList(args));
  }

  /** Runs any main class of the Kafka runtime. */
  public static ProcessResult run(
      String mainClass, Duration timeout, String stdin, List<String> args) {
    List<String> command = KafkaRuntime.javaCommand(log4jConfig(), TOOL_JVM_ARGS, mainClass, args);
    return Processes.run(command, stdin, timeout);
  }

  /** {@code kafka-console-producer}: one record per line of {@code lines}. */
  public static ProcessResult consoleProducer(
      BrokerUnderTest broker, String topic, List<String> lines, Duration timeout, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers(), "--topic", topic));
    args.addAll(Arrays.asList(extra));
    return run(Tool.CONSOLE_PRODUCER.mainClass(), timeout, String.join("\n", lines) + "\n", args);
  }

  /**
   * {@code kafka-console-consumer --from-beginning}: stops after {@code maxMessages} records, or
   * when no record arrived for 10 s.
   */
  public static ProcessResult consoleConsumer(
      BrokerUnderTest broker, String topic, int maxMessages, Duration timeout, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                topic,
                "--from-beginning",
                "--max-messages",
                Integer.toString(maxMessages),
                "--timeout-ms",
                "10000"));
    args.addAll(Arrays.asList(extra));
    return run(Tool.CONSOLE_CONSUMER.mainClass(), timeout, null, args);
  }

  /** {@code kafka-topics --bootstrap-server <broker> <args>}. */
  public static ProcessResult topics(BrokerUnderTest broker, Duration timeout, String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
    all.addAll(Arrays.asList(args));
    return run(Tool.TOPICS.mainClass(), timeout, null, all);
  }

  /** {@code kafka-consumer-groups --bootstrap-server <broker> <args>}. */
  public static ProcessResult consumerGroups(
      BrokerUnderTest broker, Duration timeout, String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
    all.addAll(Arrays.asList(args));
    return run(Tool.CONSUMER_GROUPS.mainClass(), timeout, null, all);
  }

  /** The tools' log4j2 configuration: WARN and above to stderr. */
  static Path log4jConfig() {
    Path config = log4jConfig;
    if (config == null) {
      synchronized (KafkaTools.class) {
        config = log4jConfig;
        if (config == null) {
          Path dir = Processes.tempDir("kafka-tools-");
          dir.toFile().deleteOnExit();
          config = KafkaRuntime.writeLog4jConfig(dir, "SYSTEM_ERR", "WARN");
          config.toFile().deleteOnExit();
          log4jConfig = config;
        }
      }
    }
    return config;
  }
}
