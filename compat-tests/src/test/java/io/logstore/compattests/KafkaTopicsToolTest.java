package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/** {@code kafka-topics} (4.3.1): create with configs, list, describe, alter, delete. */
class KafkaTopicsToolTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  private static ProcessResult topics(BrokerUnderTest broker, String... args) {
    ProcessResult result = KafkaTools.topics(broker, TOOL_TIMEOUT, args);
    assertThat(result.exitCode()).as("%s", result).isZero();
    return result;
  }

  private static ProcessResult create(BrokerUnderTest broker, String topic) {
    return topics(
        broker,
        "--create",
        "--topic",
        topic,
        "--partitions",
        "3",
        "--replication-factor",
        "1",
        "--config",
        "retention.ms=3600000",
        "--config",
        "cleanup.policy=compact");
  }

  /** The entries of the {@code Configs:} column of a describe header line. */
  private static List<String> configsShown(String headerLine) {
    String configs = headerLine.substring(headerLine.indexOf("Configs:") + "Configs:".length());
    return List.of(configs.strip().split(","));
  }

  @BrokersTest
  void shouldCreateTopicWithConfigsAndDescribeIt(BrokerUnderTest broker) {
    // Given the broker's node id
    String topic = Clients.uniqueTopic("tool-create");
    int nodeId = Admins.nodeId(broker);

    // When kafka-topics creates a topic with 3 partitions, RF 1 and two configs
    ProcessResult created = create(broker, topic);

    // Then it is listed and described with its partitions, leader and configs
    assertThat(created.stdout()).contains("Created topic " + topic + ".");
    assertThat(topics(broker, "--list").stdoutLines()).contains(topic);
    ProcessResult described = topics(broker, "--describe", "--topic", topic);
    List<String> lines = described.stdoutLines();
    assertThat(lines.get(0))
        .contains("Topic: " + topic)
        .contains("PartitionCount: 3")
        .contains("ReplicationFactor: 1");
    // Kafka 4.3 also lists min.insync.replicas=1 here: the cluster-wide default its controller
    // writes for eligible leader replicas (KIP-966).
    assertThat(configsShown(lines.get(0)))
        .contains("cleanup.policy=compact", "retention.ms=3600000");
    for (int partition = 0; partition < 3; partition++) {
      assertThat(lines)
          .anySatisfy(
              line ->
                  assertThat(line.replaceAll("\\s+", " ").strip())
                      .startsWith("Topic: " + topic + " Partition: ")
                      .contains("Leader: " + nodeId + " Replicas: " + nodeId + " Isr: " + nodeId));
      int p = partition;
      assertThat(lines).anySatisfy(line -> assertThat(line).contains("Partition: " + p + "\t"));
    }
    try (Admin admin = Admins.admin(broker)) {
      assertThat(Admins.topicConfig(admin, topic, "retention.ms").value()).isEqualTo("3600000");
      assertThat(Admins.topicConfig(admin, topic, "cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @BrokersTest
  void shouldAddPartitionsWithAlter(BrokerUnderTest broker) {
    // Given a topic with 3 partitions
    String topic = Clients.uniqueTopic("tool-alter");
    create(broker, topic);

    // When kafka-topics --alter raises it to 5
    topics(broker, "--alter", "--topic", topic, "--partitions", "5");

    // Then describe shows 5 partitions, and producers see them (Kafka's broker learns of them
    // from the controller a moment later)
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ProcessResult described = topics(broker, "--describe", "--topic", topic);
              assertThat(described.stdoutLines().get(0)).contains("PartitionCount: 5");
              assertThat(described.stdout()).contains("Partition: 4\t");
            });
    assertThat(Clients.autoCreate(broker, topic)).hasSize(5);
  }

  @BrokersTest
  void shouldDeleteTopicAndCreateItAgainAtOnceWithNewId(BrokerUnderTest broker) {
    // Given a topic with a record in it
    String topic = Clients.uniqueTopic("tool-delete");
    create(broker, topic);
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      Admins.get(producer.send(new ProducerRecord<>(topic, 0, "k", "v")));
    }
    Uuid firstId;
    try (Admin admin = Admins.admin(broker)) {
      firstId = Admins.describe(admin, topic).topicId();
    }

    // When kafka-topics deletes it
    topics(broker, "--delete", "--topic", topic);

    // Then it is gone, and can be created again at once, with a new topic id and no old configs
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(topics(broker, "--list").stdoutLines()).doesNotContain(topic));
    topics(broker, "--create", "--topic", topic, "--partitions", "2", "--replication-factor", "1");
    try (Admin admin = Admins.admin(broker)) {
      assertThat(Admins.describe(admin, topic).topicId()).isNotEqualTo(firstId);
      assertThat(Admins.describe(admin, topic).partitions()).hasSize(2);
      assertThat(Admins.topicConfig(admin, topic, "cleanup.policy").value()).isEqualTo("delete");
      TopicPartition partition0 = new TopicPartition(topic, 0);
      assertThat(
              Admins.get(admin.listOffsets(Map.of(partition0, OffsetSpec.latest())).all())
                  .get(partition0)
                  .offset())
          .isZero();
    }
    assertThat(topics(broker, "--describe", "--topic", topic).stdoutLines().get(0))
        .contains("PartitionCount: 2");
  }
}
