package io.logstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The steps shared by the single reference broker and the reference cluster: write a {@code
 * server.properties}, {@code kafka-storage format} its log dir, fork {@code kafka.Kafka} with its
 * output appended to a log file.
 */
final class KafkaServerProcess {

  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

  private KafkaServerProcess() {}

  /** Writes {@code properties} as {@code key=value} lines, in iteration order. */
  static Path writeProperties(Path file, Map<String, String> properties) {
    String text =
        properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * {@code kafka-storage format --cluster-id clusterId}: KRaft refuses to start on an unformatted
   * log dir, and the nodes of one cluster must share the id. The tool's output goes to {@code
   * logFile}.
   */
  static void format(Path log4j, Path serverProperties, String clusterId, Path logFile) {
    List<String> command =
        KafkaRuntime.javaCommand(
            log4j,
            List.of(),
            "kafka.tools.StorageTool",
            List.of(
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                serverProperties.toString(),
                "--ignore-formatted"));
    ProcessResult result = Processes.run(command, null, FORMAT_TIMEOUT);
    appendToLog(logFile, "=== kafka-storage format ===\n" + result + "\n");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kafka-storage format failed: " + result);
    }
  }

  /** Forks {@code kafka.Kafka serverProperties}; stdout and stderr are appended to logFile. */
  static Process fork(Path log4j, List<String> jvmArgs, Path serverProperties, Path logFile) {
    appendToLog(
        logFile, "=== " + Instant.now() + " starting kafka.Kafka " + serverProperties + "\n");
    List<String> command =
        KafkaRuntime.javaCommand(
            log4j, jvmArgs, "kafka.Kafka", List.of(serverProperties.toString()));
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fork kafka.Kafka", e);
    }
  }

  private static void appendToLog(Path logFile, String text) {
    try {
      Files.writeString(logFile, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + logFile, e);
    }
  }
}
