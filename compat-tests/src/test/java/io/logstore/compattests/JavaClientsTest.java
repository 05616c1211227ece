package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.compattests.clients.JavaClientProgram;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.ProcessResult;
import io.logstore.testkit.Programs;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stock Java producers and consumers of four kafka-clients versions (issue 2: 4.x and 3.9; issue 5:
 * 3.0 and 2.8, whose defaults differ: idempotence off in 2.8) send {@value #RECORDS} records over 4
 * partitions with each codec and read them back with assign + seek. See {@link JavaClientProgram}.
 *
 * <p>4.3.1 runs in process; the others run in a forked JVM whose classpath is only that version's
 * jars ({@code target/kafka-clients/VERSION}, copied by the POM) plus this module's test classes.
 */
class JavaClientsTest {

  private static final int RECORDS = 100_000;
  private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
  private static final Duration FORK_TIMEOUT = Duration.ofMinutes(5);

  @BrokersTest
  void shouldRoundTripEveryCodecWithKafkaClients431(BrokerUnderTest broker) throws Exception {
    assertThat(JavaClientProgram.clientVersion()).isEqualTo("4.3.1");
    List<String> failures = new ArrayList<>();
    for (String codec : CODECS) {
      String line = JavaClientProgram.roundTrip(broker.bootstrapServers(), codec, RECORDS);
      recordCell(broker, "4.3.1", codec, line, failures);
    }
    assertThat(failures).isEmpty();
  }

  @BrokersTest
  void shouldRoundTripEveryCodecWithKafkaClients391(BrokerUnderTest broker) throws Exception {
    forked(broker, "3.9.1");
  }

  @BrokersTest
  void shouldRoundTripEveryCodecWithKafkaClients302(BrokerUnderTest broker) throws Exception {
    forked(broker, "3.0.2");
  }

  @BrokersTest
  void shouldRoundTripEveryCodecWithKafkaClients282(BrokerUnderTest broker) throws Exception {
    forked(broker, "2.8.2");
  }

  private static void forked(BrokerUnderTest broker, String version) throws Exception {
    ProcessResult result =
        Programs.java(
            classpath(version),
            JavaClientProgram.class.getName(),
            List.of(broker.bootstrapServers(), String.valueOf(RECORDS), String.join(",", CODECS)),
            FORK_TIMEOUT);
    assertThat(result.stdoutLines()).as("%s", result).contains("VERSION " + version);
    List<String> failures = new ArrayList<>();
    for (String codec : CODECS) {
      String line =
          result.stdoutLines().stream()
              .filter(l -> l.startsWith("RESULT " + codec + " "))
              .findFirst()
              .orElse("RESULT " + codec + " FAIL no result: " + result);
      recordCell(broker, version, codec, line, failures);
    }
    assertThat(failures).as("%s", result).isEmpty();
    assertThat(result.exitCode()).as("%s", result).isZero();
  }

  private static void recordCell(
      BrokerUnderTest broker, String version, String codec, String line, List<String> failures) {
    boolean passed = line.startsWith("RESULT " + codec + " OK ");
    CompatResults.record(
        new CompatResults.Cell(
            broker.name(),
            "Java kafka-clients " + version,
            "produce + consume (assign, seek), " + codec,
            passed,
            passed ? "" : line));
    if (!passed) {
      failures.add(line);
    }
  }

  /** That version's jars, then the directory holding {@link JavaClientProgram}. */
  private static String classpath(String version) throws IOException, URISyntaxException {
    Path dir =
        Path.of(System.getProperty("compat.kafkaClientsDir", "target/kafka-clients"), version);
    List<String> entries;
    try (Stream<Path> jars = Files.list(dir)) {
      entries =
          jars.filter(p -> p.toString().endsWith(".jar"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.toCollection(ArrayList::new));
    }
    assertThat(entries)
        .as("jars in %s (copied by compat-tests/pom.xml at generate-test-resources)", dir)
        .isNotEmpty();
    entries.add(
        Path.of(JavaClientProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    return String.join(File.pathSeparator, entries);
  }
}
