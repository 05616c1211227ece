package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.broker.config.BrokerConfig;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process brokers replicate a topic with replication factor 3 through Kafka's own clients:
 * Metadata shows leader, replicas and ISR; acks=all records reach every replica's log; after the
 * leader stops, a follower leads and still holds every acknowledged record; with the ISR below
 * min.insync.replicas acks=all is refused; a restarted broker catches up and rejoins the ISR.
 *
 * <p>In-process brokers forming a cluster: an integration test (bin/test runs it in pass 2).
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterReplicationTest {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "replicated";

  @TempDir Path tmp;
  private final Map<Integer, TestBroker> brokers = new TreeMap<>();
  private final Map<String, String> extraConfig = new HashMap<>();
  private String voters;

  @AfterEach
  void stopAll() {
    brokers.values().forEach(TestBroker::close);
  }

  @Test
  void aReplicatedTopicSurvivesItsLeaderAndRefusesAcksAllBelowMinIsr() throws Exception {
    // Given three brokers and a topic with 3 replicas and min.insync.replicas=2
    try (Admin admin = startCluster(3)) {
      // (and DescribeQuorum shows the metadata quorum: the controller leads, three voters)
      var quorum = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
      assertThat(quorum.leaderId()).isEqualTo(admin.describeCluster().controller().get().id());
      assertThat(quorum.voters())
          .extracting(org.apache.kafka.clients.admin.QuorumInfo.ReplicaState::replicaId)
          .containsExactly(1, 2, 3);
      assertThat(quorum.highWatermark()).isPositive();
      assertThat(quorum.voters()).allMatch(v -> v.logEndOffset() > 0);
      assertThat(quorum.observers()).isEmpty();
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 2, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get();

      // Then Metadata shows a leader, three replicas and an ISR of three for each partition
      eventually(
          () -> {
            TopicDescription d = describe(admin);
            for (TopicPartitionInfo p : d.partitions()) {
              assertThat(p.leader()).isNotNull();
              assertThat(p.replicas()).extracting(Node::id).hasSize(3);
              assertThat(p.isr()).extracting(Node::id).hasSize(3);
            }
          });
      assertThat(
              admin
                  .describeConfigs(
                      List.of(
                          new org.apache.kafka.common.config.ConfigResource(
                              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, TOPIC)))
                  .all()
                  .get()
                  .values()
                  .iterator()
                  .next()
                  .get("min.insync.replicas")
                  .value())
          .isEqualTo("2");

      // When records are produced with acks=all
      List<String> acked = new ArrayList<>(produce(0, 200));

      // Then every replica's log holds them (followers copied them before the ack)
      for (TestBroker b : brokers.values()) {
        long total = 0;
        for (int p = 0; p < 2; p++) {
          total += b.broker().topics().partition(TOPIC, p).orElseThrow().log().logEndOffset();
        }
        assertThat(total).as("records on broker %s", b).isEqualTo(200);
      }

      // When the leader of partition 0 stops
      int leader = describe(admin).partitions().get(0).leader().id();
      brokers.remove(leader).close();

      // Then another replica leads with the surviving ISR, and acks=all still works
      eventually(
          () -> {
            TopicPartitionInfo p0 = describe(admin).partitions().get(0);
            assertThat(p0.leader()).isNotNull();
            assertThat(p0.leader().id()).isNotEqualTo(leader);
            assertThat(p0.isr()).extracting(Node::id).doesNotContain(leader);
          });
      acked.addAll(produce(200, 100));

      // and a consumer reads every acknowledged record exactly once
      assertThat(consumeAll(acked.size())).containsExactlyInAnyOrderElementsOf(acked);

      // When a second broker stops, the ISR falls below min.insync.replicas
      int second = brokers.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
      brokers.remove(second).close();
      eventually(
          () -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
              assertThat(p.isr()).hasSize(1);
            }
          });

      // Then acks=all is refused with NOT_ENOUGH_REPLICAS
      try (KafkaProducer<String, String> producer = producer(Map.of("retries", "0"))) {
        ExecutionException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> producer.send(new ProducerRecord<>(TOPIC, 0, "k", "refused")).get());
        assertThat(refused.getCause()).isInstanceOf(NotEnoughReplicasException.class);
      }

      // When both come back, they catch up and rejoin the ISR, and nothing acknowledged is lost
      start(leader);
      start(second);
      eventually(
          () -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
              assertThat(p.isr()).hasSize(3);
            }
          });
      for (TestBroker b : brokers.values()) {
        eventually(
            () -> {
              long total = 0;
              for (int p = 0; p < 2; p++) {
                total += b.broker().topics().partition(TOPIC, p).orElseThrow().log().logEndOffset();
              }
              assertThat(total).isEqualTo(acked.size());
            });
      }
      assertThat(consumeAll(acked.size())).containsExactlyInAnyOrderElementsOf(acked);

      // When preferred leaders are elected (ElectLeaders), each partition's first replica leads
      admin.electLeaders(org.apache.kafka.common.ElectionType.PREFERRED, null).partitions().get();
      eventually(
          () -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
              assertThat(p.leader().id()).isEqualTo(p.replicas().get(0).id());
            }
          });
      var again =
          admin
              .electLeaders(
                  org.apache.kafka.common.ElectionType.PREFERRED,
                  java.util.Set.of(new TopicPartition(TOPIC, 0)))
              .partitions()
              .get();
      assertThat(again.get(new TopicPartition(TOPIC, 0)))
          .containsInstanceOf(org.apache.kafka.common.errors.ElectionNotNeededException.class);

      // And a topic config altered on one broker reaches every broker through the metadata
      org.apache.kafka.common.config.ConfigResource resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, TOPIC);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new org.apache.kafka.clients.admin.AlterConfigOp(
                          new org.apache.kafka.clients.admin.ConfigEntry(
                              "retention.ms", "86400000"),
                          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
          .all()
          .get();
      for (TestBroker b : brokers.values()) {
        eventually(
            () ->
                assertThat(b.broker().topics().overrides(TOPIC))
                    .containsEntry("retention.ms", "86400000")
                    .containsEntry("min.insync.replicas", "2"));
      }
      PartitionRecord state =
          brokers
              .values()
              .iterator()
              .next()
              .broker()
              .clusterNode()
              .image()
              .topic(TOPIC)
              .orElseThrow()
              .partitions()
              .get(0);
      assertThat(state.leaderEpoch()).isGreaterThan(0);
    }
  }

  @Test
  void aConsumerGroupKeepsItsCommittedOffsetsWhenItsCoordinatorStops() throws Exception {
    // Given three brokers, a replicated topic with 100 records, and a group that consumed and
    // committed them
    List<String> first;
    try (Admin admin = startCluster(3)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 3))).all().get();
      first = produce(0, 100);
      assertThat(groupConsume("g1", first.size())).containsExactlyInAnyOrderElementsOf(first);

      // Then the offsets topic is replicated and the group's coordinator is one of the brokers
      TopicDescription offsets =
          admin
              .describeTopics(List.of("__consumer_offsets"))
              .allTopicNames()
              .get()
              .get("__consumer_offsets");
      assertThat(offsets.partitions().get(0).replicas()).hasSize(3);
      int coordinator =
          admin.describeConsumerGroups(List.of("g1")).all().get().get("g1").coordinator().id();

      // When the coordinator stops and more records arrive
      brokers.remove(coordinator).close();
      List<String> second = produce(100, 50);

      // Then the group, now coordinated elsewhere, resumes after its committed offsets
      assertThat(groupConsume("g1", second.size())).containsExactlyInAnyOrderElementsOf(second);
      assertThat(
              admin.describeConsumerGroups(List.of("g1")).all().get().get("g1").coordinator().id())
          .isNotEqualTo(coordinator);

      // When records are deleted (DeleteRecords goes to the leader)
      TopicPartition tp0 = new TopicPartition(TOPIC, 0);
      long lowWatermark =
          admin
              .deleteRecords(
                  Map.of(tp0, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(20)))
              .lowWatermarks()
              .get(tp0)
              .get(60, TimeUnit.SECONDS)
              .lowWatermark();

      // Then the answer came once every replica's log start had followed the leader's
      assertThat(lowWatermark).isEqualTo(20);
      for (TestBroker b : brokers.values()) {
        assertThat(b.broker().topics().partition(TOPIC, 0).orElseThrow().log().logStartOffset())
            .as("log start on %s", b)
            .isEqualTo(20);
      }
    }
  }

  private List<String> groupConsume(String group, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap(),
                "group.id",
                group,
                "auto.offset.reset",
                "earliest",
                "enable.auto.commit",
                "false"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      consumer.commitSync(Duration.ofSeconds(30));
    }
    return values;
  }

  private TopicDescription describe(Admin admin) throws Exception {
    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
  }

  private List<String> produce(int from, int count) throws Exception {
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        String v = "v" + i;
        sent.add(producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, v)));
        values.add(v);
      }
      for (var f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    return values;
  }

  private KafkaProducer<String, String> producer(Map<String, String> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap());
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("delivery.timeout.ms", "60000");
    props.put("request.timeout.ms", "10000");
    props.putAll(extra);
    if (extra.containsKey("retries")) {
      props.put("enable.idempotence", "false");
      props.put("delivery.timeout.ms", "15000");
    }
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private List<String> consumeAll(int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap(), "auto.offset.reset", "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  private String bootstrap() {
    StringJoiner j = new StringJoiner(",");
    brokers.values().forEach(b -> j.add(b.bootstrapServers()));
    return j.toString();
  }

  private void start(int id) throws Exception {
    Map<String, String> config = new HashMap<>(extraConfig);
    config.put(BrokerConfig.BROKER_SESSION_TIMEOUT_MS, "3000");
    config.put(BrokerConfig.REPLICA_LAG_TIME_MAX_MS, "3000");
    brokers.put(id, TestBroker.startNode(tmp.resolve("broker-" + id), id, voters, config));
  }

  /** Retries {@code assertion} until it passes, for at most {@link #AWAIT}. */
  private static void eventually(org.awaitility.core.ThrowingRunnable assertion) {
    await().atMost(AWAIT).untilAsserted(assertion);
  }

  /** Starts brokers 1..{@code count} as one cluster; an Admin client once all are registered. */
  private Admin startCluster(int count) throws Exception {
    voters = TestBroker.freeVoters(count);
    for (int id = 1; id <= count; id++) {
      start(id);
    }
    Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()));
    eventually(() -> assertThat(admin.describeCluster().nodes().get()).hasSize(count));
    return admin;
  }

  private static TopicPartitionInfo describe(Admin admin, String topic, int partition)
      throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .get(partition);
  }

  /** The partition as the metadata image of broker {@code id} holds it. */
  private PartitionRecord imageOf(int id, String topic, int partition) {
    return brokers
        .get(id)
        .broker()
        .clusterNode()
        .image()
        .topic(topic)
        .orElseThrow()
        .partitions()
        .get(partition);
  }

  private long logEnd(int id, String topic) {
    return brokers.get(id).broker().topics().partition(topic, 0).orElseThrow().log().logEndOffset();
  }

  private void produceTo(String topic, int count, String acks) throws Exception {
    try (KafkaProducer<String, String> producer =
        producer(Map.of("acks", acks, "enable.idempotence", "false", "retries", "3"))) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)));
      }
      for (var f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void replicasAssignedByHandAreKeptAndChecked() throws Exception {
    // Given three brokers
    String topic = "assigned";
    try (Admin admin = startCluster(3)) {

      // When a topic is created with partition 0 on brokers 3, 1 and partition 1 on 2, 3
      admin
          .createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(3, 1), 1, List.of(2, 3)))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then those are the replicas, the first leads, all are in sync, and only they hold a log
      eventually(
          () -> {
            TopicPartitionInfo p0 = describe(admin, topic, 0);
            TopicPartitionInfo p1 = describe(admin, topic, 1);
            assertThat(p0.replicas()).extracting(Node::id).containsExactly(3, 1);
            assertThat(p0.leader().id()).isEqualTo(3);
            assertThat(p0.isr()).extracting(Node::id).containsExactlyInAnyOrder(3, 1);
            assertThat(p1.replicas()).extracting(Node::id).containsExactly(2, 3);
            assertThat(p1.leader().id()).isEqualTo(2);
          });
      produceTo(topic, 5, "all");
      assertThat(logEnd(3, topic)).isEqualTo(5);
      assertThat(logEnd(1, topic)).isEqualTo(5);
      assertThat(brokers.get(2).broker().topics().partition(topic, 0)).isEmpty();

      // When it grows by a partition assigned to 1, 2
      admin
          .createPartitions(
              Map.of(
                  topic,
                  org.apache.kafka.clients.admin.NewPartitions.increaseTo(
                      3, List.of(List.of(1, 2)))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then the new partition has them
      eventually(
          () ->
              assertThat(describe(admin, topic, 2).replicas())
                  .extracting(Node::id)
                  .containsExactly(1, 2));

      // And assignments with another replica count or an unknown broker are refused as in Kafka
      ExecutionException mismatch =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .createPartitions(
                          Map.of(
                              topic,
                              org.apache.kafka.clients.admin.NewPartitions.increaseTo(
                                  4, List.of(List.of(1, 2, 3)))))
                      .all()
                      .get(30, TimeUnit.SECONDS));
      assertThat(mismatch.getCause())
          .isInstanceOf(org.apache.kafka.common.errors.InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes a partition with 3 replica(s), but this"
                  + " is not consistent with previous partitions, which have 2 replica(s).");
      ExecutionException unknown =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .createTopics(List.of(new NewTopic("assigned-bad", Map.of(0, List.of(1, 9)))))
                      .all()
                      .get(30, TimeUnit.SECONDS));
      assertThat(unknown.getCause())
          .isInstanceOf(org.apache.kafka.common.errors.InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes broker 9, but no such broker is"
                  + " registered.");
    }
  }

  @Test
  void aPartitionMovesToOtherBrokersByReassignmentAndAStuckOneCanBeCancelled() throws Exception {
    // Given three brokers and a partition on brokers 1, 2 with 50 acknowledged records
    String topic = "moving";
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = startCluster(3)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2)))))
          .all()
          .get(30, TimeUnit.SECONDS);
      eventually(() -> assertThat(describe(admin, topic, 0).isr()).hasSize(2));
      produceTo(topic, 50, "all");

      // When it is reassigned to brokers 2, 3
      admin
          .alterPartitionReassignments(
              Map.of(
                  tp,
                  Optional.of(
                      new org.apache.kafka.clients.admin.NewPartitionReassignment(List.of(2, 3)))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then broker 3 copies the log, the move completes, 2 leads, and broker 1 holds nothing
      eventually(
          () -> {
            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
            TopicPartitionInfo p = describe(admin, topic, 0);
            assertThat(p.replicas()).extracting(Node::id).containsExactly(2, 3);
            assertThat(p.isr()).extracting(Node::id).containsExactlyInAnyOrder(2, 3);
            assertThat(p.leader().id()).isEqualTo(2);
            assertThat(brokers.get(1).broker().topics().partition(topic, 0)).isEmpty();
          });
      assertThat(logEnd(3, topic)).isEqualTo(50);
      produceTo(topic, 10, "all");
      assertThat(logEnd(3, topic)).isEqualTo(60);

      // When broker 1 stops and the partition is reassigned to 2, 3, 1
      brokers.remove(1).close();
      admin
          .alterPartitionReassignments(
              Map.of(
                  tp,
                  Optional.of(
                      new org.apache.kafka.clients.admin.NewPartitionReassignment(
                          List.of(2, 3, 1)))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then the move waits for broker 1, as ListPartitionReassignments shows
      eventually(
          () -> {
            var ongoing = admin.listPartitionReassignments().reassignments().get().get(tp);
            assertThat(ongoing).isNotNull();
            assertThat(ongoing.replicas()).containsExactly(2, 3, 1);
            assertThat(ongoing.addingReplicas()).containsExactly(1);
            assertThat(ongoing.removingReplicas()).isEmpty();
          });

      // When it is cancelled, the partition is back on 2, 3; a second cancel finds none running
      admin
          .alterPartitionReassignments(Map.of(tp, Optional.empty()))
          .all()
          .get(30, TimeUnit.SECONDS);
      // (the answering broker applies the committed change a moment later, as Kafka's brokers do)
      eventually(
          () -> {
            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
            assertThat(describe(admin, topic, 0).replicas())
                .extracting(Node::id)
                .containsExactly(2, 3);
          });
      ExecutionException none =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  admin
                      .alterPartitionReassignments(Map.of(tp, Optional.empty()))
                      .all()
                      .get(30, TimeUnit.SECONDS));
      assertThat(none.getCause())
          .isInstanceOf(org.apache.kafka.common.errors.NoReassignmentInProgressException.class);

      // And every record is still there
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of("bootstrap.servers", bootstrap(), "auto.offset.reset", "earliest"),
              new StringDeserializer(),
              new StringDeserializer())) {
        consumer.assign(List.of(tp));
        int read = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (read < 60 && System.nanoTime() < deadline) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertThat(read).isEqualTo(60);
      }
    }
  }

  @Test
  void leadershipReturnsToThePreferredReplicaByItself() throws Exception {
    // Given three brokers that check for leader imbalance every second, and a topic whose three
    // partitions each prefer another broker
    extraConfig.put(BrokerConfig.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, "1");
    try (Admin admin = startCluster(3)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
      eventually(
          () -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
              assertThat(p.leader()).isEqualTo(p.replicas().get(0));
              assertThat(p.isr()).hasSize(3);
            }
          });
      int preferred = describe(admin, TOPIC, 0).leader().id();

      // When partition 0's preferred leader stops, another replica leads
      brokers.remove(preferred).close();
      eventually(
          () -> {
            TopicPartitionInfo p0 = describe(admin, TOPIC, 0);
            assertThat(p0.leader()).isNotNull();
            assertThat(p0.leader().id()).isNotEqualTo(preferred);
          });

      // When it comes back
      start(preferred);

      // Then, without any ElectLeaders call, it catches up, rejoins the ISR and leads again
      eventually(
          () -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
              assertThat(p.isr()).hasSize(3);
              assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            }
          });
    }
  }

  @Test
  void anOfflinePartitionComesBackByAnUncleanElectionOnDemandOrByTopicConfig() throws Exception {
    // Given five brokers (so that three may stop) and two topics on brokers 1, 2 and 3, each with
    // 10 records on all three and 5 more on broker 1 alone (2 and 3 stopped meanwhile)
    String onDemand = "unclean-on-demand";
    String byConfig = "unclean-by-config";
    try (Admin admin = startCluster(5)) {
      admin
          .createTopics(List.of(new NewTopic(onDemand, 1, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createTopics(List.of(new NewTopic(byConfig, 1, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      for (String topic : List.of(onDemand, byConfig)) {
        eventually(
            () -> {
              TopicPartitionInfo p = describe(admin, topic, 0);
              assertThat(p.replicas()).extracting(Node::id).containsExactly(1, 2, 3);
              assertThat(p.isr()).hasSize(3);
            });
        produceTo(topic, 10, "all");
      }
      brokers.remove(2).close();
      brokers.remove(3).close();
      eventually(
          () -> {
            assertThat(imageOf(4, onDemand, 0).isr()).containsExactly(1);
            assertThat(imageOf(4, byConfig, 0).isr()).containsExactly(1);
          });
      produceTo(onDemand, 5, "all");
      produceTo(byConfig, 5, "all");
    }

    // When broker 1 stops too and broker 2 (out of sync) comes back
    brokers.remove(1).close();
    start(2);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      eventually(() -> assertThat(admin.describeCluster().nodes().get()).hasSize(3));

      // Then both partitions stay offline (unclean.leader.election.enable is false)
      assertThat(imageOf(4, onDemand, 0).leader()).isEqualTo(-1);
      assertThat(imageOf(4, byConfig, 0).leader()).isEqualTo(-1);

      // When an unclean election is asked for one, and the other topic enables unclean election
      TopicPartition demanded = new TopicPartition(onDemand, 0);
      var results =
          admin
              .electLeaders(
                  org.apache.kafka.common.ElectionType.UNCLEAN, java.util.Set.of(demanded))
              .partitions()
              .get(30, TimeUnit.SECONDS);
      assertThat(results.get(demanded)).isEmpty();
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new org.apache.kafka.common.config.ConfigResource(
                      org.apache.kafka.common.config.ConfigResource.Type.TOPIC, byConfig),
                  List.of(
                      new org.apache.kafka.clients.admin.AlterConfigOp(
                          new org.apache.kafka.clients.admin.ConfigEntry(
                              "unclean.leader.election.enable", "true"),
                          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then broker 2 leads both, alone in the ISR, with the 10 records it had (the 5 that only
      // broker 1 held are what an unclean election gives up), and takes new records
      for (String topic : List.of(onDemand, byConfig)) {
        eventually(
            () -> {
              TopicPartitionInfo p = describe(admin, topic, 0);
              assertThat(p.leader()).isNotNull();
              assertThat(p.leader().id()).isEqualTo(2);
              assertThat(p.isr()).extracting(Node::id).containsExactly(2);
            });
        assertThat(logEnd(2, topic)).isEqualTo(10);
        produceTo(topic, 1, "all");
        assertThat(logEnd(2, topic)).isEqualTo(11);
      }

      // And asking again answers ELECTION_NOT_NEEDED
      var again =
          admin
              .electLeaders(
                  org.apache.kafka.common.ElectionType.UNCLEAN, java.util.Set.of(demanded))
              .partitions()
              .get(30, TimeUnit.SECONDS);
      assertThat(again.get(demanded))
          .containsInstanceOf(org.apache.kafka.common.errors.ElectionNotNeededException.class);
    }
  }
}
