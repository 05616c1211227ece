package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logstore.broker.cluster.ClusterNode;
import io.logstore.broker.config.BrokerConfig;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.ratis.LocalMetadataQuorum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers with {@code controller.quorum.voters} form the metadata quorum and register; a
 * controlled shutdown and a restart show in every broker's metadata.
 *
 * <p>In-process brokers forming a cluster: an integration test (bin/test runs it in pass 2).
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterMembershipTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final Map<Integer, TestBroker> brokers = new TreeMap<>();
  private String voters;

  @AfterEach
  void stopAll() {
    brokers.values().forEach(TestBroker::close);
  }

  @Test
  void threeBrokersRegisterAndAControlledShutdownAndRestartShowEverywhere() throws Exception {
    // Given three brokers configured with the same voters
    voters = TestBroker.freeVoters(3);
    for (int id = 1; id <= 3; id++) {
      start(id);
    }

    // Then each registers and every node's metadata holds all three, ACTIVE
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              for (TestBroker b : brokers.values()) {
                assertThat(activeBrokers(b)).containsExactly(1, 2, 3);
              }
            });
    long firstEpoch = node(3).brokerEpoch();
    // and the Admin client sees the cluster: three brokers, one controller, one cluster id
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", brokers.get(2).bootstrapServers()))) {
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () -> {
                DescribeClusterResult cluster = admin.describeCluster();
                assertThat(cluster.nodes().get()).extracting(Node::id).containsExactly(1, 2, 3);
                assertThat(cluster.controller().get().id()).isBetween(1, 3);
              });
      String clusterId = admin.describeCluster().clusterId().get();
      for (TestBroker b : brokers.values()) {
        try (Admin other = Admin.create(Map.of("bootstrap.servers", b.bootstrapServers()))) {
          assertThat(other.describeCluster().clusterId().get()).isEqualTo(clusterId);
        }
      }
    }
    assertThat(image(1).broker(3).orElseThrow().port())
        .as("the advertised Kafka port, not the Raft port")
        .isEqualTo(brokers.get(3).port());

    // When broker 3 stops (controlled shutdown) and the others keep the quorum
    brokers.remove(3).close();

    // Then the others see it in CONTROLLED_SHUTDOWN and, after the session timeout, FENCED: the
    // Admin client no longer lists it
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(image(1).broker(3).orElseThrow().state())
                    .isIn(BrokerState.CONTROLLED_SHUTDOWN, BrokerState.FENCED));
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", brokers.get(1).bootstrapServers()))) {
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(admin.describeCluster().nodes().get())
                      .extracting(Node::id)
                      .containsExactly(1, 2));
    }

    // And when it starts again from its data directory it registers with a newer epoch
    start(3);
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              BrokerRecord again = image(2).broker(3).orElseThrow();
              assertThat(again.state()).isEqualTo(BrokerState.ACTIVE);
              assertThat(again.brokerEpoch()).isGreaterThan(firstEpoch);
            });
  }

  @Test
  void aSingleNodeIsAQuorumOfOneAndBadVotersAreRefused() throws Exception {
    // Given a broker without controller.quorum.voters
    try (TestBroker single = TestBroker.start(tmp.resolve("single"), Map.of())) {
      // Then it is its own controller, on a local quorum, and registered in its own metadata
      ClusterNode node = single.broker().clusterNode();
      assertThat(node.quorum()).isInstanceOf(LocalMetadataQuorum.class);
      assertThat(node.quorum().isController()).isTrue();
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(node.image().broker(node.nodeId()))
                      .hasValueSatisfying(
                          b -> assertThat(b.state()).isEqualTo(BrokerState.ACTIVE)));
    }
    assertThatThrownBy(
            () ->
                BrokerConfig.parse(
                    Map.of(BrokerConfig.CONTROLLER_QUORUM_VOTERS, "1@127.0.0.1:9093,2@bad")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("id@host:port");
    assertThatThrownBy(
            () ->
                BrokerConfig.parse(
                    Map.of(
                        BrokerConfig.NODE_ID,
                        "5",
                        BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                        "1@127.0.0.1:9093")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node.id 5 is not one of the voters");
    assertThatThrownBy(
            () ->
                BrokerConfig.parse(
                        Map.of(
                            BrokerConfig.NODE_ID,
                            "1024",
                            BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                            "1024@127.0.0.1:9093"))
                    .controllerQuorumVoters())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("below 1024");
  }

  private void start(int id) throws Exception {
    brokers.put(
        id,
        TestBroker.startNode(
            tmp.resolve("broker-" + id),
            id,
            voters,
            Map.of(BrokerConfig.BROKER_SESSION_TIMEOUT_MS, "3000")));
  }

  private ClusterNode node(int id) {
    return brokers.get(id).broker().clusterNode();
  }

  private MetadataImage image(int id) {
    return node(id).image();
  }

  private static List<Integer> activeBrokers(TestBroker b) {
    List<Integer> out = new ArrayList<>();
    for (BrokerRecord r : new TreeMap<>(b.broker().clusterNode().image().brokers()).values()) {
      if (r.state() == BrokerState.ACTIVE) {
        out.add(r.brokerId());
      }
    }
    return out;
  }
}
