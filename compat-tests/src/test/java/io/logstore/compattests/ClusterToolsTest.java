package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.ClusterUnderTest;
import io.logstore.testkit.KafkaReferenceCluster;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.LogStoreCluster;
import io.logstore.testkit.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka 4.3.1's cluster tools on three broker processes, the same steps against an Apache Kafka
 * cluster and a LogStore cluster: {@code kafka-reassign-partitions} --execute moves two partitions
 * that hold records to other brokers, --verify reports the moves completed (and clears the throttle
 * configs, as it always does), the new replicas are in sync, and every record is still read back;
 * {@code kafka-metadata-quorum describe --status / --replication} shows the leader and three
 * voters.
 */
class ClusterToolsTest {
  private static final String MAIN = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);
  private static final String TOPIC = "reassign-tool";
  private static final int RECORDS = 200;

  @TempDir Path tmp;

  static Stream<String> selectedBrokers() {
    return Brokers.selected().stream();
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("selectedBrokers")
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldMovePartitionsWithTheirRecords(String broker) throws Exception {
    try (ClusterUnderTest cluster = startCluster(broker);
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      // Given partition 0 on brokers 1, 2 and partition 1 on 2, 3, with 200 records
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(admin.describeCluster().nodes().get()).hasSize(3));
      admin
          .createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2), 1, List.of(2, 3)))))
          .all()
          .get(60, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(describe(admin).partitions()).allMatch(p -> p.isr().size() == 2));
      produce(cluster.bootstrapServers());

      // When kafka-reassign-partitions --execute moves them to 2, 3 and 3, 1
      Path plan = tmp.resolve("plan.json");
      Files.writeString(
          plan,
          "{\"version\":1,\"partitions\":["
              + "{\"topic\":\""
              + TOPIC
              + "\",\"partition\":0,\"replicas\":[2,3]},"
              + "{\"topic\":\""
              + TOPIC
              + "\",\"partition\":1,\"replicas\":[3,1]}]}");
      ProcessResult executed =
          tool(cluster, "--reassignment-json-file", plan.toString(), "--execute");

      // Then it started them
      assertThat(executed.exitCode()).as(executed.toString()).isZero();
      assertThat(executed.stdout()).contains("Successfully started partition reassignments");

      // And --verify reports both completed
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                ProcessResult verified =
                    tool(cluster, "--reassignment-json-file", plan.toString(), "--verify");
                assertThat(verified.exitCode()).as(verified.toString()).isZero();
                assertThat(verified.stdout())
                    .contains("Reassignment of partition " + TOPIC + "-0 is completed.")
                    .contains("Reassignment of partition " + TOPIC + "-1 is completed.");
              });

      // And the partitions are on their new replicas, all in sync, and hold every record
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<TopicPartitionInfo> partitions = describe(admin).partitions();
                assertThat(partitions.get(0).replicas()).extracting(Node::id).containsExactly(2, 3);
                assertThat(partitions.get(1).replicas()).extracting(Node::id).containsExactly(3, 1);
                assertThat(partitions).allMatch(p -> p.isr().size() == 2);
              });
      assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
      assertThat(consume(cluster.bootstrapServers())).isEqualTo(RECORDS);

      // And kafka-metadata-quorum describes the metadata quorum: a leader and three voters
      ProcessResult status = quorumTool(cluster, "describe", "--status");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      // (the leader comes from the tool: Kafka's brokers name a random broker as the controller in
      // DescribeCluster, so Admin cannot tell the quorum leader)
      assertThat(status.stdout()).contains("HighWatermark:");
      String leader =
          status.stdoutLines().stream()
              .filter(line -> line.startsWith("LeaderId:"))
              .map(line -> line.substring("LeaderId:".length()).trim())
              .findFirst()
              .orElseThrow(() -> new AssertionError("no LeaderId in " + status));
      assertThat(leader).isIn("1", "2", "3");
      assertThat(status.stdoutLines())
          .filteredOn(line -> line.startsWith("CurrentVoters:"))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("\"id\": 1")
                      .contains("\"id\": 2")
                      .contains("\"id\": 3"));
      ProcessResult replication = quorumTool(cluster, "describe", "--replication");
      assertThat(replication.exitCode()).as(replication.toString()).isZero();
      assertThat(replication.stdoutLines())
          .filteredOn(line -> line.matches("^\\d+\\s.*"))
          .hasSize(3)
          .anyMatch(line -> line.startsWith(leader + " ") && line.contains("Leader"));
    }
  }

  private static ProcessResult quorumTool(ClusterUnderTest cluster, String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
    all.addAll(List.of(args));
    return KafkaTools.run("org.apache.kafka.tools.MetadataQuorumCommand", TOOL_TIMEOUT, null, all);
  }

  private static ClusterUnderTest startCluster(String broker) {
    return switch (broker) {
      case Brokers.KAFKA -> KafkaReferenceCluster.start(3, Map.of());
      case Brokers.LOGSTORE -> LogStoreCluster.start(3, Map.of());
      default -> throw new IllegalArgumentException("unknown broker " + broker);
    };
  }

  private static ProcessResult tool(ClusterUnderTest cluster, String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
    all.addAll(List.of(args));
    return KafkaTools.run(MAIN, TOOL_TIMEOUT, null, all);
  }

  private static TopicDescription describe(Admin admin) throws Exception {
    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
  }

  private static void produce(String bootstrap) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap, "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        sent.add(producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "v" + i)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static int consume(String bootstrap) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "auto.offset.reset", "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
      int read = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (read < RECORDS && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
      return read;
    }
  }
}
