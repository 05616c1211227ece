package io.logstore.broker.cluster;

import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicManager;
import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.controller.ControllerService;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataQuorum;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.ratis.LocalMetadataQuorum;
import io.logstore.replication.metadata.ratis.RatisMetadataConfig;
import io.logstore.replication.metadata.ratis.RatisMetadataQuorum;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's part in its cluster: its voter of the metadata quorum, the controller service
 * (active while this voter leads), and its membership: registration with a new broker epoch once
 * the listener is bound ({@link #join}), heartbeats, re-registration when the controller answers
 * FENCED for a registration it lost, and a controlled shutdown at close.
 *
 * <p>A single broker is a cluster of one: without {@code controller.quorum.voters} its quorum is a
 * {@link LocalMetadataQuorum} (one voter, no network, its image in {@code __metadata/local}), and
 * everything above the {@link MetadataQuorum} interface is the same code as in a cluster. With
 * voters it is the Ratis quorum: every voter derives the Raft group from the voter list itself, so
 * brokers configured with the same {@code controller.quorum.voters} find each other without a
 * shared cluster id.
 *
 * <p>Threading: {@code logstore-cluster-<nodeId>} registers and heartbeats; metadata images are
 * read from any thread ({@link #image}).
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long CONTROLLER_TICK_MS = 100;
  private static final long SHUTDOWN_WAIT_MS = 10_000;

  private final int nodeId;
  private final long brokerEpoch;
  private final MetadataQuorum quorum;
  private final ControllerService controller;
  private final long heartbeatIntervalMs;
  private final ScheduledExecutorService membership;
  private volatile InetSocketAddress advertised;
  private volatile boolean registered;

  private ClusterNode(
      int nodeId,
      long brokerEpoch,
      MetadataQuorum quorum,
      ControllerService controller,
      long heartbeatIntervalMs) {
    this.nodeId = nodeId;
    this.brokerEpoch = brokerEpoch;
    this.quorum = quorum;
    this.controller = controller;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.membership =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-cluster-" + nodeId);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts this node's voter and the controller service; returns without waiting for a leader. With
   * {@code voters} empty the quorum is this node alone ({@link LocalMetadataQuorum} under {@code
   * dataDir/__metadata/local}, seeded with {@code bootstrap} when it has no state yet); otherwise
   * the Ratis voter with its storage under {@code dataDir/__metadata}. Membership starts with
   * {@link #join}. {@code leaderBalanceIntervalMs}: how often the controller moves leaderships back
   * to preferred replicas ({@code <= 0}: never).
   */
  public static ClusterNode start(
      int nodeId,
      Map<Integer, InetSocketAddress> voters,
      Path dataDir,
      Supplier<List<MetadataRecord>> bootstrap,
      int sessionTimeoutMs,
      int heartbeatIntervalMs,
      boolean uncleanLeaderElection,
      long leaderBalanceIntervalMs,
      Clock clock)
      throws IOException {
    ControllerLogic logic = new ControllerLogic(uncleanLeaderElection);
    MetadataQuorum quorum;
    if (voters.isEmpty()) {
      quorum = startAlone(nodeId, dataDir.resolve("__metadata").resolve("local"), logic, bootstrap);
    } else {
      quorum =
          RatisMetadataQuorum.start(
              RatisMetadataConfig.of(
                  nodeId, voters, dataDir.resolve("__metadata"), "voters:" + canonical(voters)),
              logic);
    }
    ControllerService controller;
    try {
      controller =
          ControllerService.start(
              quorum, sessionTimeoutMs, clock::millis, CONTROLLER_TICK_MS, leaderBalanceIntervalMs);
    } catch (RuntimeException e) {
      quorum.close();
      throw e;
    }
    // Unique per process start and increasing across restarts (clock permitting), as Kafka's.
    long brokerEpoch = clock.millis() * 1_000 + nodeId % 1_000;
    LOG.info(
        "cluster node starting nodeId={} brokerEpoch={} voters={}", nodeId, brokerEpoch, voters);
    return new ClusterNode(nodeId, brokerEpoch, quorum, controller, heartbeatIntervalMs);
  }

  /**
   * The one-voter quorum of a single broker. A broker whose quorum has no state yet but whose data
   * directory holds logs (written before a single broker kept its metadata in a quorum, or with its
   * {@code __metadata} directory lost) commits {@code bootstrap}'s records first, so those topics
   * are claimed rather than deleted as orphans.
   */
  private static MetadataQuorum startAlone(
      int nodeId, Path dir, ControllerLogic logic, Supplier<List<MetadataRecord>> bootstrap)
      throws IOException {
    LocalMetadataQuorum quorum = LocalMetadataQuorum.start(nodeId, dir, logic);
    try {
      if (quorum.image().offset() <= 0 && quorum.image().topicsById().isEmpty()) {
        List<MetadataRecord> records = bootstrap.get();
        if (!records.isEmpty()) {
          quorum.submit(records).get(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
          LOG.info("metadata bootstrapped from the logs on disk: {} records", records.size());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      quorum.close();
      throw new IOException("interrupted while bootstrapping the metadata", e);
    } catch (ExecutionException | TimeoutException e) {
      quorum.close();
      throw new IOException("cannot bootstrap the metadata from the logs: " + e.getMessage(), e);
    }
    return quorum;
  }

  /**
   * Starts membership once the Kafka listener is bound: registers with {@code advertised} (the
   * address other brokers and clients reach this one at), then heartbeats.
   */
  public void join(InetSocketAddress advertised) {
    this.advertised = advertised;
    membership.scheduleWithFixedDelay(
        this::heartbeatSafely, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The cluster id every broker of this quorum uses (Metadata, DescribeCluster, meta.properties): a
   * name-based UUID of the voter list, in Kafka's base64 form.
   */
  public static String clusterId(Map<Integer, InetSocketAddress> voters) {
    UUID u =
        UUID.nameUUIDFromBytes(
            ("logstore-cluster:" + canonical(voters)).getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** The controller's id, when this node knows the Raft leader. */
  public OptionalInt controllerId() {
    return quorum.controllerId();
  }

  private static String canonical(Map<Integer, InetSocketAddress> voters) {
    StringJoiner j = new StringJoiner(",");
    new TreeMap<>(voters)
        .forEach((id, a) -> j.add(id + "@" + a.getHostString() + ":" + a.getPort()));
    return j.toString();
  }

  public int nodeId() {
    return nodeId;
  }

  public long brokerEpoch() {
    return brokerEpoch;
  }

  public MetadataQuorum quorum() {
    return quorum;
  }

  /** The latest metadata image applied on this node. */
  public MetadataImage image() {
    return quorum.image();
  }

  /** Topic creation and deletion through this node's quorum, for the admin handlers. */
  public TopicController topicController(ReplicaManager replicas, TopicManager topics) {
    return new ClusterTopicController(this, replicas, topics);
  }

  /** Whether the controller has this broker's current registration. */
  public boolean registered() {
    return registered;
  }

  private void heartbeatSafely() {
    try {
      if (!registered) {
        register();
      } else {
        BrokerState state =
            ControllerService.heartbeat(quorum, nodeId, brokerEpoch).get(10, TimeUnit.SECONDS);
        BrokerRecord known = quorum.image().broker(nodeId).orElse(null);
        if (state == BrokerState.FENCED && (known == null || known.brokerEpoch() != brokerEpoch)) {
          registered = false; // the controller lost this registration: register again
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("heartbeat to the controller failed nodeId={}: {}", nodeId, e.toString());
    }
  }

  private void register() throws Exception {
    CommandOutcome outcome =
        quorum
            .execute(
                new ControllerCommand.RegisterBroker(
                    nodeId, brokerEpoch, advertised.getHostString(), advertised.getPort()))
            .get(10, TimeUnit.SECONDS);
    if (outcome.succeeded()) {
      registered = true;
      LOG.info("registered with the controller nodeId={} brokerEpoch={}", nodeId, brokerEpoch);
    }
  }

  /**
   * Controlled shutdown: asks the controller to move this broker's leaderships away and waits
   * (bounded) until the metadata shows it leads nothing, then stops membership, the controller
   * service and the voter.
   */
  @Override
  public void close() {
    if (registered) {
      try {
        quorum
            .execute(new ControllerCommand.ControlledShutdown(nodeId, brokerEpoch))
            .get(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MS);
        while (leadsAnything() && System.nanoTime() < deadline) {
          Thread.sleep(50); // bounded wait for the metadata to reach this node
        }
        LOG.info("controlled shutdown done nodeId={} leadsNothing={}", nodeId, !leadsAnything());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("controlled shutdown failed nodeId={}; stopping anyway", nodeId, e);
      }
    }
    membership.shutdownNow();
    controller.close();
    quorum.close();
  }

  private boolean leadsAnything() {
    for (var topic : quorum.image().topicsById().values()) {
      for (PartitionRecord p : topic.partitions().values()) {
        if (p.leader() == nodeId) {
          return true;
        }
      }
    }
    return false;
  }
}
