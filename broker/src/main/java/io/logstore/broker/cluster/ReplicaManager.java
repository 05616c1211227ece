package io.logstore.broker.cluster;

import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.Partition.IsrProposal;
import io.logstore.broker.partition.TopicManager;
import io.logstore.broker.partition.TopicManager.RoleChange;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.wire.KafkaClient;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker's partitions follow the cluster metadata: every applied image goes (coalesced)
 * to the {@code logstore-replica-manager} thread, which creates and deletes local logs ({@link
 * TopicManager#applyImage}), starts and stops followers' fetchers (one {@link ReplicaFetcher} per
 * leader broker), runs the ISR timer of led partitions and sends their ISR changes to the
 * controller as {@link ControllerCommand.AlterPartition}.
 *
 * <p>Images are applied only once this broker's current registration is in them: an image replayed
 * at start-up may be older than the cluster, and neither roles nor deletions may come from it.
 *
 * <p>ISR changes: one proposal in flight per partition; an answer with an error is final (the
 * controller fences a refused proposal, see {@code ControllerLogic.alterPartition}) and clears it;
 * a call that failed without an answer is resent, under the same proposal, by the ISR timer.
 */
public final class ReplicaManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);
  private static final long ISR_RESEND_MS = 2_000;

  private final ClusterNode node;
  private final TopicManager topics;
  private final Clock clock;
  private final int fetchWaitMs;
  private final int fetchMaxBytes;
  private final int socketTimeoutMs;
  private final ScheduledExecutorService thread;

  /**
   * The connections of every fetcher (one I/O thread, {@code logstore-replica-io-1}), created with
   * the first fetcher (a single broker never follows anyone). Replica manager thread only, until
   * {@link #close} (after that thread stopped).
   */
  private KafkaClient fetchClient;

  private final AtomicReference<MetadataImage> latest = new AtomicReference<>();
  private final AtomicBoolean applyScheduled = new AtomicBoolean();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  /** Fetchers by leader broker id; replica manager thread only. */
  private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();

  /** Proposals sent and not answered, with the send time; any thread. */
  private final Map<Partition, Long> inFlight = new ConcurrentHashMap<>();

  private final List<Consumer<List<RoleChange>>> roleListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile MetadataImage applied = MetadataImage.EMPTY;
  private volatile boolean closed;

  public ReplicaManager(
      ClusterNode node,
      TopicManager topics,
      Clock clock,
      long replicaLagTimeMaxMs,
      int fetchWaitMs,
      int fetchMaxBytes,
      int socketTimeoutMs) {
    this.node = node;
    this.topics = topics;
    this.clock = clock;
    this.fetchWaitMs = fetchWaitMs;
    this.fetchMaxBytes = fetchMaxBytes;
    this.socketTimeoutMs = socketTimeoutMs;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-replica-manager");
              t.setDaemon(true);
              return t;
            });
    long tick = Math.max(10, Math.min(replicaLagTimeMaxMs / 2, 1_000));
    thread.scheduleWithFixedDelay(this::isrTick, tick, tick, TimeUnit.MILLISECONDS);
    node.quorum().addListener(this::onImage);
  }

  /** Called with the role changes of every applied image, on the replica manager thread. */
  public void addRoleListener(Consumer<List<RoleChange>> listener) {
    roleListeners.add(listener);
  }

  /** The latest image this broker acted on (its own registration included). */
  public MetadataImage image() {
    return applied;
  }

  /** Completes once the first image holding this broker's current registration was applied. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  private void onImage(MetadataImage image) {
    latest.set(image);
    if (applyScheduled.compareAndSet(false, true) && !closed) {
      thread.execute(this::applyLatest);
    }
  }

  /** Re-applies the latest image (after this broker registered, when it was skipped). */
  public void reapply() {
    MetadataImage image = node.image();
    onImage(image);
  }

  private void applyLatest() {
    applyScheduled.set(false);
    MetadataImage image = latest.get();
    if (image == null || closed) {
      return;
    }
    if (!image.holdsRegistration(node.nodeId(), node.brokerEpoch())) {
      return; // not yet caught up with our own registration
    }
    try {
      List<RoleChange> changes = topics.applyImage(image, clock.millis());
      applied = image;
      for (RoleChange c : changes) {
        onRoleChange(c, image);
      }
      roleListeners.forEach(l -> l.accept(changes));
      fetchers.values().removeIf(f -> f.isEmpty() && closeFetcher(f));
    } catch (Exception e) {
      LOG.error("cannot apply metadata image at offset {}", image.offset(), e);
    }
    if (!caughtUp.isDone()) {
      LOG.info("metadata caught up at offset {}: serving requests", image.offset());
      caughtUp.complete(null);
    }
  }

  private static boolean closeFetcher(ReplicaFetcher f) {
    f.close();
    return true;
  }

  private void onRoleChange(RoleChange c, MetadataImage image) {
    Partition p = c.partition();
    PartitionReplica.Role to = c.transition().to();
    if (!c.transition().changed()) {
      return;
    }
    for (ReplicaFetcher f : fetchers.values()) {
      f.remove(p);
    }
    inFlight.remove(p);
    if (to instanceof PartitionReplica.Following following) {
      int leader = following.follower().leaderId();
      fetchers.computeIfAbsent(leader, this::newFetcher).add(p);
      LOG.info(
          "{}-{} follows leader {} at epoch {}",
          p.topic(),
          p.index(),
          leader,
          following.follower().leaderEpoch());
    } else if (to instanceof PartitionReplica.Leading leading) {
      LOG.info(
          "{}-{} led here at epoch {} isr={}",
          p.topic(),
          p.index(),
          leading.leader().leaderEpoch(),
          leading.leader().isr());
    } else {
      LOG.info("{}-{} role {}", p.topic(), p.index(), to);
    }
  }

  private ReplicaFetcher newFetcher(int leaderId) {
    if (fetchClient == null) {
      fetchClient =
          new KafkaClient(
              "logstore-replica-" + node.nodeId(),
              "logstore-replica-io",
              1,
              ReplicaFetcher.MAX_RESPONSE_BYTES + 1024 * 1024);
    }
    return new ReplicaFetcher(
        fetchClient,
        node.nodeId(),
        leaderId,
        this::address,
        fetchWaitMs,
        fetchMaxBytes,
        socketTimeoutMs);
  }

  /** A broker's Kafka listener address from the metadata (any thread). */
  private InetSocketAddress address(int brokerId) {
    BrokerRecord b = node.image().broker(brokerId).orElse(null);
    return b == null ? null : new InetSocketAddress(b.host(), b.port());
  }

  private void isrTick() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    try {
      for (Partition p : topics.localPartitions()) {
        if (!p.isLeader()) {
          continue;
        }
        IsrProposal shrink = p.maybeShrinkIsr(now);
        if (shrink != null) {
          LOG.info(
              "{}-{} proposes ISR {} (a follower lags)", p.topic(), p.index(), shrink.newIsr());
          send(shrink);
          continue;
        }
        Long sentAt = inFlight.get(p);
        IsrProposal pending = p.pendingIsrProposal();
        if (pending != null && (sentAt == null || now - sentAt > ISR_RESEND_MS)) {
          send(pending);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("ISR timer failed", e);
    }
  }

  /** Sends an ISR change (from a follower fetch on an event loop, or the ISR timer). */
  public void send(IsrProposal proposal) {
    Partition p = proposal.partition();
    inFlight.put(p, clock.millis());
    ControllerCommand.AlterPartition command =
        new ControllerCommand.AlterPartition(
            node.nodeId(),
            new UUID(p.topicId().getMostSignificantBits(), p.topicId().getLeastSignificantBits()),
            p.index(),
            proposal.leaderEpoch(),
            proposal.partitionEpoch(),
            proposal.newIsr());
    node.quorum()
        .execute(command)
        .whenComplete(
            (CommandOutcome outcome, Throwable error) -> {
              if (error != null) {
                LOG.debug(
                    "AlterPartition {}-{} got no answer: {}",
                    p.topic(),
                    p.index(),
                    error.toString());
                return; // resent by the ISR timer
              }
              inFlight.remove(p);
              if (!outcome.succeeded()) {
                LOG.info(
                    "AlterPartition {}-{} isr={} refused: {}",
                    p.topic(),
                    p.index(),
                    proposal.newIsr(),
                    outcome.error());
                p.onIsrChangeFailed(proposal.leaderEpoch(), proposal.proposalId());
              }
            });
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ReplicaFetcher f : fetchers.values()) {
      f.close();
    }
    fetchers.clear();
    if (fetchClient != null) {
      fetchClient.close();
    }
    for (Partition p : topics.localPartitions()) {
      p.stopReplica();
    }
  }
}
