package io.logstore.replication.sim;

import io.logstore.replication.AcksAllPurgatory;
import io.logstore.replication.FetchValidation;
import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.replication.PartitionFollower.FetchPosition;
import io.logstore.replication.PartitionLeader;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.PartitionReplica.Transition;
import io.logstore.replication.ReplicatedPartition;
import io.logstore.replication.ReplicatedPartition.Answers;
import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.controller.ControllerLogic.AlterPartitionResult;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.fetch.FetchTransport;
import io.logstore.replication.fetch.FollowedPartition;
import io.logstore.replication.fetch.ReplicaFetchLoop;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.sim.SimLog.Entry;
import io.logstore.storage.EpochEndOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A seeded, single-threaded, deterministic simulation of one partition replicated on three brokers,
 * with the real {@link PartitionLeader}, {@link PartitionFollower}, {@link ControllerLogic} and the
 * shipped follower fetch loop ({@link ReplicaFetchLoop}, over a simulated {@link FetchTransport}
 * and the event queue as its scheduler). The controller stands for the committed metadata log (the
 * Raft group itself is tested in {@code RatisMetadataQuorumTest}); brokers learn its state through
 * delayed, droppable messages. Faults: crashes that lose unsynced writes, network isolation of a
 * broker, controlled shutdowns, message drops and delays. A client produces with acks=all
 * throughout.
 *
 * <p>Invariants, checked after every event that can affect them (all of them run after each step):
 *
 * <ol>
 *   <li>at most one broker appends as leader in any leader epoch;
 *   <li>a broker's high watermark never moves back (within one run of the process);
 *   <li>every record acknowledged with acks=all is in the durable log of every member of the
 *       committed ISR, at its offset (so no election can lose it);
 *   <li>replicas agree on every offset below their high watermarks.
 * </ol>
 *
 * At the end the faults stop, every broker runs and the network heals: the partition must get a
 * leader, accept new writes, and hold every acknowledged record.
 */
final class Simulation {

  static final int BROKERS = 3;
  static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;
  static final long REPLICA_LAG_TIME_MAX_MS = 300;
  static final long SESSION_TIMEOUT_MS = 600;
  static final UUID TOPIC_ID = new UUID(7, 7);

  /** A broken invariant, with the seed that replays it. */
  static final class InvariantViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    InvariantViolation(String message) {
      super(message);
    }
  }

  private record Event(long timeMs, long seq, String label, Runnable action) {}

  // ------------------------------------------------------------------ messages

  private record Register(int brokerId, long brokerEpoch) {}

  private record Heartbeat(int brokerId, long brokerEpoch) {}

  private record ControlledShutdown(int brokerId, long brokerEpoch) {}

  private record MetadataPush(MetadataImage image) {}

  /**
   * An AlterPartition command. {@code requestKey} identifies the proposal (broker incarnation,
   * leader epoch, proposal id); resends reuse it and the controller answers them from its retry
   * cache, as Ratis's retry cache does for a client's retried call.
   */
  private record AlterPartitionRequest(
      String requestKey,
      int brokerId,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> isr,
      long proposalId) {}

  private record AlterPartitionResponse(
      int leaderEpoch, long proposalId, AlterPartitionResult result) {}

  private record FetchRequest(
      int replicaId, long requestId, FetchPosition position, long logStartOffset) {}

  private record FetchResponse(
      long requestId,
      List<Entry> entries,
      EpochEndOffset diverging,
      ReplicationError error,
      long highWatermark) {}

  private record ProduceRequest(long requestId, long value) {}

  private record ProduceResponse(long requestId, ReplicationError error, long offset, long value) {}

  // ------------------------------------------------------------------ world

  private static final int CONTROLLER = 0;
  private static final int CLIENT = -1;

  private final long seed;
  private final Random random;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.timeMs != b.timeMs ? Long.compare(a.timeMs, b.timeMs) : Long.compare(a.seq, b.seq));
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private long seq;
  private long now;
  private boolean faultsOn = true;
  private double dropRate = 0.02;

  private final Controller controller = new Controller();
  private final Map<Integer, Broker> brokers = new TreeMap<>();
  private final Client client = new Client();
  private final Set<Integer> isolated = new HashSet<>();

  // invariant state
  private final Map<Integer, Integer> leaderOfEpoch = new TreeMap<>();
  private final TreeMap<Long, Long> acked = new TreeMap<>();
  private final List<Entry> committed = new ArrayList<>();

  // statistics
  int crashes;
  int isolations;
  int controlledShutdowns;
  int leaderChanges;
  int truncations;
  int uncleanElections;

  private final boolean forceUncleanElections;
  private final int minInSyncReplicas = DEFAULT_MIN_INSYNC_REPLICAS;

  Simulation(long seed) {
    this(seed, false);
  }

  /**
   * With {@code forceUncleanElections}, the controller also hands leadership to an out-of-sync
   * replica from time to time (what unclean leader election does when the ISR is gone, here made
   * frequent): losing acknowledged records is then expected, and the invariants must say so.
   */
  Simulation(long seed, boolean forceUncleanElections) {
    this.seed = seed;
    this.forceUncleanElections = forceUncleanElections;
    this.random = new Random(seed);
    for (int id = 1; id <= BROKERS; id++) {
      brokers.put(id, new Broker(id));
    }
  }

  /** Runs {@code faultMs} of faults, then {@code quietMs} healed; throws on a broken invariant. */
  void run(long faultMs, long quietMs) {
    for (Broker b : brokers.values()) {
      at(random.nextInt(20), "start " + b.id, b::start);
    }
    every(50, "controller tick", controller::tick);
    every(100, "controller push", controller::pushAll);
    every(3, "client", client::tick);
    at(300, "faults", this::scheduleFault);
    at(
        faultMs,
        "heal",
        () -> {
          faultsOn = false;
          dropRate = 0;
          isolated.clear();
          for (Broker b : brokers.values()) {
            if (!b.alive) {
              b.start();
            }
          }
        });
    loop(faultMs + quietMs);
    finalChecks();
  }

  long ackedCount() {
    return acked.size();
  }

  long committedCount() {
    return committed.size();
  }

  private void loop(long untilMs) {
    while (!queue.isEmpty() && queue.peek().timeMs <= untilMs) {
      Event e = queue.poll();
      now = e.timeMs;
      traceLine(e.label);
      e.action.run();
      checkHighWatermarks();
    }
  }

  private void finalChecks() {
    PartitionRecord p = controller.partition();
    check(p != null, "the topic was never created");
    check(p.leader() >= 0, "no leader after healing: " + p);
    Broker leader = brokers.get(p.leader());
    PartitionLeader state = leader.replica.leader();
    check(
        client.successesAfterHeal > 0,
        "no acks=all produce succeeded after healing; partition "
            + p
            + (state == null
                ? "; the leader has no leader state"
                : "; leader state "
                    + state.state()
                    + " pending "
                    + state.pendingIsr()
                    + " high watermark "
                    + state.highWatermark()
                    + " log end "
                    + leader.log.logEndOffset()
                    + " durable "
                    + leader.log.durableEndOffset()
                    + " followers "
                    + state.followerLogEndOffsets())
            + brokersSummary());
    for (Map.Entry<Long, Long> a : acked.entrySet()) {
      long offset = a.getKey();
      check(
          offset < leader.log.durableEndOffset()
              && leader.log.entry(offset).value() == a.getValue(),
          "acknowledged record at offset " + offset + " missing on the final leader " + leader.id);
    }
    checkAckedOnIsr();
  }

  // ------------------------------------------------------------------ scheduling

  private void at(long timeMs, String label, Runnable action) {
    queue.add(new Event(timeMs, seq++, label, action));
  }

  private void after(long delayMs, String label, Runnable action) {
    at(now + delayMs, label, action);
  }

  private void every(long periodMs, String label, Runnable action) {
    everyWhile(
        periodMs,
        label,
        () -> {
          action.run();
          return true;
        });
  }

  /** Runs {@code action} every {@code periodMs} for as long as it returns true. */
  private void everyWhile(long periodMs, String label, BooleanSupplier action) {
    after(
        periodMs,
        label,
        () -> {
          if (action.getAsBoolean()) {
            everyWhile(periodMs, label, action);
          }
        });
  }

  /**
   * Delivers {@code message} after a random delay unless dropped, isolated or the target is down.
   */
  private void send(int from, int to, Object message) {
    if (isolated.contains(from) || isolated.contains(to) || random.nextDouble() < dropRate) {
      return;
    }
    long delay = 1 + random.nextInt(random.nextInt(20) == 0 ? 60 : 8);
    long fromEpoch = from > 0 ? brokers.get(from).brokerEpoch : 0;
    after(
        delay,
        message.getClass().getSimpleName() + " " + from + "->" + to,
        () -> {
          if (isolated.contains(from) || isolated.contains(to)) {
            return;
          }
          if (from > 0 && brokers.get(from).brokerEpoch != fromEpoch) {
            return; // a message from a process that has since restarted is gone with it
          }
          if (to == CONTROLLER) {
            controller.receive(message);
          } else if (to == CLIENT) {
            client.receive(message);
          } else if (brokers.get(to).alive) {
            brokers.get(to).receive(from, message);
          }
        });
  }

  private void scheduleFault() {
    if (!faultsOn) {
      return;
    }
    long down = brokers.values().stream().filter(b -> !b.alive || isolated.contains(b.id)).count();
    int pick = 1 + random.nextInt(BROKERS);
    Broker b = brokers.get(pick);
    int kind = random.nextInt(10);
    int maxDown = random.nextInt(4) == 0 ? 2 : 1;
    if (down < maxDown && b.alive && !isolated.contains(pick)) {
      if (kind < 4) {
        crashes++;
        b.crash();
        after(200 + random.nextInt(2000), "restart " + pick, b::start);
      } else if (kind < 7) {
        isolations++;
        isolated.add(pick);
        after(200 + random.nextInt(2500), "reconnect " + pick, () -> isolated.remove(pick));
      } else {
        controlledShutdowns++;
        b.beginControlledShutdown();
      }
    }
    after(200 + random.nextInt(1200), "faults", this::scheduleFault);
  }

  // ------------------------------------------------------------------ controller

  private final class Controller {
    private final ControllerLogic logic = new ControllerLogic(false);
    private MetadataImage image = MetadataImage.EMPTY;
    private final Map<Integer, Long> lastHeartbeatMs = new TreeMap<>();
    private final Map<String, AlterPartitionResult> retryCache = new TreeMap<>();
    private boolean topicCreated;

    PartitionRecord partition() {
      return image.partition(TOPIC_ID, 0).orElse(null);
    }

    void commit(List<MetadataRecord> records) {
      if (records.isEmpty()) {
        return;
      }
      PartitionRecord before = partition();
      for (MetadataRecord r : records) {
        image = image.apply(image.offset() + 1, r);
      }
      PartitionRecord after = partition();
      if (before != null && after != null && before.leader() != after.leader()) {
        leaderChanges++;
        if (after.leader() >= 0 && !before.isr().contains(after.leader())) {
          uncleanElections++;
        }
      }
      checkAckedOnIsr();
      pushAll();
    }

    private void electAnOutOfSyncReplica() {
      PartitionRecord p = partition();
      if (p == null) {
        return;
      }
      for (int replica : p.replicas()) {
        BrokerRecord b = image.broker(replica).orElse(null);
        if (!p.isr().contains(replica) && b != null && b.state() == BrokerState.ACTIVE) {
          commit(List.of(p.withLeader(replica, List.of(replica))));
          return;
        }
      }
    }

    void pushAll() {
      for (int id : brokers.keySet()) {
        send(CONTROLLER, id, new MetadataPush(image));
      }
    }

    void receive(Object message) {
      if (message instanceof Register r) {
        lastHeartbeatMs.put(r.brokerId(), now);
        commit(logic.registerBroker(image, r.brokerId(), r.brokerEpoch(), "sim", r.brokerId()));
        if (!topicCreated && image.brokers().size() == BROKERS) {
          topicCreated = true;
          commit(logic.createTopic(image, "t", TOPIC_ID, 1, BROKERS).records());
        }
      } else if (message instanceof Heartbeat h) {
        BrokerRecord b = image.broker(h.brokerId()).orElse(null);
        if (b == null || b.brokerEpoch() < h.brokerEpoch()) {
          // The registration was lost: a heartbeat from a newer process registers it.
          receive(new Register(h.brokerId(), h.brokerEpoch()));
          return;
        }
        if (b.brokerEpoch() != h.brokerEpoch()) {
          return;
        }
        lastHeartbeatMs.put(h.brokerId(), now);
        if (b.state() == BrokerState.FENCED) {
          // Back in touch after isolation: unfence (same process, same log).
          commit(logic.registerBroker(image, h.brokerId(), h.brokerEpoch(), "sim", h.brokerId()));
        }
      } else if (message instanceof ControlledShutdown c) {
        BrokerRecord b = image.broker(c.brokerId()).orElse(null);
        if (b != null && b.brokerEpoch() == c.brokerEpoch()) {
          commit(logic.controlledShutdown(image, c.brokerId()));
        }
      } else if (message instanceof AlterPartitionRequest a) {
        AlterPartitionResult result = retryCache.get(a.requestKey());
        if (result == null) {
          result =
              logic.alterPartition(
                  image, a.brokerId(), TOPIC_ID, 0, a.leaderEpoch(), a.partitionEpoch(), a.isr());
          retryCache.put(a.requestKey(), result);
          commit(result.records());
        }
        send(
            CONTROLLER,
            a.brokerId(),
            new AlterPartitionResponse(a.leaderEpoch(), a.proposalId(), result));
      }
    }

    void tick() {
      if (forceUncleanElections && faultsOn && random.nextInt(10) == 0) {
        electAnOutOfSyncReplica();
      }
      if (faultsOn && random.nextInt(40) == 0) {
        // Automatic leader balancing: the preferred replica leads again once it is in the ISR.
        commit(logic.balanceLeaders(image));
      }
      for (BrokerRecord b : List.copyOf(image.brokers().values())) {
        Long last = lastHeartbeatMs.get(b.brokerId());
        if (b.state() == BrokerState.ACTIVE && last != null && now - last > SESSION_TIMEOUT_MS) {
          commit(logic.fenceBroker(image, b.brokerId()));
        }
      }
    }
  }

  // ------------------------------------------------------------------ brokers

  private record PendingProduce(long requestId, long offset, long value) {}

  /** How long an acks=all produce may wait for the high watermark (the client gives up at 2 s). */
  private static final long PRODUCE_TIMEOUT_MS = 1_500;

  /** How long a leader parks a follower's fetch that finds nothing new (shortened). */
  private static final long EMPTY_FETCH_WAIT_MS = 10;

  /** A fetch without an answer fails after this (a lost message). */
  private static final long FETCH_TIMEOUT_MS = 150;

  /** The fetch loop's pause after an error answer. */
  private static final long FETCH_BACKOFF_MS = 20;

  private static final String TOPIC = "t";

  private final class Broker {
    final int id;
    final SimLog log = new SimLog();
    boolean alive;
    long brokerEpoch;
    long lastHighWatermark;
    MetadataImage image = MetadataImage.EMPTY;
    final PartitionReplica replica;

    /** The shipped leader-side glue: role, acks=all waits (no DeleteRecords here). */
    final ReplicatedPartition<PendingProduce, Void> replication;

    final Followed followed = new Followed();

    /** This incarnation's fetch loops by leader id (the shipped loop, as the broker runs it). */
    final Map<Integer, ReplicaFetchLoop<List<Entry>>> fetchers = new TreeMap<>();

    /** Fetches in flight by request id, for the current incarnation's transports. */
    final Map<Long, CompletableFuture<FetchTransport.Answer<List<Entry>>>> fetchesInFlight =
        new TreeMap<>();

    long nextFetchRequestId;
    boolean leaderSyncScheduled;
    boolean shuttingDown;

    Broker(int id) {
      this.id = id;
      this.replica = new PartitionReplica(id, log, REPLICA_LAG_TIME_MAX_MS);
      this.replication = new ReplicatedPartition<>(replica, 1_000);
    }

    void start() {
      if (alive) {
        return;
      }
      alive = true;
      brokerEpoch = now * 10 + id + 1;
      lastHighWatermark = log.highWatermark();
      image = MetadataImage.EMPTY;
      replica.onStopped();
      shuttingDown = false;
      send(id, CONTROLLER, new Register(id, brokerEpoch));
      long epoch = brokerEpoch;
      everyWhile(
          100,
          "heartbeat " + id,
          () -> {
            if (alive && brokerEpoch == epoch) {
              send(id, CONTROLLER, new Heartbeat(id, brokerEpoch));
              return true;
            }
            return false;
          });
      everyWhile(
          50,
          "isr check " + id,
          () -> {
            if (alive && brokerEpoch == epoch) {
              isrTick();
              return true;
            }
            return false;
          });
    }

    void crash() {
      alive = false;
      brokerEpoch = -1;
      replication.stop(new Answers<>()); // the waiters are gone with the process
      fetchers.values().forEach(ReplicaFetchLoop::close);
      fetchers.clear();
      fetchesInFlight.clear();
      leaderSyncScheduled = false;
      log.crash();
      lastHighWatermark = log.highWatermark();
    }

    void beginControlledShutdown() {
      shuttingDown = true;
      send(id, CONTROLLER, new ControlledShutdown(id, brokerEpoch));
    }

    void receive(int from, Object message) {
      if (message instanceof MetadataPush m) {
        onImage(m.image());
      } else if (message instanceof FetchRequest f) {
        onFetch(f);
      } else if (message instanceof FetchResponse f) {
        onFetchResponse(f);
      } else if (message instanceof ProduceRequest p) {
        onProduce(p);
      } else if (message instanceof AlterPartitionResponse a) {
        onAlterPartitionResponse(a);
      }
    }

    void onImage(MetadataImage newImage) {
      if (newImage.offset() <= image.offset()) {
        return;
      }
      if (!newImage.holdsRegistration(id, brokerEpoch)) {
        return; // the broker's rule: nothing before the image with this process's registration
      }
      image = newImage;
      if (shuttingDown) {
        BrokerRecord me = image.broker(id).orElse(null);
        PartitionRecord p = image.partition(TOPIC_ID, 0).orElse(null);
        if (me != null
            && me.brokerEpoch() == brokerEpoch
            && me.state() == BrokerState.CONTROLLED_SHUTDOWN
            && (p == null || p.leader() != id)) {
          // Leads nothing any more: flush and stop cleanly, come back later.
          log.sync();
          crash();
          after(300 + random.nextInt(1500), "restart " + id, this::start);
          return;
        }
      }
      PartitionRecord p = image.partition(TOPIC_ID, 0).orElse(null);
      if (p == null) {
        return;
      }
      Answers<PendingProduce, Void> answers = new Answers<>();
      Transition t = replication.applyState(p, minInSyncReplicas, now, answers);
      deliver(answers);
      checkHighWatermarks();
      if (t.changed()) {
        onRoleChange(t);
      }
    }

    // ---- leader side

    void onProduce(ProduceRequest p) {
      PartitionLeader leader = replica.leader();
      if (leader == null) {
        send(id, CLIENT, new ProduceResponse(p.requestId(), notLeader(), -1, p.value()));
        return;
      }
      ReplicationError check = replication.checkBeforeAcksAll(minInSyncReplicas);
      if (check != ReplicationError.NONE) {
        send(id, CLIENT, new ProduceResponse(p.requestId(), check, -1, p.value()));
        return;
      }
      int epoch = leader.leaderEpoch();
      Integer previous = leaderOfEpoch.putIfAbsent(epoch, id);
      check(
          previous == null || previous == id,
          "two leaders appended in epoch " + epoch + ": " + previous + " and " + id);
      long offset = log.appendAsLeader(epoch, p.value());
      PendingProduce waiting = new PendingProduce(p.requestId(), offset, p.value());
      Answers<PendingProduce, Void> answers = new Answers<>();
      ReplicationError parked =
          replication.awaitReplicated(
              offset + 1, now + PRODUCE_TIMEOUT_MS, waiting, minInSyncReplicas, now, answers);
      deliver(answers);
      if (parked != ReplicationError.NONE) {
        send(id, CLIENT, new ProduceResponse(p.requestId(), parked, -1, 0));
      }
      if (!leaderSyncScheduled) {
        leaderSyncScheduled = true;
        long incarnation = brokerEpoch;
        after(
            1 + random.nextInt(4),
            "fsync " + id,
            () -> {
              if (alive && brokerEpoch == incarnation) {
                leaderSyncScheduled = false;
                log.sync();
                afterHighWatermarkChange();
              }
            });
      }
    }

    ReplicationError notLeader() {
      return ReplicationError.NOT_LEADER_OR_FOLLOWER;
    }

    void onFetch(FetchRequest f) {
      FetchPosition pos = f.position();
      PartitionLeader leader = replica.leader();
      if (leader == null) {
        send(id, f.replicaId(), new FetchResponse(f.requestId(), List.of(), null, notLeader(), -1));
        return;
      }
      Answers<PendingProduce, Void> answers = new Answers<>();
      FetchValidation v =
          replication.onFollowerFetch(
              f.replicaId(),
              pos.currentLeaderEpoch(),
              pos.fetchOffset(),
              pos.lastFetchedEpoch(),
              f.logStartOffset(),
              minInSyncReplicas,
              now,
              answers);
      if (v instanceof FetchValidation.Accept a) {
        List<Entry> entries = log.read(pos.fetchOffset(), 1 + random.nextInt(30));
        FetchResponse answer =
            new FetchResponse(
                f.requestId(), entries, null, ReplicationError.NONE, a.highWatermark());
        if (entries.isEmpty()) {
          // Nothing new: the broker parks a follower's fetch up to replica.fetch.wait.max.ms.
          long incarnation = brokerEpoch;
          after(
              EMPTY_FETCH_WAIT_MS,
              "parked fetch " + id,
              () -> {
                if (alive && brokerEpoch == incarnation) {
                  send(id, f.replicaId(), answer);
                }
              });
        } else {
          send(id, f.replicaId(), answer);
        }
        if (a.proposedIsr() != null) {
          sendAlterPartition(a.proposedIsr());
        }
      } else if (v instanceof FetchValidation.Diverging d) {
        send(
            id,
            f.replicaId(),
            new FetchResponse(
                f.requestId(), List.of(), d.divergingEpoch(), ReplicationError.NONE, -1));
      } else if (v instanceof FetchValidation.Error e) {
        send(id, f.replicaId(), new FetchResponse(f.requestId(), List.of(), null, e.error(), -1));
      }
      checkHighWatermarks();
      deliver(answers);
    }

    void isrTick() {
      PartitionLeader leader = replica.leader();
      if (leader == null) {
        return;
      }
      Answers<PendingProduce, Void> answers = new Answers<>();
      List<Integer> shrink = replication.onIsrTimer(minInSyncReplicas, now, answers);
      if (shrink != null) {
        sendAlterPartition(shrink);
      } else if (leader.pendingIsr() != null && random.nextInt(4) == 0) {
        sendAlterPartition(leader.pendingIsr()); // resend until answered
      }
      checkHighWatermarks();
      deliver(answers);
    }

    /** Sends (or resends, with the same key) the pending proposal. */
    void sendAlterPartition(List<Integer> isr) {
      PartitionLeader leader = replica.leader();
      long proposal = leader.pendingProposalId();
      String key = id + "/" + brokerEpoch + "/" + leader.leaderEpoch() + "/" + proposal;
      send(
          id,
          CONTROLLER,
          new AlterPartitionRequest(
              key,
              id,
              leader.leaderEpoch(),
              // unchanged while a proposal is pending: a newer state ends the proposal
              leader.state().partitionEpoch(),
              isr,
              proposal));
    }

    void onAlterPartitionResponse(AlterPartitionResponse response) {
      PartitionLeader leader = replica.leader();
      AlterPartitionResult r = response.result();
      if (leader == null || r.state() == null || response.leaderEpoch() != leader.leaderEpoch()) {
        return;
      }
      if (r.error() == ReplicationError.NONE) {
        if (r.state().leaderEpoch() == leader.leaderEpoch() && r.state().leader() == id) {
          leader.onPartitionState(r.state());
        }
      } else {
        leader.onIsrChangeFailed(response.proposalId());
      }
      afterHighWatermarkChange();
    }

    void afterHighWatermarkChange() {
      Answers<PendingProduce, Void> answers = new Answers<>();
      replication.progress(minInSyncReplicas, now, answers);
      checkHighWatermarks();
      deliver(answers);
    }

    /** Answers the client for every settled acks=all wait. */
    void deliver(Answers<PendingProduce, Void> answers) {
      for (AcksAllPurgatory.Completion<PendingProduce> c : answers.acks()) {
        PendingProduce p = c.request();
        send(id, CLIENT, new ProduceResponse(p.requestId(), c.error(), p.offset(), p.value()));
      }
    }

    // ---- follower side: the shipped ReplicaFetchLoop over the simulated network

    /** As the broker's replica manager: the partition moves to the fetch loop of its leader. */
    void onRoleChange(Transition t) {
      for (ReplicaFetchLoop<List<Entry>> loop : fetchers.values()) {
        loop.remove(followed);
      }
      if (t.to() instanceof PartitionReplica.Following following) {
        int leader = following.follower().leaderId();
        fetchers.computeIfAbsent(leader, this::newFetchLoop).add(followed);
      }
      fetchers
          .values()
          .removeIf(
              loop -> {
                if (loop.isEmpty()) {
                  loop.close();
                  return true;
                }
                return false;
              });
    }

    ReplicaFetchLoop<List<Entry>> newFetchLoop(int leaderId) {
      long incarnation = brokerEpoch;
      ReplicaFetchLoop<List<Entry>> loop =
          new ReplicaFetchLoop<>(
              id,
              leaderId,
              new SimTransport(incarnation),
              (delayMs, task) ->
                  after(
                      delayMs,
                      "fetcher " + id + " of " + leaderId,
                      () -> {
                        if (alive && brokerEpoch == incarnation) {
                          task.run();
                        }
                      }),
              FETCH_BACKOFF_MS);
      loop.start();
      return loop;
    }

    void onFetchResponse(FetchResponse r) {
      CompletableFuture<FetchTransport.Answer<List<Entry>>> pending =
          fetchesInFlight.remove(r.requestId());
      if (pending == null) {
        return; // timed out, or sent by an earlier incarnation
      }
      pending.complete(
          new FetchTransport.Answer<>(
              ReplicationError.NONE,
              List.of(
                  new FetchTransport.PartitionAnswer<>(
                      TOPIC,
                      0,
                      r.error(),
                      r.diverging(),
                      r.entries().isEmpty() ? null : r.entries(),
                      r.highWatermark(),
                      0))));
    }

    /** The network between this follower and a leader; a lost message times out. */
    final class SimTransport implements FetchTransport<List<Entry>> {
      private final long incarnation;

      SimTransport(long incarnation) {
        this.incarnation = incarnation;
      }

      @Override
      public CompletionStage<Answer<List<Entry>>> fetch(Request request) {
        CompletableFuture<Answer<List<Entry>>> answer = new CompletableFuture<>();
        if (brokerEpoch != incarnation) {
          answer.completeExceptionally(new IllegalStateException("process gone"));
          return answer;
        }
        long requestId = ++nextFetchRequestId;
        fetchesInFlight.put(requestId, answer);
        FetchPosition position = request.partitions().get(0).position();
        send(
            id,
            request.leaderId(),
            new FetchRequest(
                id, requestId, position, request.partitions().get(0).logStartOffset()));
        after(
            FETCH_TIMEOUT_MS,
            "fetch timeout " + id,
            () -> {
              if (fetchesInFlight.remove(requestId) != null) {
                answer.completeExceptionally(new TimeoutException("fetch " + requestId));
              }
            });
        return answer;
      }

      @Override
      public void close() {
        // the messages in flight die with the incarnation (see send)
      }
    }

    /** The partition as the fetch loop sees it, over this broker's replica and log. */
    final class Followed implements FollowedPartition<List<Entry>> {
      @Override
      public String topic() {
        return TOPIC;
      }

      @Override
      public int index() {
        return 0;
      }

      @Override
      public PartitionFollower follower() {
        return replica.follower();
      }

      @Override
      public long logStartOffset() {
        return log.logStartOffset();
      }

      @Override
      public long logEndOffset() {
        return log.logEndOffset();
      }

      @Override
      public boolean appendAsFollower(PartitionFollower follower, List<Entry> records) {
        if (replica.follower() != follower) {
          return false;
        }
        log.appendAsFollower(records);
        return true;
      }

      /** The disk syncs after 1-4 ms; a crash before that loses the records (and the wait). */
      @Override
      public CompletionStage<Void> awaitDurable(long endOffset) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (log.durableEndOffset() >= endOffset) {
          done.complete(null);
          return done;
        }
        long incarnation = brokerEpoch;
        after(
            1 + random.nextInt(4),
            "follower fsync " + id,
            () -> {
              if (alive && brokerEpoch == incarnation) {
                log.sync();
                done.complete(null);
              }
            });
        return done;
      }

      @Override
      public FollowerTruncation truncateAsFollower(
          PartitionFollower follower, EpochEndOffset diverging) {
        if (replica.follower() != follower) {
          return null;
        }
        long before = log.logEndOffset();
        FollowerTruncation t = follower.onDivergingEpoch(diverging);
        if (t.offset() < before) {
          truncations++;
          checkAckedOnIsr();
        }
        return t;
      }

      @Override
      public void followerHighWatermark(PartitionFollower follower, long leaderHighWatermark) {
        if (replica.follower() == follower) {
          follower.onLeaderHighWatermark(leaderHighWatermark);
          checkHighWatermarks();
        }
      }

      @Override
      public void followerLogStart(PartitionFollower follower, long leaderLogStart) {
        if (replica.follower() == follower && leaderLogStart > log.logStartOffset()) {
          log.moveLogStart(Math.min(leaderLogStart, log.logEndOffset()));
        }
      }

      /** The simulated leader deletes no records, so it never answers OFFSET_OUT_OF_RANGE. */
      @Override
      public void restartFollowerAt(PartitionFollower follower, long offset) {
        throw new IllegalStateException("the simulated leader deletes no records");
      }
    }
  }

  // ------------------------------------------------------------------ client

  private final class Client {
    private long nextValue = 1;
    private long nextRequestId = 1;
    private final Map<Long, Long> outstanding = new TreeMap<>();
    int successesAfterHeal;

    void tick() {
      if (outstanding.size() >= 20) {
        return;
      }
      PartitionRecord p = controller.partition();
      if (p == null || p.leader() < 0) {
        return;
      }
      long requestId = nextRequestId++;
      long value = nextValue++;
      outstanding.put(requestId, now);
      send(CLIENT, p.leader(), new ProduceRequest(requestId, value));
      after(2000, "produce timeout", () -> outstanding.remove(requestId));
    }

    void receive(Object message) {
      if (!(message instanceof ProduceResponse r) || outstanding.remove(r.requestId()) == null) {
        return;
      }
      if (r.error() != ReplicationError.NONE) {
        return;
      }
      Long previous = acked.put(r.offset(), r.value());
      check(
          previous == null || previous == r.value(),
          "offset " + r.offset() + " acknowledged twice: values " + previous + " and " + r.value());
      if (!faultsOn) {
        successesAfterHeal++;
      }
      PartitionRecord p = controller.partition();
      for (int member : p.isr()) {
        checkAckedOn(brokers.get(member), r.offset(), r.value());
      }
    }
  }

  // ------------------------------------------------------------------ invariants

  private String brokersSummary() {
    StringBuilder out = new StringBuilder();
    for (Broker b : brokers.values()) {
      PartitionFollower f = b.replica.follower();
      out.append("\n  broker ")
          .append(b.id)
          .append(b.alive ? "" : " (down)")
          .append(": role ")
          .append(b.replica.role().getClass().getSimpleName())
          .append(f == null ? "" : " of " + f.leaderId() + " epoch " + f.leaderEpoch())
          .append(", log end ")
          .append(b.log.logEndOffset())
          .append(", durable ")
          .append(b.log.durableEndOffset())
          .append(", latest epoch ")
          .append(b.log.latestEpoch())
          .append(", high watermark ")
          .append(b.log.highWatermark());
    }
    return out.toString();
  }

  private void checkHighWatermarks() {
    for (Broker b : brokers.values()) {
      long hw = b.log.highWatermark();
      check(
          hw >= b.lastHighWatermark,
          "broker "
              + b.id
              + " high watermark moved back from "
              + b.lastHighWatermark
              + " to "
              + hw);
      for (long o = b.lastHighWatermark; o < hw; o++) {
        Entry e = b.log.entry(o);
        if (o < committed.size()) {
          check(
              committed.get((int) o).equals(e),
              "broker "
                  + b.id
                  + " has "
                  + e
                  + " at offset "
                  + o
                  + " below its high watermark,"
                  + " another replica has "
                  + committed.get((int) o));
        } else {
          committed.add(e);
        }
      }
      b.lastHighWatermark = hw;
    }
  }

  private void checkAckedOnIsr() {
    PartitionRecord p = controller.partition();
    if (p == null) {
      return;
    }
    for (int member : p.isr()) {
      for (Map.Entry<Long, Long> a : acked.entrySet()) {
        checkAckedOn(brokers.get(member), a.getKey(), a.getValue());
      }
    }
  }

  private void checkAckedOn(Broker b, long offset, long value) {
    check(
        offset < b.log.durableEndOffset() && b.log.entry(offset).value() == value,
        "acknowledged record "
            + value
            + " at offset "
            + offset
            + " is not durable on ISR member "
            + b.id
            + " (durable end "
            + b.log.durableEndOffset()
            + ")");
  }

  private void check(boolean condition, String message) {
    if (!condition) {
      throw new InvariantViolation(
          "seed "
              + seed
              + " at "
              + now
              + " ms: "
              + message
              + "\nreplay: mvn -pl replication test -Dtest=ReplicationSimulationTest -Dsim.seed="
              + seed
              + "\nlast events:\n"
              + String.join("\n", trace));
    }
  }

  private void traceLine(String label) {
    trace.addLast(now + " " + label);
    if (trace.size() > 60) {
      trace.removeFirst();
    }
  }
}
