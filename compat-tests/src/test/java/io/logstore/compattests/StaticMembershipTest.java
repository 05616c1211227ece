package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.BrokerConfig;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;

/**
 * Static membership (KIP-345, KIP-814) with stock KafkaConsumers (4.3.1, classic protocol, eager
 * range assignor): a static member that restarts within the session timeout gets its partitions
 * back without a rebalance, whether it was the group's leader or a follower: the other member keeps
 * its generation and sees no revocation or assignment.
 */
@BrokerConfig({"num.partitions=4"})
class StaticMembershipTest {

  private static final int PARTITIONS = 4;
  private static final int SESSION_TIMEOUT_MS = 20_000;

  /** A static member with instance id {@code instanceId}, polled on its own thread. */
  private static PolledMember member(
      String instanceId, BrokerUnderTest broker, String group, String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            instanceId,
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            RangeAssignor.class.getName(),
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            SESSION_TIMEOUT_MS,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            500,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    return new PolledMember(instanceId, config, topic, (consumer, records) -> {});
  }

  @BrokersTest
  void shouldGiveRestartedStaticMembersTheirPartitionsWithoutARebalance(BrokerUnderTest broker)
      throws Exception {
    String topic = Clients.uniqueTopic("static");
    String group = "static-" + topic;
    assertThat(Clients.autoCreate(broker, topic)).hasSize(PARTITIONS);
    PolledMember[] members = new PolledMember[2];
    try {
      // Given two static members of one group, each owning two partitions
      members[0] = member("a", broker, group, topic);
      members[1] = member("b", broker, group, topic);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  members[0].owned.size() == 2
                      && members[1].owned.size() == 2
                      && union(members).size() == PARTITIONS
                      && members[0].generation > 0
                      && members[0].generation == members[1].generation);
      int generation = members[0].generation;

      // When each restarts in turn (one of them is the group's leader)
      for (int i = 0; i < 2; i++) {
        PolledMember restarting = members[i];
        PolledMember other = members[1 - i];
        Set<TopicPartition> before = Set.copyOf(restarting.owned);
        int otherAssignments = other.assignments.get();
        int otherRevocations = other.revocations.get();
        restarting.close();
        assertThat(restarting.errors).isEmpty();
        members[i] = member(restarting.name, broker, group, topic);
        PolledMember restarted = members[i];

        // Then it gets the same partitions in the same generation
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> restarted.owned.equals(before) && restarted.generation == generation);
        System.out.printf(
            "[%s] static member %s restarted: %s again, generation %d%n",
            broker.name(), restarted.name, before, generation);

        // And the other member saw no rebalance
        assertThat(other.generation).isEqualTo(generation);
        assertThat(other.assignments.get()).isEqualTo(otherAssignments);
        assertThat(other.revocations.get()).isEqualTo(otherRevocations);
        assertThat(other.owned).hasSize(2);
      }
    } finally {
      for (PolledMember m : members) {
        if (m != null) {
          m.close();
          assertThat(m.errors).isEmpty();
        }
      }
    }
  }

  private static Set<TopicPartition> union(PolledMember[] members) {
    Set<TopicPartition> all = new HashSet<>();
    for (PolledMember m : members) {
      all.addAll(m.owned);
    }
    return all;
  }
}
