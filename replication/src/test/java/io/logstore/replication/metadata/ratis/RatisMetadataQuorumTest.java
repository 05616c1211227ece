package io.logstore.replication.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CorruptMetadataException;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import io.logstore.replication.metadata.NotControllerException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real Ratis servers on loopback ports: an integration test (bin/test runs it in pass 2). */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RatisMetadataQuorumTest {
  private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataQuorumTest.class);
  private static final Duration AWAIT = Duration.ofSeconds(15);
  private static final long SUBMIT_TIMEOUT_SECONDS = 10;
  private static final long NO_AUTO_SNAPSHOT = 1_000_000;

  @TempDir Path tmp;

  private final Map<Integer, RatisMetadataQuorum> nodes = new TreeMap<>();
  private Map<Integer, InetSocketAddress> voters;

  @AfterEach
  void closeNodes() {
    nodes.values().forEach(RatisMetadataQuorum::close);
    nodes.clear();
  }

  @Test
  void shouldCommitAndApplyOnASingleVoter() throws Exception {
    // Given a one-voter quorum and a listener
    startCluster(1);
    RatisMetadataQuorum node = nodes.get(1);
    List<MetadataImage> seen = new CopyOnWriteArrayList<>();
    node.addListener(seen::add);

    // When it has elected itself and a topic with a partition is submitted
    await().atMost(AWAIT).until(node::isController);
    MetadataImage image =
        node.submit(List.of(broker(1), topic("orders"), partition("orders", 0, 1)))
            .get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // Then the returned image, the node's image and the listener's last image hold it
    assertThat(image.topic("orders")).isPresent();
    assertThat(image.partition(topicId("orders"), 0)).contains(partition("orders", 0, 1));
    assertThat(image.broker(1)).contains(broker(1));
    assertThat(node.image()).isEqualTo(image);
    assertThat(node.controllerId()).hasValue(1);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(seen).last().isEqualTo(image));
    assertThat(seen).extracting(MetadataImage::offset).isSorted();
  }

  @Test
  void shouldRejectAnEmptyOrOversizedSubmit() {
    // Given a one-voter quorum that is the controller
    startCluster(1);
    RatisMetadataQuorum node = nodes.get(1);
    await().atMost(AWAIT).until(node::isController);

    // When / Then an empty batch and one over maxEntryBytes are refused before Raft sees them
    assertThat(node.submit(List.of()))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
    List<MetadataRecord> huge = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      huge.add(topic("t".repeat(200) + i));
    }
    assertThat(node.submit(huge))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReplicateASubmitOnTheLeaderToEveryVoter() throws Exception {
    // Given three voters with a leader
    startCluster(3);
    RatisMetadataQuorum leader = awaitLeader();

    // When the leader commits a topic
    MetadataImage image =
        leader
            .submit(List.of(topic("orders"), partition("orders", 0, leader.nodeId())))
            .get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // Then every voter applies the same image
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> nodes.values().forEach(n -> assertThat(n.image()).isEqualTo(image)));
  }

  @Test
  void shouldRejectASubmitOnAFollowerWithTheLeaderAsHint() throws Exception {
    // Given three voters, a leader, and a follower that knows it
    startCluster(3);
    RatisMetadataQuorum leader = awaitLeader();
    RatisMetadataQuorum follower = followers(leader).get(0);
    await().atMost(AWAIT).until(() -> follower.controllerId().equals(leaderHint(leader)));

    // When the follower is asked to submit
    Throwable failure =
        follower
            .submit(List.of(topic("rejected")))
            .handle((image, e) -> e)
            .get(5, TimeUnit.SECONDS);

    // Then it fails with NotControllerException naming the leader, and nothing was appended
    assertThat(failure).isInstanceOf(NotControllerException.class);
    assertThat(((NotControllerException) failure).leaderHint()).isEqualTo(leaderHint(leader));
    MetadataImage after =
        leader.submit(List.of(topic("accepted"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(after.topic("rejected")).isEmpty();
    assertThat(after.topic("accepted")).isPresent();
  }

  @Test
  void shouldElectANewLeaderAndKeepCommittedRecordsWhenTheLeaderCloses() throws Exception {
    // Given three voters and a committed topic
    startCluster(3);
    RatisMetadataQuorum oldLeader = awaitLeader();
    oldLeader.submit(List.of(topic("before"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // When the leader closes
    long closeStart = System.nanoTime();
    stop(oldLeader.nodeId());
    long closedAt = System.nanoTime();
    RatisMetadataQuorum newLeader = awaitLeader();
    long electionMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
    LOG.info(
        "new leader {} elected {} ms after close() started ({} ms after it returned)",
        newLeader.nodeId(),
        electionMillis,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt));

    // Then another voter leads within a few seconds, has the committed topic and accepts writes
    assertThat(newLeader.nodeId()).isNotEqualTo(oldLeader.nodeId());
    assertThat(electionMillis).isLessThan(5_000);
    MetadataImage image =
        newLeader.submit(List.of(topic("after"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(image.topic("before")).isPresent();
    assertThat(image.topic("after")).isPresent();
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> nodes.values().forEach(n -> assertThat(n.image()).isEqualTo(image)));
  }

  @Test
  void shouldCatchUpARestartedVoterFromItsSnapshotAndLog() throws Exception {
    // Given three voters, some committed entries, and a follower that took a snapshot of them
    startCluster(3);
    RatisMetadataQuorum leader = awaitLeader();
    for (int i = 0; i < 3; i++) {
      leader.submit(List.of(topic("early-" + i))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    int followerId = followers(leader).get(0).nodeId();
    RatisMetadataQuorum follower = nodes.get(followerId);
    await().atMost(AWAIT).until(() -> follower.image().topic("early-2").isPresent());
    long snapshotIndex = follower.takeSnapshot();
    assertThat(snapshotFiles(followerId)).isNotEmpty();

    // When the follower stops, more entries commit without it, and it restarts from its directory
    stop(followerId);
    MetadataImage latest = null;
    for (int i = 0; i < 3; i++) {
      latest =
          leader.submit(List.of(topic("late-" + i))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    RatisMetadataQuorum restarted = start(followerId, NO_AUTO_SNAPSHOT);

    // Then it reaches the leader's image, which is past its snapshot
    MetadataImage expected = latest;
    assertThat(expected.offset()).isGreaterThan(snapshotIndex);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(restarted.image()).isEqualTo(expected));
  }

  @Test
  void shouldRestoreTheImageFromASnapshotAndTheLogAfterARestart() throws Exception {
    // Given a single voter with entries before and after a snapshot
    startCluster(1);
    RatisMetadataQuorum node = nodes.get(1);
    await().atMost(AWAIT).until(node::isController);
    node.submit(List.of(broker(1), topic("a"), partition("a", 0, 1)))
        .get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    node.takeSnapshot();
    MetadataImage before =
        node.submit(List.of(topic("b"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    // When it restarts from its directory
    stop(1);
    RatisMetadataQuorum restarted = start(1, NO_AUTO_SNAPSHOT);

    // Then it has the same image, and goes on committing
    await().atMost(AWAIT).untilAsserted(() -> assertThat(restarted.image()).isEqualTo(before));
    await().atMost(AWAIT).until(restarted::isController);
    MetadataImage after =
        restarted.submit(List.of(topic("c"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(after.topic("a")).isPresent();
    assertThat(after.topic("b")).isPresent();
  }

  @Test
  void shouldTakeSnapshotsAutomaticallyEveryThresholdEntries() throws Exception {
    // Given a single voter that snapshots every 5 entries
    voters = freePorts(1);
    RatisMetadataQuorum node = start(1, 5);
    await().atMost(AWAIT).until(node::isController);

    // When 12 entries commit
    for (int i = 0; i < 12; i++) {
      node.submit(List.of(topic("t" + i))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    // Then snapshot files appear, and a restart yields the same image
    await().atMost(AWAIT).untilAsserted(() -> assertThat(snapshotFiles(1)).isNotEmpty());
    MetadataImage before = node.image();
    stop(1);
    RatisMetadataQuorum restarted = start(1, 5);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(restarted.image()).isEqualTo(before));
  }

  @Test
  void shouldRefuseToStartFromACorruptSnapshot() throws Exception {
    // Given a single voter that took a snapshot and stopped
    startCluster(1);
    RatisMetadataQuorum node = nodes.get(1);
    await().atMost(AWAIT).until(node::isController);
    node.submit(List.of(topic("a"))).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    node.takeSnapshot();
    stop(1);

    // When a byte of the snapshot file is flipped
    Path snapshot = snapshotFiles(1).get(0);
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(snapshot, bytes);

    // Then the node does not start, and the error names the file
    assertThatThrownBy(() -> start(1, NO_AUTO_SNAPSHOT))
        .satisfies(
            e ->
                assertThat(causes(e))
                    .anySatisfy(
                        c ->
                            assertThat(c)
                                .isInstanceOf(CorruptMetadataException.class)
                                .hasMessageContaining(snapshot.getFileName().toString())));
  }

  @Test
  void shouldFailToStartWithAnIOExceptionWhenTheRaftPortIsTaken() throws Exception {
    // Given the Raft port of a single voter is already bound by another socket
    voters = freePorts(1);
    InetSocketAddress address = voters.get(1);
    try (ServerSocket taken = new ServerSocket(address.getPort(), 1, address.getAddress())) {
      RatisMetadataConfig config =
          RatisMetadataConfig.of(1, voters, tmp.resolve("node-1").resolve("__metadata"), "c1");

      // When the node starts, then it fails with an IOException naming the node (Ratis would end
      // the JVM here), and the JVM goes on
      assertThatThrownBy(() -> RatisMetadataQuorum.start(config))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("metadata quorum node 1")
          .hasMessageContaining(":" + address.getPort())
          .hasMessageMatching("(?is).*bind.*");
      assertThat(taken.isBound()).isTrue();
    }

    // And once the port is free, the node starts
    RatisMetadataQuorum node = start(1, NO_AUTO_SNAPSHOT);
    await().atMost(AWAIT).until(node::isController);
  }

  // ---- fixtures ----

  private void startCluster(int size) {
    voters = freePorts(size);
    for (int id : voters.keySet()) {
      start(id, NO_AUTO_SNAPSHOT);
    }
  }

  private RatisMetadataQuorum start(int id, long snapshotThreshold) {
    RatisMetadataConfig config =
        RatisMetadataConfig.of(id, voters, tmp.resolve("node-" + id).resolve("__metadata"), "c1")
            .withSnapshotThresholdEntries(snapshotThreshold);
    try {
      RatisMetadataQuorum node = RatisMetadataQuorum.start(config);
      nodes.put(id, node);
      return node;
    } catch (IOException e) {
      throw new AssertionError("node " + id + " did not start", e);
    }
  }

  private void stop(int id) {
    nodes.remove(id).close();
  }

  /** Waits until exactly one node leads and every other node follows it. */
  private RatisMetadataQuorum awaitLeader() {
    return await()
        .atMost(AWAIT)
        .until(
            () -> {
              List<RatisMetadataQuorum> leaders =
                  nodes.values().stream().filter(RatisMetadataQuorum::isController).toList();
              if (leaders.size() != 1) {
                return null;
              }
              RatisMetadataQuorum leader = leaders.get(0);
              boolean agreed =
                  nodes.values().stream()
                      .allMatch(n -> n.controllerId().equals(leaderHint(leader)));
              return agreed ? leader : null;
            },
            leader -> leader != null);
  }

  private List<RatisMetadataQuorum> followers(RatisMetadataQuorum leader) {
    return nodes.values().stream().filter(n -> n != leader).toList();
  }

  private static OptionalInt leaderHint(RatisMetadataQuorum leader) {
    return OptionalInt.of(leader.nodeId());
  }

  private List<Path> snapshotFiles(int id) throws IOException {
    Path groupDir =
        tmp.resolve("node-" + id)
            .resolve("__metadata")
            .resolve(RatisMetadataQuorum.groupId("c1").getUuid().toString());
    try (Stream<Path> files = Files.walk(groupDir)) {
      return files.filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList();
    }
  }

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable t = e; t != null && !causes.contains(t); t = t.getCause()) {
      causes.add(t);
      for (Throwable s : t.getSuppressed()) {
        causes.addAll(causes(s));
      }
    }
    return causes;
  }

  /** Free loopback Raft addresses for voters 1..count. */
  static Map<Integer, InetSocketAddress> freePorts(int count) {
    Map<Integer, InetSocketAddress> ports = new TreeMap<>();
    for (int id = 1; id <= count; id++) {
      ports.put(id, new InetSocketAddress("127.0.0.1", freePort()));
    }
    return ports;
  }

  // Ports below the kernel's ephemeral range (32768 on Linux unless configured otherwise), one
  // after another from a random start: an ephemeral port could be taken by any outgoing connection
  // between the probe and the Raft server's bind, a port below the range only by an explicit bind.
  private static final AtomicInteger NEXT_PORT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(20_000));

  private static int freePort() {
    for (int probes = 0; probes < 1_000; probes++) {
      int port = 10_000 + Math.floorMod(NEXT_PORT.getAndIncrement(), 20_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IllegalStateException("no free loopback port");
  }

  private static BrokerRecord broker(int id) {
    return new BrokerRecord(id, 1L, "127.0.0.1", 9092 + id, BrokerState.ACTIVE);
  }

  private static UUID topicId(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static TopicRecord topic(String name) {
    return new TopicRecord(name, topicId(name));
  }

  private static PartitionRecord partition(String topic, int partition, int leader) {
    return new PartitionRecord(
        topicId(topic), partition, List.of(leader), List.of(leader), leader, 0, 0);
  }
}
