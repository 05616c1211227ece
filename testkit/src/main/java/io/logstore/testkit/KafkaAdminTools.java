package io.logstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Apache Kafka 4.3.1's administration tools, each run by {@link KafkaTools#run(String, Duration,
 * String, List)} against one broker: {@code kafka-configs}, {@code kafka-delete-records}, {@code
 * kafka-log-dirs} and {@code kafka-get-offsets}.
 */
public final class KafkaAdminTools {

  /** {@code kafka-configs}: in kafka_2.13, not kafka-tools. */
  public static final String CONFIGS = "kafka.admin.ConfigCommand";

  /** {@code kafka-delete-records}. */
  public static final String DELETE_RECORDS = "org.apache.kafka.tools.DeleteRecordsCommand";

  /** {@code kafka-log-dirs}. */
  public static final String LOG_DIRS = "org.apache.kafka.tools.LogDirsCommand";

  /** {@code kafka-get-offsets}. */
  public static final String GET_OFFSETS = "org.apache.kafka.tools.GetOffsetShell";

  private KafkaAdminTools() {}

  /** {@code kafka-configs --bootstrap-server <broker> <args>}. */
  public static ProcessResult configs(BrokerUnderTest broker, Duration timeout, String... args) {
    return withBootstrap(CONFIGS, broker, timeout, args);
  }

  /**
   * {@code kafka-delete-records --bootstrap-server <broker> --offset-json-file <file>}, the file
   * holding {@code offsetJson}.
   */
  public static ProcessResult deleteRecords(
      BrokerUnderTest broker, Duration timeout, String offsetJson) {
    Path dir = Processes.tempDir("kafka-delete-records-");
    Path file = dir.resolve("offsets.json");
    try {
      Files.writeString(file, offsetJson);
      return withBootstrap(DELETE_RECORDS, broker, timeout, "--offset-json-file", file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      Processes.deleteRecursively(dir);
    }
  }

  /** {@code kafka-log-dirs --bootstrap-server <broker> <args>}. */
  public static ProcessResult logDirs(BrokerUnderTest broker, Duration timeout, String... args) {
    return withBootstrap(LOG_DIRS, broker, timeout, args);
  }

  /** {@code kafka-get-offsets --bootstrap-server <broker> <args>}. */
  public static ProcessResult getOffsets(BrokerUnderTest broker, Duration timeout, String... args) {
    return withBootstrap(GET_OFFSETS, broker, timeout, args);
  }

  private static ProcessResult withBootstrap(
      String mainClass, BrokerUnderTest broker, Duration timeout, String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
    all.addAll(Arrays.asList(args));
    return KafkaTools.run(mainClass, timeout, null, all);
  }
}
