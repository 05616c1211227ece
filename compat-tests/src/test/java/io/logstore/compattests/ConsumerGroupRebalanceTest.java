package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.BrokerConfig;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Three stock KafkaConsumers (4.3.1) in one group on a 6-partition topic, with the eager range
 * assignor and with cooperative-sticky: each partition has exactly one owner; a member that leaves
 * cleanly or dies (SIGKILL of its JVM) has its partitions moved within the session timeout; with
 * commitSync after each poll nothing is processed twice across a clean rebalance, nothing skipped.
 */
@BrokerConfig({"num.partitions=6"})
class ConsumerGroupRebalanceTest {

  private static final int PARTITIONS = 6;
  private static final int SESSION_TIMEOUT_MS = 6000;

  /** A member polled on its own thread; it notes each record and commits after each poll. */
  private static PolledMember member(
      String name,
      BrokerUnderTest broker,
      String group,
      String topic,
      String assignor,
      List<String> processed) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            assignor,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            SESSION_TIMEOUT_MS,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            500,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    return new PolledMember(
        name,
        config,
        topic,
        (consumer, records) -> {
          for (ConsumerRecord<String, String> r : records) {
            processed.add(r.partition() + "@" + r.offset());
          }
          if (!records.isEmpty()) {
            consumer.commitSync();
          }
        });
  }

  private static void produce(BrokerUnderTest broker, String topic, int from, int to) {
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  private static Set<TopicPartition> union(List<PolledMember> members) {
    Set<TopicPartition> all = new HashSet<>();
    members.forEach(m -> all.addAll(m.owned));
    return all;
  }

  private static boolean exclusive(List<PolledMember> members) {
    int total = members.stream().mapToInt(m -> m.owned.size()).sum();
    return total == union(members).size();
  }

  @BrokersTest
  void shouldBalanceAndMovePartitionsWithEagerRangeAssignor(BrokerUnderTest broker)
      throws Exception {
    scenario(broker, RangeAssignor.class.getName());
  }

  @BrokersTest
  void shouldBalanceAndMovePartitionsWithCooperativeStickyAssignor(BrokerUnderTest broker)
      throws Exception {
    scenario(broker, CooperativeStickyAssignor.class.getName());
  }

  private void scenario(BrokerUnderTest broker, String assignor) throws Exception {
    String topic = Clients.uniqueTopic("rebalance");
    String group = "rebalance-" + topic;
    assertThat(Clients.autoCreate(broker, topic)).hasSize(PARTITIONS);
    produce(broker, topic, 0, 300);
    List<String> processed = new CopyOnWriteArrayList<>();
    List<PolledMember> members = new ArrayList<>();
    try {
      // Given three members of one group
      long start = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        members.add(member("m" + i, broker, group, topic, assignor, processed));
      }
      // Then every partition has exactly one owner, and each member owns two
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  union(members).size() == PARTITIONS
                      && exclusive(members)
                      && members.stream().allMatch(m -> m.owned.size() == 2));
      long balancedMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "[%s] %s: 3 consumers balanced %d ms after start%n", broker.name(), assignor, balancedMs);

      // When more records arrive and one member leaves cleanly
      produce(broker, topic, 300, 600);
      PolledMember leaving = members.remove(2);
      long leaveStart = System.nanoTime();
      leaving.close();
      await()
          .atMost(Duration.ofMillis(SESSION_TIMEOUT_MS + 10_000))
          .until(() -> union(members).size() == PARTITIONS && exclusive(members));
      System.out.printf(
          "[%s] %s: partitions moved %d ms after a clean leave%n",
          broker.name(), assignor, (System.nanoTime() - leaveStart) / 1_000_000);
      produce(broker, topic, 600, 900);

      // Then every record is processed exactly once
      await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(processed).size() == 900);
      assertThat(processed).doesNotHaveDuplicates().hasSize(900);
      assertThat(leaving.errors).isEmpty();
      members.forEach(m -> assertThat(m.errors).as(m.name).isEmpty());

      // When a third member in its own JVM joins and is then killed (no LeaveGroup, no heartbeat)
      Process forked = forkMember(broker, group, topic, assignor);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> union(members).size() < PARTITIONS && stableWith(broker, group, 3));
        long killedAt = System.nanoTime();
        forked.destroyForcibly().waitFor();
        // Then its partitions move to the survivors within the session timeout (plus a rejoin)
        await()
            .atMost(Duration.ofMillis(SESSION_TIMEOUT_MS + 10_000))
            .until(() -> union(members).size() == PARTITIONS && exclusive(members));
        long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf(
            "[%s] %s: partitions moved %d ms after SIGKILL of a member%n",
            broker.name(), assignor, movedMs);
        assertThat(movedMs).isGreaterThanOrEqualTo(SESSION_TIMEOUT_MS - 1000);
      } finally {
        forked.destroyForcibly();
      }
    } finally {
      for (PolledMember m : members) {
        m.close();
      }
    }
  }

  private static boolean stableWith(BrokerUnderTest broker, String group, int members)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      return d.groupState() == GroupState.STABLE && d.members().size() == members;
    }
  }

  private static Process forkMember(
      BrokerUnderTest broker, String group, String topic, String assignor) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) {
      classpath = System.getProperty("java.class.path");
    }
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            classpath,
            GroupMemberMain.class.getName(),
            broker.bootstrapServers(),
            group,
            topic,
            assignor,
            Integer.toString(SESSION_TIMEOUT_MS))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
