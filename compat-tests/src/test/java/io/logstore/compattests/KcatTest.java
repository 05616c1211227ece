package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.Kcat;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/** librdkafka's kcat and Kafka's console producer against the broker. */
class KcatTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final int LINES = 50;

  @BrokersTest
  void shouldReadConsoleProducerLinesWithKcat(BrokerUnderTest broker) {
    // Given lines written by kafka-console-producer
    String topic = Clients.uniqueTopic("console-to-kcat");
    List<String> lines = lines("console");
    ProcessResult produced =
        KafkaTools.consoleProducer(
            broker, topic, lines, TOOL_TIMEOUT, "--producer-property", "acks=all");
    assertThat(produced.exitCode()).as("%s", produced).isZero();

    // When kcat consumes the topic from the beginning to its end
    ProcessResult consumed = kcatConsumeAll(broker, topic);

    // Then it prints exactly those lines (order is per partition only)
    assertThat(consumed.exitCode()).as("%s", consumed).isZero();
    assertThat(consumed.stdoutLines()).containsExactlyInAnyOrderElementsOf(lines);
  }

  @BrokersTest
  void shouldReadKcatProducedLinesBack(BrokerUnderTest broker) {
    // Given a topic that exists
    String topic = Clients.uniqueTopic("kcat-produce");
    Clients.autoCreate(broker, topic);
    List<String> lines = lines("kcat");

    // When kcat produces one message per line
    ProcessResult produced =
        Kcat.run(
            TOOL_TIMEOUT,
            String.join("\n", lines) + "\n",
            "-P",
            "-b",
            broker.bootstrapServers(),
            "-t",
            topic,
            "-X",
            "acks=all");
    assertThat(produced.exitCode()).as("%s", produced).isZero();

    // Then kcat reads the same lines back
    ProcessResult consumed = kcatConsumeAll(broker, topic);
    assertThat(consumed.exitCode()).as("%s", consumed).isZero();
    assertThat(consumed.stdoutLines()).containsExactlyInAnyOrderElementsOf(lines);
  }

  @BrokersTest
  void shouldListBrokerAndTopicWithKcat(BrokerUnderTest broker) {
    // Given an auto-created topic
    String topic = Clients.uniqueTopic("kcat-list");
    Clients.autoCreate(broker, topic);

    // When kcat lists the metadata
    ProcessResult listed = Kcat.run(TOOL_TIMEOUT, null, "-L", "-b", broker.bootstrapServers());

    // Then it shows our one broker and the topic with its 4 partitions
    assertThat(listed.exitCode()).as("%s", listed).isZero();
    assertThat(listed.stdout())
        .contains("1 brokers:")
        .contains(" at " + broker.bootstrapServers())
        .contains("topic \"" + topic + "\" with " + Clients.PARTITIONS + " partitions:");
  }

  private static ProcessResult kcatConsumeAll(BrokerUnderTest broker, String topic) {
    return Kcat.run(
        TOOL_TIMEOUT,
        null,
        "-C",
        "-b",
        broker.bootstrapServers(),
        "-t",
        topic,
        "-o",
        "beginning",
        "-e",
        "-q");
  }

  private static List<String> lines(String prefix) {
    return IntStream.range(0, LINES).mapToObj(i -> prefix + "-line-" + i).toList();
  }
}
