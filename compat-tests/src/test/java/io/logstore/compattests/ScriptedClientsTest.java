package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.ProcessResult;
import io.logstore.testkit.Programs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Non-Java clients (issue 5), each a script printing {@code RESULT feature\tOK|FAIL\tdetail}:
 * librdkafka through Debian's python3-confluent-kafka, kafka-python (python3-kafka), KafkaJS 2.2.4
 * and {@code @platformatic/kafka} (version pinned in compat-tests/package.json). Each produces with
 * every codec it has and consumes from the beginning and from an offset; group cells run when the
 * broker advertises the classic group APIs, admin cells when it advertises CreateTopics,
 * DeleteTopics and DescribeConfigs. Every cell goes to the matrix.
 */
class ScriptedClientsTest {

  private static final Path SCRIPTS = Path.of("src", "test");
  private static final Duration TIMEOUT = Duration.ofMinutes(4);

  @BrokersTest
  void shouldPassEveryCellWithConfluentKafkaPython(BrokerUnderTest broker) throws Exception {
    check(
        broker,
        "librdkafka (python3-confluent-kafka)",
        Programs.python(SCRIPTS.resolve("python/confluent_client.py"), args(broker), TIMEOUT));
  }

  @BrokersTest
  void shouldPassEveryCellWithKafkaPython(BrokerUnderTest broker) throws Exception {
    check(
        broker,
        "kafka-python (python3-kafka)",
        Programs.python(SCRIPTS.resolve("python/kafka_python_client.py"), args(broker), TIMEOUT));
  }

  @BrokersTest
  void shouldPassEveryCellWithKafkaJs(BrokerUnderTest broker) throws Exception {
    check(
        broker,
        "KafkaJS",
        Programs.node(SCRIPTS.resolve("node/kafkajs_client.js"), args(broker), TIMEOUT));
  }

  @BrokersTest
  void shouldPassEveryCellWithPlatformaticKafka(BrokerUnderTest broker) throws Exception {
    check(
        broker,
        "@platformatic/kafka",
        Programs.node(
            SCRIPTS.resolve("node/platformatic_kafka_client.mjs"), args(broker), TIMEOUT));
  }

  private static List<String> args(BrokerUnderTest broker) {
    AdvertisedApis apis = AdvertisedApis.of(broker);
    List<String> args = new ArrayList<>(List.of(broker.bootstrapServers()));
    if (apis.advertisesAll(AdvertisedApis.GROUP_APIS)) {
      args.add("--groups");
    }
    if (apis.advertisesAll(AdvertisedApis.ADMIN_APIS)) {
      args.add("--admin");
    }
    return args;
  }

  private static void check(BrokerUnderTest broker, String fallbackClient, ProcessResult result) {
    String client =
        result.stdoutLines().stream()
            .filter(line -> line.startsWith("VERSION "))
            .map(line -> line.substring("VERSION ".length()))
            .findFirst()
            .orElse(fallbackClient);
    List<String> failures = new ArrayList<>();
    int cells = 0;
    for (String line : result.stdoutLines()) {
      Optional<CompatResults.Cell> cell = parse(broker, client, line);
      if (cell.isPresent()) {
        cells++;
        CompatResults.record(cell.get());
        if (!cell.get().passed()) {
          failures.add(cell.get().feature() + ": " + cell.get().detail());
        }
      }
    }
    assertThat(cells).as("cells reported by %s: %s", client, result).isPositive();
    assertThat(failures).as("%s on %s: %s", client, broker.name(), result).isEmpty();
    assertThat(result.exitCode()).as("%s", result).isZero();
  }

  private static Optional<CompatResults.Cell> parse(
      BrokerUnderTest broker, String client, String line) {
    if (!line.startsWith("RESULT ")) {
      return Optional.empty();
    }
    String[] fields = line.substring("RESULT ".length()).split("\t", 3);
    boolean passed = fields.length > 1 && fields[1].equals("OK");
    String detail = fields.length > 2 ? fields[2] : "";
    return Optional.of(
        new CompatResults.Cell(broker.name(), client, fields[0], passed, passed ? "" : detail));
  }
}
