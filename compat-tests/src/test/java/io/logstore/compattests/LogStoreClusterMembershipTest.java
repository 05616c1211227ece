package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import io.logstore.testkit.LogStoreCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only (Kafka's KRaft cluster is not part of the differential suite yet): three broker
 * processes with {@code controller.quorum.voters}. SIGKILL of the controller's process: the others
 * elect a new controller and fence the dead broker; SIGSTOP of a broker past the session timeout:
 * it is fenced, and unfenced when it resumes; a restarted broker registers again. Measured times
 * are printed.
 */
@EnabledIf("logStoreSelected")
class LogStoreClusterMembershipTest {
  private static final int SESSION_TIMEOUT_MS = 2_000;
  private static final Duration AWAIT = Duration.ofSeconds(40);
  private static final Duration POLL = Duration.ofMillis(50);

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  @Test
  void shouldElectANewControllerAndFenceKilledOrPausedBrokers() throws Exception {
    // Given three LogStore processes forming a cluster (started at once: a node answers Metadata
    // only once a quorum of voters runs)
    LogStoreCluster cluster =
        LogStoreCluster.start(
            3,
            Map.of(
                "broker.session.timeout.ms",
                Integer.toString(SESSION_TIMEOUT_MS),
                "broker.heartbeat.interval.ms",
                "200"));
    Map<Integer, LogStoreBroker> brokers = new TreeMap<>();
    cluster.nodeIds().forEach(id -> brokers.put(id, cluster.broker(id)));
    LogStoreBroker paused = null;
    try {
      // every voter has applied the registrations (a voter with an empty Raft log cannot vote)
      int controller = awaitCluster(brokers.get(1), List.of(1, 2, 3));
      awaitCluster(brokers.get(2), List.of(1, 2, 3));
      awaitCluster(brokers.get(3), List.of(1, 2, 3));

      // When the controller's process is killed
      int survivor = controller % 3 + 1;
      long killedAt = System.nanoTime();
      brokers.get(controller).kill();

      // Then a surviving broker reports a new controller, then the dead broker is fenced
      long electedMs = awaitNewController(brokers.get(survivor), controller, killedAt);
      List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
      others.remove(Integer.valueOf(controller));
      long fencedMs = awaitNodes(brokers.get(survivor), others, killedAt);
      System.out.printf(
          "cluster failover: SIGKILL of controller %d -> new controller after %d ms,"
              + " broker fenced after %d ms (session timeout %d ms)%n",
          controller, electedMs, fencedMs, SESSION_TIMEOUT_MS);
      assertThat(electedMs).isLessThan(10_000);
      assertThat(fencedMs).isLessThan(SESSION_TIMEOUT_MS + 10_000L);

      // And when it restarts it registers again
      brokers.get(controller).restart();
      long restartedAt = System.nanoTime();
      long rejoinedMs = awaitNodes(brokers.get(survivor), List.of(1, 2, 3), restartedAt);
      System.out.printf(
          "cluster: restarted broker %d registered after %d ms%n", controller, rejoinedMs);

      // When a broker (not the controller) is paused past the session timeout
      int current = awaitCluster(brokers.get(survivor), List.of(1, 2, 3));
      awaitCluster(brokers.get(controller), List.of(1, 2, 3));
      int victim = current % 3 + 1;
      int observer = victim % 3 + 1;
      paused = brokers.get(victim);
      long pausedAt = System.nanoTime();
      paused.pause();
      List<Integer> withoutVictim = new ArrayList<>(List.of(1, 2, 3));
      withoutVictim.remove(Integer.valueOf(victim));
      long pausedFencedMs = awaitNodes(brokers.get(observer), withoutVictim, pausedAt);

      // Then it is fenced, and unfenced once it runs again
      paused.resume();
      paused = null;
      long resumedAt = System.nanoTime();
      long unfencedMs = awaitNodes(brokers.get(observer), List.of(1, 2, 3), resumedAt);
      System.out.printf(
          "cluster: SIGSTOP of broker %d -> fenced after %d ms; after SIGCONT unfenced after %d ms%n",
          victim, pausedFencedMs, unfencedMs);
      assertThat(pausedFencedMs).isGreaterThanOrEqualTo(SESSION_TIMEOUT_MS - 500L);
    } finally {
      if (paused != null) {
        paused.resume();
      }
      cluster.close();
    }
  }

  /** Waits until the cluster lists exactly {@code ids}; returns the controller id. */
  private static int awaitCluster(LogStoreBroker via, List<Integer> ids) {
    try (Admin admin = admin(via)) {
      return await()
          .atMost(AWAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> {
                DescribeClusterResult r = admin.describeCluster();
                List<Integer> nodes = ids(r.nodes().get(5, TimeUnit.SECONDS));
                int controller = r.controller().get(5, TimeUnit.SECONDS).id();
                return nodes.equals(ids) && ids.contains(controller) ? controller : -1;
              },
              c -> c > 0);
    }
  }

  private static long awaitNewController(LogStoreBroker via, int old, long sinceNanos) {
    try (Admin admin = admin(via)) {
      await()
          .atMost(AWAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> {
                Node c = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
                return c != null && c.id() != old && c.id() > 0;
              });
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }

  private static long awaitNodes(LogStoreBroker via, List<Integer> ids, long sinceNanos) {
    try (Admin admin = admin(via)) {
      await()
          .atMost(AWAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> ids(admin.describeCluster().nodes().get(5, TimeUnit.SECONDS)).equals(ids));
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }

  private static List<Integer> ids(java.util.Collection<Node> nodes) {
    return nodes.stream().map(Node::id).sorted().toList();
  }

  private static Admin admin(LogStoreBroker via) {
    return Admin.create(
        Map.of(
            "bootstrap.servers", via.bootstrapServers(),
            "request.timeout.ms", "3000",
            "default.api.timeout.ms", "6000"));
  }
}
