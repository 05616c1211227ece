package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaAdminTools;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code kafka-delete-records}, {@code kafka-get-offsets} and {@code kafka-log-dirs} (4.3.1)
 * against a topic with records.
 */
class RecordToolsTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  /** Sends {@code count} records to {@code partition}, each acknowledged. */
  private static void produce(BrokerUnderTest broker, String topic, int partition, int count) {
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = 0; i < count; i++) {
        Admins.get(producer.send(new ProducerRecord<>(topic, partition, "k" + i, "value-" + i)));
      }
    }
  }

  /** {@code topic:partition:offset} lines of kafka-get-offsets, as partition to offset. */
  private static Map<Integer, Long> offsets(BrokerUnderTest broker, String topic, String time) {
    ProcessResult result =
        KafkaAdminTools.getOffsets(broker, TOOL_TIMEOUT, "--topic", topic, "--time", time);
    assertThat(result.exitCode()).as("%s", result).isZero();
    Map<Integer, Long> offsets = new TreeMap<>();
    for (String line : result.stdoutLines()) {
      String[] parts = line.split(":");
      assertThat(parts).as(line).hasSize(3);
      assertThat(parts[0]).isEqualTo(topic);
      offsets.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
    }
    return offsets;
  }

  @BrokersTest
  void shouldDeleteRecordsBelowOffsetAndShowNewEarliestOffset(BrokerUnderTest broker) {
    // Given 10 records in partition 0 and 5 in partition 1
    String topic = Clients.uniqueTopic("delete-records");
    Clients.autoCreate(broker, topic);
    produce(broker, topic, 0, 10);
    produce(broker, topic, 1, 5);

    // When kafka-delete-records deletes partition 0 below offset 4
    ProcessResult deleted =
        KafkaAdminTools.deleteRecords(
            broker,
            TOOL_TIMEOUT,
            "{\"partitions\":[{\"topic\":\""
                + topic
                + "\",\"partition\":0,\"offset\":4}],\"version\":1}");

    // Then it reports the new low watermark, kafka-get-offsets shows it as earliest offset, the
    // latest offsets are unchanged, and a consumer from the beginning starts there
    assertThat(deleted.exitCode()).as("%s", deleted).isZero();
    assertThat(deleted.stdout())
        .contains("partition: " + topic + "-0\tlow_watermark: 4")
        .doesNotContain("error");
    assertThat(offsets(broker, topic, "-2")).isEqualTo(Map.of(0, 4L, 1, 0L, 2, 0L, 3, 0L));
    assertThat(offsets(broker, topic, "-1")).isEqualTo(Map.of(0, 10L, 1, 5L, 2, 0L, 3, 0L));
    assertThat(offsets(broker, topic, "earliest")).containsEntry(0, 4L);
    List<ConsumerRecord<String, String>> records =
        Clients.readFromBeginning(broker, List.of(new TopicPartition(topic, 0)), 6);
    assertThat(records).extracting(ConsumerRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
  }

  @BrokersTest
  void shouldDescribeLogDirsWithPartitionSizes(BrokerUnderTest broker) {
    // Given records in partitions 0 and 1 of a 4-partition topic
    String topic = Clients.uniqueTopic("log-dirs");
    Clients.autoCreate(broker, topic);
    produce(broker, topic, 0, 10);
    produce(broker, topic, 1, 5);
    int nodeId = Admins.nodeId(broker);

    // When kafka-log-dirs describes the topic
    ProcessResult result =
        KafkaAdminTools.logDirs(broker, TOOL_TIMEOUT, "--describe", "--topic-list", topic);

    // Then its JSON lists the broker's one log dir with every partition and its size
    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout())
        .contains("Querying brokers for log directories information")
        .contains("Received log directory information from brokers " + nodeId);
    String json =
        result.stdoutLines().stream()
            .filter(line -> line.startsWith("{"))
            .findFirst()
            .orElseThrow();
    assertThat(json).startsWith("{\"brokers\":[{\"broker\":" + nodeId + ",\"logDirs\":[{");
    assertThat(json).contains("\"error\":null");
    Map<String, Long> sizes = new TreeMap<>();
    Matcher matcher =
        Pattern.compile(
                "\\{\"partition\":\"([^\"]+)\",\"size\":(\\d+),\"offsetLag\":0,\"isFuture\":false}")
            .matcher(json);
    while (matcher.find()) {
      sizes.put(matcher.group(1), Long.parseLong(matcher.group(2)));
    }
    assertThat(sizes).containsOnlyKeys(topic + "-0", topic + "-1", topic + "-2", topic + "-3");
    assertThat(sizes.get(topic + "-0")).isGreaterThan(sizes.get(topic + "-1"));
    assertThat(sizes.get(topic + "-1")).isPositive();
    assertThat(sizes.get(topic + "-2")).isZero();
    assertThat(sizes.get(topic + "-3")).isZero();
  }
}
