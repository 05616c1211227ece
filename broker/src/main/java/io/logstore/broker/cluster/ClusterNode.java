package io.logstore.broker.cluster;

import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.controller.ControllerService;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataQuorum;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.ratis.RatisMetadataConfig;
import io.logstore.replication.metadata.ratis.RatisMetadataQuorum;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's part in a cluster (when {@code controller.quorum.voters} is set): its voter of the
 * metadata quorum, the controller service (active while this voter leads), and its membership:
 * registration with a new broker epoch at start-up, heartbeats, re-registration when the controller
 * answers FENCED for a registration it lost, and a controlled shutdown at close.
 *
 * <p>Every voter derives the Raft group from the voter list itself, so brokers configured with the
 * same {@code controller.quorum.voters} find each other without a shared cluster id.
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
  private final InetSocketAddress advertised;
  private final RatisMetadataQuorum quorum;
  private final ControllerService controller;
  private final ScheduledExecutorService membership;
  private volatile boolean registered;

  private ClusterNode(
      int nodeId,
      long brokerEpoch,
      InetSocketAddress advertised,
      RatisMetadataQuorum quorum,
      ControllerService controller,
      long heartbeatIntervalMs) {
    this.nodeId = nodeId;
    this.brokerEpoch = brokerEpoch;
    this.advertised = advertised;
    this.quorum = quorum;
    this.controller = controller;
    this.membership =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-cluster-" + nodeId);
              t.setDaemon(true);
              return t;
            });
    membership.scheduleWithFixedDelay(
        this::heartbeatSafely, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts this node's voter (Raft storage under {@code dataDir/__metadata}), the controller
   * service and membership; returns without waiting for a leader. {@code leaderBalanceIntervalMs}:
   * how often the controller moves leaderships back to preferred replicas ({@code <= 0}: never).
   */
  public static ClusterNode start(
      int nodeId,
      Map<Integer, InetSocketAddress> voters,
      Path dataDir,
      InetSocketAddress advertised,
      int sessionTimeoutMs,
      int heartbeatIntervalMs,
      boolean uncleanLeaderElection,
      long leaderBalanceIntervalMs,
      Clock clock)
      throws IOException {
    RatisMetadataConfig quorumConfig =
        RatisMetadataConfig.of(
            nodeId, voters, dataDir.resolve("__metadata"), "voters:" + canonical(voters));
    RatisMetadataQuorum quorum =
        RatisMetadataQuorum.start(quorumConfig, new ControllerLogic(uncleanLeaderElection));
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
    return new ClusterNode(
        nodeId, brokerEpoch, advertised, quorum, controller, heartbeatIntervalMs);
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

  /** Topic creation and deletion through this node's quorum, for the topic manager. */
  public io.logstore.broker.partition.TopicManager.TopicController topicController(
      ReplicaManager replicas, io.logstore.broker.partition.TopicManager topics) {
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
