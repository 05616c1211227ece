package io.logstore.replication.controller;

import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataQuorum;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.QuorumStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's live part, running on every metadata-quorum node and acting only while that node
 * is the Raft leader: it answers broker heartbeats, fences a broker it has not heard from for
 * {@code broker.session.timeout.ms}, and unfences a fenced broker that is heard from again. The
 * decisions themselves are {@link ControllerCommand}s, decided by {@link ControllerLogic} when the
 * metadata log applies them, so a new leader never acts on a stale image.
 *
 * <p>A newly elected leader gives every broker a full session timeout before fencing it (it has not
 * seen their heartbeats yet), as Kafka's controller does after a failover.
 *
 * <p>Automatic leader balancing ({@code auto.leader.rebalance.enable}): every {@code
 * leader.imbalance.check.interval.seconds} while it leads, if some partition's preferred replica is
 * back in the ISR but does not lead, the service submits one {@link
 * ControllerCommand.BalanceLeaders}; a command that hit its bound is followed by another at once.
 *
 * <p>Threading: heartbeats arrive on Ratis's request threads (they only write the concurrent
 * heartbeat map); the timer thread {@code logstore-controller-<nodeId>} runs {@link #tick}; the
 * commands complete on Ratis client threads.
 */
public final class ControllerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);

  /** Heartbeat request: brokerId int32, brokerEpoch int64. Answer: state int8 (BrokerState). */
  private static final int HEARTBEAT_BYTES = Integer.BYTES + Long.BYTES;

  /**
   * Describe-quorum request: this one byte. Answer: leaderId int32, leaderEpoch int64,
   * highWatermark int64, count int32, then count (nodeId int32, logEndOffset int64,
   * lastFetchTimestampMs int64, lastCaughtUpTimestampMs int64); an empty answer when the node that
   * got it no longer leads.
   */
  private static final byte DESCRIBE_QUORUM = 1;

  private final MetadataQuorum quorum;
  private final long sessionTimeoutMs;
  private final LongSupplier clockMs;
  private final ScheduledExecutorService timer;
  private final Map<Integer, Long> lastHeartbeatMs = new ConcurrentHashMap<>();
  private final Set<Integer> commandsInFlight = ConcurrentHashMap.newKeySet();
  private final long leaderBalanceIntervalMs;
  private final AtomicBoolean balanceInFlight = new AtomicBoolean();
  private volatile boolean leading;
  private volatile long nextBalanceMs;

  private ControllerService(
      MetadataQuorum quorum,
      long sessionTimeoutMs,
      LongSupplier clockMs,
      long tickMs,
      long leaderBalanceIntervalMs) {
    this.quorum = quorum;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.clockMs = clockMs;
    this.leaderBalanceIntervalMs = leaderBalanceIntervalMs;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-controller-" + quorum.nodeId());
              t.setDaemon(true);
              return t;
            });
    quorum.setControllerQueryHandler(this::onQuery);
    timer.scheduleWithFixedDelay(this::tickSafely, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /** Starts the service on this quorum node, without leader balancing; it acts while it leads. */
  public static ControllerService start(
      MetadataQuorum quorum, long sessionTimeoutMs, LongSupplier clockMs, long tickMs) {
    return new ControllerService(quorum, sessionTimeoutMs, clockMs, tickMs, 0);
  }

  /**
   * Starts the service on this quorum node; it acts while it leads, and balances leaders every
   * {@code leaderBalanceIntervalMs} ({@code <= 0}: never).
   */
  public static ControllerService start(
      MetadataQuorum quorum,
      long sessionTimeoutMs,
      LongSupplier clockMs,
      long tickMs,
      long leaderBalanceIntervalMs) {
    return new ControllerService(
        quorum, sessionTimeoutMs, clockMs, tickMs, leaderBalanceIntervalMs);
  }

  /**
   * A broker's heartbeat to the current controller, from any node; completes with the state the
   * controller's image holds for that registration (FENCED also for an unknown or older one).
   */
  public static CompletableFuture<BrokerState> heartbeat(
      MetadataQuorum quorum, int brokerId, long brokerEpoch) {
    byte[] request =
        ByteBuffer.allocate(HEARTBEAT_BYTES).putInt(brokerId).putLong(brokerEpoch).array();
    return quorum.queryController(request).thenApply(answer -> BrokerState.values()[answer[0]]);
  }

  /**
   * The quorum as the current Raft leader sees it (DescribeQuorum), from any node; fails with
   * {@link IllegalStateException} when the leader changed meanwhile.
   */
  public static CompletableFuture<QuorumStatus> describeQuorum(MetadataQuorum quorum) {
    return quorum
        .queryController(new byte[] {DESCRIBE_QUORUM})
        .thenApply(
            answer -> {
              if (answer.length == 0) {
                throw new IllegalStateException("the controller changed; ask again");
              }
              ByteBuffer buf = ByteBuffer.wrap(answer);
              int leader = buf.getInt();
              long epoch = buf.getLong();
              long highWatermark = buf.getLong();
              int count = buf.getInt();
              if (count < 0 || count * 28L != buf.remaining()) {
                throw new IllegalStateException("bad describe-quorum answer");
              }
              List<QuorumStatus.Voter> voters = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                voters.add(
                    new QuorumStatus.Voter(
                        buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
              }
              return new QuorumStatus(leader, epoch, highWatermark, voters);
            });
  }

  private byte[] describeQuorumAnswer() {
    QuorumStatus status = quorum.leaderStatus(clockMs.getAsLong()).orElse(null);
    if (status == null) {
      return new byte[0];
    }
    ByteBuffer buf =
        ByteBuffer.allocate(
            Integer.BYTES + 2 * Long.BYTES + Integer.BYTES + 28 * status.voters().size());
    buf.putInt(status.leaderId()).putLong(status.leaderEpoch()).putLong(status.highWatermark());
    buf.putInt(status.voters().size());
    for (QuorumStatus.Voter v : status.voters()) {
      buf.putInt(v.nodeId())
          .putLong(v.logEndOffset())
          .putLong(v.lastFetchTimestampMs())
          .putLong(v.lastCaughtUpTimestampMs());
    }
    return buf.array();
  }

  private byte[] onQuery(byte[] request) {
    if (request.length == 1 && request[0] == DESCRIBE_QUORUM) {
      return describeQuorumAnswer();
    }
    if (request.length != HEARTBEAT_BYTES) {
      throw new IllegalArgumentException("not a heartbeat: " + request.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(request);
    int brokerId = buf.getInt();
    long brokerEpoch = buf.getLong();
    MetadataImage image = quorum.image();
    BrokerRecord b = image.broker(brokerId).orElse(null);
    BrokerState state = BrokerState.FENCED;
    if (b != null && b.brokerEpoch() == brokerEpoch) {
      lastHeartbeatMs.put(brokerId, clockMs.getAsLong());
      state = b.state();
      if (b.state() == BrokerState.FENCED) {
        // Heard from again with the same registration (it was cut off, not restarted).
        submitOnce(
            brokerId,
            new ControllerCommand.RegisterBroker(brokerId, brokerEpoch, b.host(), b.port()));
      }
    }
    return new byte[] {(byte) state.ordinal()};
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("controller tick failed nodeId={}", quorum.nodeId(), e);
    }
  }

  /**
   * Fences the ACTIVE brokers whose session expired and balances leaders when due; a no-op unless
   * this node leads.
   */
  void tick() {
    boolean leader = quorum.isController();
    long now = clockMs.getAsLong();
    if (!leader) {
      leading = false;
      return;
    }
    MetadataImage image = quorum.image();
    if (!leading) {
      leading = true;
      lastHeartbeatMs.clear();
      nextBalanceMs = now + leaderBalanceIntervalMs;
      LOG.info("controller active nodeId={} brokers={}", quorum.nodeId(), image.brokers().keySet());
    }
    for (BrokerRecord b : image.brokers().values()) {
      Long last = lastHeartbeatMs.putIfAbsent(b.brokerId(), now);
      // A broker in controlled shutdown is fenced too once it stops heartbeating (as in Kafka).
      if (b.state() != BrokerState.FENCED && last != null && now - last > sessionTimeoutMs) {
        LOG.info(
            "fencing broker brokerId={} brokerEpoch={} silentMs={}",
            b.brokerId(),
            b.brokerEpoch(),
            now - last);
        submitOnce(b.brokerId(), new ControllerCommand.FenceBroker(b.brokerId(), b.brokerEpoch()));
      }
    }
    if (leaderBalanceIntervalMs > 0 && now >= nextBalanceMs) {
      nextBalanceMs = now + leaderBalanceIntervalMs;
      if (ControllerLogic.leadersImbalanced(image)) {
        balanceLeaders();
      }
    }
  }

  private void balanceLeaders() {
    if (!balanceInFlight.compareAndSet(false, true)) {
      return;
    }
    LOG.info("balancing partition leaders nodeId={}", quorum.nodeId());
    quorum
        .execute(new ControllerCommand.BalanceLeaders())
        .whenComplete(
            (outcome, error) -> {
              balanceInFlight.set(false);
              if (error != null) {
                LOG.warn("leader balancing failed", error);
              } else if (outcome.records().size() >= ControllerLogic.MAX_ELECTIONS_PER_BALANCE) {
                nextBalanceMs = clockMs.getAsLong();
              }
            });
  }

  private void submitOnce(int brokerId, ControllerCommand command) {
    if (!commandsInFlight.add(brokerId)) {
      return;
    }
    CompletableFuture<CommandOutcome> done = quorum.execute(command);
    done.whenComplete(
        (outcome, error) -> {
          commandsInFlight.remove(brokerId);
          if (error != null) {
            LOG.warn("controller command failed command={}", command, error);
          }
        });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    quorum.setControllerQueryHandler(null);
  }
}
