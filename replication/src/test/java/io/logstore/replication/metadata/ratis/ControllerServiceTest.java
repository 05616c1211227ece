package io.logstore.replication.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.replication.controller.ControllerService;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on a real 3-voter Ratis group: commands from any node are decided on the committed
 * image, heartbeats keep brokers ACTIVE, silence fences them and moves their leaderships, and all
 * of it survives the loss of the Raft leader.
 *
 * <p>Real Ratis servers on loopback ports: an integration test (bin/test runs it in pass 2).
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ControllerServiceTest {
  private static final Duration AWAIT = Duration.ofSeconds(20);
  private static final long SESSION_TIMEOUT_MS = 1_500;
  private static final UUID TOPIC = new UUID(42, 42);

  @TempDir Path tmp;

  private final Map<Integer, RatisMetadataQuorum> nodes = new TreeMap<>();
  private final Map<Integer, ControllerService> services = new TreeMap<>();
  private final Set<Integer> heartbeating = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService brokers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopAll() {
    brokers.shutdownNow();
    services.values().forEach(ControllerService::close);
    nodes.values().forEach(RatisMetadataQuorum::close);
  }

  @Test
  void commandsFromAnyNodeAreDecidedOnTheCommittedImageAlikeEverywhere() throws Exception {
    // Given three voters
    startQuorum();

    // When each broker registers through its own node and a follower creates a topic
    for (int id = 1; id <= 3; id++) {
      assertThat(execute(id, register(id)).error()).isEqualTo(ReplicationError.NONE);
    }
    int follower = anyFollower();
    CommandOutcome created =
        execute(follower, new ControllerCommand.CreateTopic("orders", TOPIC, 2, 3));
    CommandOutcome again =
        execute(follower, new ControllerCommand.CreateTopic("orders", new UUID(1, 2), 1, 3));
    CommandOutcome stale =
        execute(1, new ControllerCommand.AlterPartition(1, TOPIC, 0, 0, 7, List.of(1, 2)));

    // Then the decisions are Kafka's and every node holds the same image
    assertThat(created.error()).isEqualTo(ReplicationError.NONE);
    assertThat(again.error()).isEqualTo(ReplicationError.TOPIC_ALREADY_EXISTS);
    assertThat(stale.error()).isEqualTo(ReplicationError.INVALID_UPDATE_VERSION);
    assertThat(stale.state().partitionEpoch()).isZero();
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              MetadataImage first = nodes.get(1).image();
              assertThat(first.partition(TOPIC, 1).orElseThrow().replicas())
                  .containsExactly(2, 3, 1);
              for (RatisMetadataQuorum n : nodes.values()) {
                assertThat(n.image()).isEqualTo(first);
              }
            });
  }

  @Test
  void aSilentBrokerIsFencedItsLeadershipMovesAndItsReturnUnfencesIt() throws Exception {
    // Given three registered, heartbeating brokers and a topic led by broker 1
    startClusterOfHeartbeatingBrokers();
    execute(2, new ControllerCommand.CreateTopic("orders", TOPIC, 1, 3));
    assertThat(partitionOn(2).leader()).isEqualTo(1);

    // When broker 1 goes silent past the session timeout
    heartbeating.remove(1);

    // Then the controller fences it: broker 2 leads epoch 1 with ISR 2,3
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              assertThat(nodes.get(3).image().broker(1).orElseThrow().state())
                  .isEqualTo(BrokerState.FENCED);
              PartitionRecord p = partitionOn(3);
              assertThat(p.leader()).isEqualTo(2);
              assertThat(p.leaderEpoch()).isEqualTo(1);
              assertThat(p.isr()).containsExactly(2, 3);
            });
    assertThat(nodes.get(2).image().broker(2).orElseThrow().state()).isEqualTo(BrokerState.ACTIVE);

    // And when it is heard from again with the same registration, it is ACTIVE again
    heartbeating.add(1);
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(nodes.get(1).image().broker(1).orElseThrow().state())
                    .isEqualTo(BrokerState.ACTIVE));
  }

  @Test
  void theNextRaftLeaderTakesOverFencing() throws Exception {
    // Given three heartbeating brokers and a topic
    startClusterOfHeartbeatingBrokers();
    execute(1, new ControllerCommand.CreateTopic("orders", TOPIC, 1, 3));

    // When the Raft leader's node is lost and afterwards another broker goes silent
    int lost = awaitLeader();
    int silent = lost % 3 + 1;
    services.remove(lost).close();
    nodes.remove(lost).close();
    int newLeader = awaitLeader();
    assertThat(newLeader).isNotEqualTo(lost);
    heartbeating.remove(silent);

    // Then the new controller fences it (the lost node's broker keeps heartbeating through the
    // other nodes, so it stays ACTIVE)
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              MetadataImage image = nodes.get(newLeader).image();
              assertThat(image.broker(silent).orElseThrow().state()).isEqualTo(BrokerState.FENCED);
              assertThat(image.partition(TOPIC, 0).orElseThrow().isr()).doesNotContain(silent);
            });
    assertThat(nodes.get(newLeader).image().broker(lost).orElseThrow().state())
        .isEqualTo(BrokerState.ACTIVE);
  }

  // ---- fixtures ----

  /** Three voters with controller services; brokers 1-3 registered, each through its own node. */
  private void startClusterOfHeartbeatingBrokers() throws Exception {
    startQuorum();
    startServices();
    for (int id = 1; id <= 3; id++) {
      execute(id, register(id));
      heartbeating.add(id);
    }
    startHeartbeats();
  }

  private static ControllerCommand register(int id) {
    return new ControllerCommand.RegisterBroker(id, 1000 + id, "127.0.0.1", 9090 + id);
  }

  private CommandOutcome execute(int node, ControllerCommand command) throws Exception {
    return nodes.get(node).execute(command).get(15, TimeUnit.SECONDS);
  }

  private PartitionRecord partitionOn(int node) {
    return nodes.get(node).image().partition(TOPIC, 0).orElseThrow();
  }

  /** Each heartbeating broker sends one every 300 ms, through any live node. */
  private void startHeartbeats() {
    brokers.scheduleWithFixedDelay(
        () -> {
          for (int id : heartbeating) {
            RatisMetadataQuorum via = nodes.getOrDefault(id, nodes.values().iterator().next());
            ControllerService.heartbeat(via, id, 1000 + id);
          }
        },
        0,
        300,
        TimeUnit.MILLISECONDS);
  }

  private void startServices() {
    for (RatisMetadataQuorum n : nodes.values()) {
      services.put(
          n.nodeId(),
          ControllerService.start(n, SESSION_TIMEOUT_MS, System::currentTimeMillis, 100));
    }
  }

  private void startQuorum() throws IOException {
    Map<Integer, InetSocketAddress> voters = freePorts(3);
    for (int id : voters.keySet()) {
      nodes.put(
          id,
          RatisMetadataQuorum.start(
              RatisMetadataConfig.of(id, voters, tmp.resolve("node-" + id), "ctl")));
    }
    awaitLeader();
  }

  private int awaitLeader() {
    return await()
        .atMost(AWAIT)
        .until(
            () -> {
              List<Integer> leaders = new ArrayList<>();
              for (RatisMetadataQuorum n : nodes.values()) {
                if (n.isController()) {
                  leaders.add(n.nodeId());
                }
              }
              return leaders.size() == 1 ? leaders.get(0) : -1;
            },
            id -> id > 0);
  }

  private int anyFollower() {
    int leader = awaitLeader();
    return nodes.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
  }

  private static Map<Integer, InetSocketAddress> freePorts(int count) {
    return RatisMetadataQuorumTest.freePorts(count);
  }
}
