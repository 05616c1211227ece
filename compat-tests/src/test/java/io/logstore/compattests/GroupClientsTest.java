package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.Kcat;
import io.logstore.testkit.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Non-Java group consumers: kcat's balanced consumer (-G) and a KafkaJS 2.2.4 consumer group. */
class GroupClientsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static List<String> produce(BrokerUnderTest broker, String topic, int count)
      throws Exception {
    List<String> values = IntStream.range(0, count).mapToObj(i -> "value-" + i).toList();
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, v, v)).get();
      }
    }
    return values;
  }

  private static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
  }

  @BrokersTest
  void shouldConsumeWithKcatBalancedConsumer(BrokerUnderTest broker) throws Exception {
    // Given 20 records over 4 partitions
    String topic = Clients.uniqueTopic("kcat-group");
    Clients.autoCreate(broker, topic);
    List<String> sent = produce(broker, topic, 20);

    // When kcat joins a group on the topic and stops after 20 messages
    ProcessResult result =
        Kcat.run(
            TIMEOUT,
            null,
            "-b",
            broker.bootstrapServers(),
            "-G",
            "kcat-" + topic,
            "-X",
            "auto.offset.reset=earliest",
            "-c",
            "20",
            "-f",
            "%s\\n",
            topic);

    // Then it printed exactly what was produced
    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(lines(result.stdout())).containsExactlyInAnyOrderElementsOf(sent);
  }

  @BrokersTest
  void shouldConsumeWithKafkaJsConsumerGroup(BrokerUnderTest broker) throws Exception {
    // Given 20 records over 4 partitions
    String topic = Clients.uniqueTopic("kafkajs-group");
    Clients.autoCreate(broker, topic);
    List<String> sent = produce(broker, topic, 20);

    // When a KafkaJS consumer group member reads them
    Path script = Path.of("src/test/node/group-consumer.js").toAbsolutePath();
    Path out = Files.createTempFile("kafkajs-", ".out");
    Path err = Files.createTempFile("kafkajs-", ".err");
    try {
      Process node =
          new ProcessBuilder(
                  "node",
                  script.toString(),
                  broker.bootstrapServers(),
                  "kafkajs-" + topic,
                  topic,
                  "20")
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      boolean exited = node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!exited) {
        node.destroyForcibly();
      }

      // Then it printed exactly what was produced
      assertThat(exited).as("node still running; stderr: %s", Files.readString(err)).isTrue();
      assertThat(node.exitValue()).as("stderr: %s", Files.readString(err)).isZero();
      assertThat(lines(Files.readString(out))).containsExactlyInAnyOrderElementsOf(sent);
    } finally {
      delete(out);
      delete(err);
    }
  }

  private static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }
}
