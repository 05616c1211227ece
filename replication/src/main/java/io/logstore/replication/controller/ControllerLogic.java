package io.logstore.replication.controller;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.ControllerCommand.AlterPartition;
import io.logstore.replication.metadata.ControllerCommand.AlterTopicConfigs;
import io.logstore.replication.metadata.ControllerCommand.ControlledShutdown;
import io.logstore.replication.metadata.ControllerCommand.CreatePartitions;
import io.logstore.replication.metadata.ControllerCommand.CreateTopic;
import io.logstore.replication.metadata.ControllerCommand.DeleteTopic;
import io.logstore.replication.metadata.ControllerCommand.ElectPreferredLeader;
import io.logstore.replication.metadata.ControllerCommand.FenceBroker;
import io.logstore.replication.metadata.ControllerCommand.RegisterBroker;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.ReassignmentRecord;
import io.logstore.replication.metadata.MetadataRecord.RemoveTopicRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicConfigRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The controller's decisions as pure functions: each command reads the current {@link
 * MetadataImage} and returns the records to commit (Kafka's {@code ReplicationControlManager} and
 * {@code ClusterControlManager} shape). Nothing changes until the records are committed and
 * applied, so the controller can be replayed and the same logic runs in the simulation.
 *
 * <p>Leader election: the first replica in assignment order that is in the ISR and ACTIVE. With no
 * such replica the partition goes offline (leader -1) and keeps its last ISR, unless unclean
 * election is on for its topic (the topic's {@code unclean.leader.election.enable}, else the
 * controller's): then the first ACTIVE replica leads with an ISR of itself.
 */
public final class ControllerLogic {

  /** A command's answer: the records to commit, or the error and no records. */
  public record Result(List<MetadataRecord> records, ReplicationError error) {
    public Result {
      records = List.copyOf(records);
      Objects.requireNonNull(error);
    }

    static Result ok(List<MetadataRecord> records) {
      return new Result(records, ReplicationError.NONE);
    }

    static Result error(ReplicationError error) {
      return new Result(List.of(), error);
    }
  }

  /** The topic config that overrides the controller's unclean election default. */
  public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

  /**
   * At most this many leaders move in one {@link ControllerCommand.BalanceLeaders} (Kafka: 1000).
   */
  public static final int MAX_ELECTIONS_PER_BALANCE = 1000;

  private final boolean uncleanLeaderElection;

  /** {@code uncleanLeaderElection}: the default for topics that do not set it. */
  public ControllerLogic(boolean uncleanLeaderElection) {
    this.uncleanLeaderElection = uncleanLeaderElection;
  }

  /** Whether the partitions of {@code topicId} may elect a replica outside their ISR. */
  boolean uncleanAllowed(MetadataImage image, UUID topicId) {
    String override =
        image.topic(topicId).map(t -> t.configs().get(UNCLEAN_LEADER_ELECTION_ENABLE)).orElse(null);
    return override == null ? uncleanLeaderElection : Boolean.parseBoolean(override.trim());
  }

  /**
   * A broker (re)registers after start-up with a new {@code brokerEpoch}: it becomes ACTIVE;
   * partitions it led under an older registration get a new leader epoch (its in-memory leader
   * state is gone), and offline partitions whose ISR it is in get it as leader.
   */
  public List<MetadataRecord> registerBroker(
      MetadataImage image, int brokerId, long brokerEpoch, String host, int port) {
    List<MetadataRecord> out = new ArrayList<>();
    BrokerRecord registration =
        new BrokerRecord(brokerId, brokerEpoch, host, port, BrokerState.ACTIVE);
    out.add(registration);
    MetadataImage after = image.apply(image.offset() + 1, registration);
    for (PartitionRecord p : partitions(after)) {
      if (p.leader() == brokerId) {
        // A new incarnation of the leader (restarted within the session timeout): like KIP-903,
        // another ISR member takes over and the restarted broker rejoins the ISR by catching up,
        // as it may have lost what it had not fsynced (the interval flush policy). Only when no
        // other ISR member is available does it lead again.
        int other = electLeader(after, p, brokerId);
        if (other >= 0) {
          List<Integer> isr = new ArrayList<>(p.isr());
          isr.remove(Integer.valueOf(brokerId));
          out.add(p.withLeader(other, isr));
        } else {
          out.add(p.withLeader(electLeader(after, p, -1), p.isr()));
        }
      } else if (p.leader() < 0 && p.isr().contains(brokerId)) {
        out.add(p.withLeader(brokerId, p.isr()));
      } else if (p.leader() < 0
          && p.replicas().contains(brokerId)
          && uncleanAllowed(after, p.topicId())) {
        out.add(p.withLeader(brokerId, List.of(brokerId)));
      }
    }
    return out;
  }

  /**
   * A broker missed its heartbeats for the session timeout (or asked to stop): FENCED, out of every
   * ISR, and its leaderships moved.
   */
  public List<MetadataRecord> fenceBroker(MetadataImage image, int brokerId) {
    BrokerRecord current = image.broker(brokerId).orElse(null);
    if (current == null || current.state() == BrokerState.FENCED) {
      return List.of();
    }
    List<MetadataRecord> out = new ArrayList<>();
    BrokerRecord fenced =
        new BrokerRecord(
            brokerId, current.brokerEpoch(), current.host(), current.port(), BrokerState.FENCED);
    out.add(fenced);
    out.addAll(moveAwayFrom(image.apply(image.offset() + 1, fenced), brokerId));
    return out;
  }

  /**
   * Controlled shutdown (Kafka's BrokerHeartbeat with wantShutDown): CONTROLLED_SHUTDOWN, its
   * leaderships moved and it leaves every ISR. The broker stops once it leads nothing.
   */
  public List<MetadataRecord> controlledShutdown(MetadataImage image, int brokerId) {
    BrokerRecord current = image.broker(brokerId).orElse(null);
    if (current == null || current.state() != BrokerState.ACTIVE) {
      return List.of();
    }
    List<MetadataRecord> out = new ArrayList<>();
    BrokerRecord leaving =
        new BrokerRecord(
            brokerId,
            current.brokerEpoch(),
            current.host(),
            current.port(),
            BrokerState.CONTROLLED_SHUTDOWN);
    out.add(leaving);
    out.addAll(moveAwayFrom(image.apply(image.offset() + 1, leaving), brokerId));
    return out;
  }

  /**
   * AlterPartition's answer: the records to commit (none for a repeat or an error), the error, and
   * the partition state after the change (or as the controller holds it, for an error), null when
   * the partition does not exist.
   */
  public record AlterPartitionResult(
      List<MetadataRecord> records, ReplicationError error, PartitionRecord state) {
    public AlterPartitionResult {
      records = List.copyOf(records);
      Objects.requireNonNull(error);
    }
  }

  /**
   * AlterPartition from a partition leader: accepted only from the current leader at the current
   * leader and partition epochs, with every new member an assigned ACTIVE replica. A repeat of a
   * change already committed (same leader epoch, same ISR) succeeds without records, so a leader
   * whose answer was lost can resend.
   */
  public AlterPartitionResult alterPartition(
      MetadataImage image,
      int brokerId,
      UUID topicId,
      int partition,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr) {
    PartitionRecord p = image.partition(topicId, partition).orElse(null);
    if (p == null) {
      return new AlterPartitionResult(List.of(), ReplicationError.NOT_LEADER_OR_FOLLOWER, null);
    }
    ReplicationError error = ReplicationError.NONE;
    if (p.leader() != brokerId) {
      error = ReplicationError.NOT_LEADER_OR_FOLLOWER;
    } else if (leaderEpoch != p.leaderEpoch()) {
      error = ReplicationError.FENCED_LEADER_EPOCH;
    } else if (partitionEpoch != p.partitionEpoch()) {
      if (new HashSet<>(newIsr).equals(new HashSet<>(p.isr()))) {
        return new AlterPartitionResult(List.of(), ReplicationError.NONE, p);
      }
      error = ReplicationError.INVALID_UPDATE_VERSION;
    } else if (!newIsr.contains(brokerId)) {
      error = ReplicationError.INVALID_UPDATE_VERSION;
    } else {
      for (int replica : newIsr) {
        if (!p.replicas().contains(replica)
            || (!p.isr().contains(replica) && !isActive(image, replica))) {
          error = ReplicationError.INELIGIBLE_REPLICA;
        }
      }
    }
    if (error == ReplicationError.INELIGIBLE_REPLICA) {
      // The only refusal that a later copy of the same proposal could escape (the replica may
      // become ACTIVE meanwhile): bump the partition epoch so every copy is refused from now on,
      // which makes a refusal final for the leader that sent it.
      PartitionRecord fenced = p.withIsr(p.isr());
      return new AlterPartitionResult(List.of(fenced), error, fenced);
    }
    if (error != ReplicationError.NONE) {
      return new AlterPartitionResult(List.of(), error, p);
    }
    PartitionRecord changed = p.withIsr(List.copyOf(newIsr));
    List<MetadataRecord> completion =
        completeReassignment(image.apply(image.offset() + 1, changed), changed);
    if (!completion.isEmpty()) {
      List<MetadataRecord> records = new ArrayList<>();
      records.add(changed);
      records.addAll(completion);
      return new AlterPartitionResult(
          records, ReplicationError.NONE, (PartitionRecord) completion.get(0));
    }
    return new AlterPartitionResult(List.of(changed), ReplicationError.NONE, changed);
  }

  /**
   * AlterPartitionReassignments for one partition, Kafka's way. A new target: the partition's
   * replicas become the target followed by the original replicas not in it (the original ones are
   * the current replicas, or those before the running reassignment), the added replicas start
   * copying the log, and once every target replica is in the ISR the reassignment completes:
   * replicas = target, ISR = ISR within the target, and if the leader is not in the target the
   * first target replica in the ISR and ACTIVE leads (new epoch). An empty target cancels: back to
   * the original replicas the same way. UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (an
   * unregistered broker, a broker twice, or a move that would leave no ISR member),
   * NO_REASSIGNMENT_IN_PROGRESS (a cancellation with none running).
   */
  public CommandOutcome alterReassignment(
      MetadataImage image, UUID topicId, int partition, List<Integer> target) {
    PartitionRecord p = image.partition(topicId, partition).orElse(null);
    if (p == null) {
      return new CommandOutcome(List.of(), ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, null);
    }
    ReassignmentRecord running = image.reassignment(topicId, partition).orElse(null);
    List<Integer> original =
        running == null ? p.replicas() : without(p.replicas(), running.adding());
    if (target.isEmpty()) {
      if (running == null) {
        return new CommandOutcome(List.of(), ReplicationError.NO_REASSIGNMENT_IN_PROGRESS, p);
      }
      List<MetadataRecord> reverted = finish(image, p, original);
      return reverted.isEmpty()
          ? new CommandOutcome(List.of(), ReplicationError.INVALID_REPLICA_ASSIGNMENT, p)
          : ok(reverted, (PartitionRecord) reverted.get(0));
    }
    if (new HashSet<>(target).size() != target.size()) {
      return new CommandOutcome(List.of(), ReplicationError.INVALID_REPLICA_ASSIGNMENT, p);
    }
    for (int replica : target) {
      if (image.broker(replica).isEmpty()) {
        return new CommandOutcome(List.of(), ReplicationError.INVALID_REPLICA_ASSIGNMENT, p);
      }
    }
    if (running == null && target.equals(p.replicas())) {
      return ok(List.of(), p);
    }
    List<Integer> removing = without(original, target);
    List<Integer> replicas = new ArrayList<>(target);
    replicas.addAll(removing);
    List<Integer> isr = new ArrayList<>(p.isr());
    isr.retainAll(replicas);
    if (isr.isEmpty()) {
      return new CommandOutcome(List.of(), ReplicationError.INVALID_REPLICA_ASSIGNMENT, p);
    }
    PartitionRecord moving = p.withReplicas(replicas, isr);
    ReassignmentRecord started =
        new ReassignmentRecord(topicId, partition, without(target, original), removing);
    MetadataImage after =
        image.apply(image.offset() + 1, moving).apply(image.offset() + 2, started);
    List<MetadataRecord> out = new ArrayList<>(List.of(moving, started));
    List<MetadataRecord> completion = completeReassignment(after, moving);
    out.addAll(completion);
    return ok(out, completion.isEmpty() ? moving : (PartitionRecord) completion.get(0));
  }

  /** The records that complete {@code p}'s reassignment, if every target replica is in its ISR. */
  private List<MetadataRecord> completeReassignment(MetadataImage image, PartitionRecord p) {
    ReassignmentRecord running = image.reassignment(p.topicId(), p.partition()).orElse(null);
    if (running == null) {
      return List.of();
    }
    List<Integer> target = without(p.replicas(), running.removing());
    return p.isr().containsAll(target) ? finish(image, p, target) : List.of();
  }

  /**
   * The partition moved to exactly {@code replicas} (ISR within them, a new leader among them if
   * needed) and its reassignment ended; empty when no ISR member would be left.
   */
  private static List<MetadataRecord> finish(
      MetadataImage image, PartitionRecord p, List<Integer> replicas) {
    List<Integer> isr = new ArrayList<>(p.isr());
    isr.retainAll(replicas);
    if (isr.isEmpty()) {
      return List.of();
    }
    PartitionRecord done;
    if (replicas.contains(p.leader())) {
      done = p.withReplicas(replicas, isr);
    } else {
      int leader = -1;
      for (int replica : replicas) {
        if (isr.contains(replica) && isActive(image, replica)) {
          leader = replica;
          break;
        }
      }
      done =
          new PartitionRecord(
              p.topicId(),
              p.partition(),
              replicas,
              isr,
              leader,
              p.leaderEpoch() + 1,
              p.partitionEpoch() + 1);
    }
    return List.of(done, new ReassignmentRecord(p.topicId(), p.partition(), List.of(), List.of()));
  }

  /** {@code from} without the members of {@code removed}, in order. */
  private static List<Integer> without(List<Integer> from, List<Integer> removed) {
    List<Integer> out = new ArrayList<>(from);
    out.removeAll(removed);
    return out;
  }

  /**
   * CreateTopics: {@code partitions} partitions, each with {@code replicationFactor} replicas
   * spread round-robin over the ACTIVE brokers (by id); leader the first replica, ISR all.
   */
  public Result createTopic(
      MetadataImage image, String name, UUID topicId, int partitions, int replicationFactor) {
    return createTopic(image, name, topicId, partitions, replicationFactor, Map.of());
  }

  /** CreateTopics with configs set on the topic (committed before its partitions). */
  public Result createTopic(
      MetadataImage image,
      String name,
      UUID topicId,
      int partitions,
      int replicationFactor,
      Map<String, String> configs) {
    return createTopic(image, name, topicId, partitions, replicationFactor, configs, List.of());
  }

  /**
   * CreateTopics; with {@code assignments} not empty, partition i gets replicas {@code
   * assignments.get(i)} (every one a registered broker, none twice, all lists of one size), its ISR
   * the ACTIVE ones among them and its leader the first of those, as Kafka's controller does;
   * INVALID_REPLICA_ASSIGNMENT otherwise, or when no replica of a partition is ACTIVE.
   */
  public Result createTopic(
      MetadataImage image,
      String name,
      UUID topicId,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      List<List<Integer>> assignments) {
    List<Integer> active = activeBrokers(image);
    if (assignments.isEmpty() && replicationFactor > active.size()) {
      return Result.error(ReplicationError.INVALID_REPLICATION_FACTOR);
    }
    if (image.topic(name).isPresent() || image.topic(topicId).isPresent()) {
      return Result.error(ReplicationError.TOPIC_ALREADY_EXISTS);
    }
    List<MetadataRecord> out = new ArrayList<>();
    configs.forEach((key, value) -> out.add(new TopicConfigRecord(name, key, value)));
    out.add(new TopicRecord(name, topicId));
    if (!assignments.isEmpty()) {
      List<PartitionRecord> assigned = assigned(image, topicId, 0, assignments, -1);
      if (assigned == null) {
        return Result.error(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
      }
      out.addAll(assigned);
      return Result.ok(out);
    }
    for (int i = 0; i < partitions; i++) {
      List<Integer> replicas = placement(active, i, replicationFactor);
      out.add(new PartitionRecord(topicId, i, replicas, replicas, replicas.get(0), 0, 0));
    }
    return Result.ok(out);
  }

  /**
   * Partitions {@code first}, {@code first + 1}, ... with the assigned replicas, or null when an
   * assignment is invalid (see {@link #createTopic}); {@code replicationFactor} -1: any, the same
   * for all.
   */
  private static List<PartitionRecord> assigned(
      MetadataImage image,
      UUID topicId,
      int first,
      List<List<Integer>> assignments,
      int replicationFactor) {
    int expected = replicationFactor;
    List<PartitionRecord> out = new ArrayList<>();
    for (List<Integer> replicas : assignments) {
      if (replicas.isEmpty()
          || (expected >= 0 && replicas.size() != expected)
          || new HashSet<>(replicas).size() != replicas.size()) {
        return null;
      }
      expected = replicas.size();
      List<Integer> isr = new ArrayList<>();
      for (int replica : replicas) {
        if (image.broker(replica).isEmpty()) {
          return null;
        }
        if (isActive(image, replica)) {
          isr.add(replica);
        }
      }
      if (isr.isEmpty()) {
        return null;
      }
      out.add(
          new PartitionRecord(
              topicId, first + out.size(), List.copyOf(replicas), isr, isr.get(0), 0, 0));
    }
    return out;
  }

  /**
   * CreatePartitions: the new partitions get as many replicas as partition 0 has, spread
   * round-robin over the ACTIVE brokers starting after the last existing partition; leader the
   * first replica, ISR all. Growing to the current count or less is refused (INVALID_PARTITIONS is
   * the caller's check; here UNKNOWN_TOPIC_ID / INVALID_REPLICATION_FACTOR).
   */
  public Result createPartitions(MetadataImage image, UUID topicId, int newCount) {
    return createPartitions(image, topicId, newCount, List.of());
  }

  /**
   * CreatePartitions; with {@code assignments} (one per new partition) the new partitions get those
   * replicas, checked as at creation and against partition 0's replication factor.
   */
  public Result createPartitions(
      MetadataImage image, UUID topicId, int newCount, List<List<Integer>> assignments) {
    TopicImage topic = image.topic(topicId).orElse(null);
    if (topic == null) {
      return Result.error(ReplicationError.UNKNOWN_TOPIC_ID);
    }
    int current = topic.partitions().size();
    if (newCount <= current) {
      return Result.ok(List.of());
    }
    int replicationFactor = topic.partitions().get(0).replicas().size();
    if (!assignments.isEmpty()) {
      List<PartitionRecord> assigned =
          assignments.size() == newCount - current
              ? assigned(image, topicId, current, assignments, replicationFactor)
              : null;
      return assigned == null
          ? Result.error(ReplicationError.INVALID_REPLICA_ASSIGNMENT)
          : Result.ok(List.copyOf(assigned));
    }
    List<Integer> active = activeBrokers(image);
    if (replicationFactor > active.size()) {
      return Result.error(ReplicationError.INVALID_REPLICATION_FACTOR);
    }
    List<MetadataRecord> out = new ArrayList<>();
    for (int i = current; i < newCount; i++) {
      List<Integer> replicas = placement(active, i, replicationFactor);
      out.add(new PartitionRecord(topicId, i, replicas, replicas, replicas.get(0), 0, 0));
    }
    return Result.ok(out);
  }

  /**
   * Preferred leader election (ElectLeaders, PREFERRED): the first assigned replica leads if it is
   * in the ISR and ACTIVE and does not already lead; otherwise nothing.
   */
  public List<MetadataRecord> electPreferredLeader(
      MetadataImage image, UUID topicId, int partition) {
    PartitionRecord p = image.partition(topicId, partition).orElse(null);
    if (p == null) {
      return List.of();
    }
    int preferred = p.replicas().get(0);
    if (p.leader() == preferred || !p.isr().contains(preferred) || !isActive(image, preferred)) {
      return List.of();
    }
    return List.of(p.withLeader(preferred, p.isr()));
  }

  /**
   * ElectLeaders, UNCLEAN, for a partition without a leader: the first ACTIVE ISR member (a clean
   * election), else the first ACTIVE replica with an ISR of itself. ELECTION_NOT_NEEDED when it has
   * a leader, ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is ACTIVE.
   */
  public CommandOutcome electUncleanLeader(MetadataImage image, UUID topicId, int partition) {
    PartitionRecord p = image.partition(topicId, partition).orElse(null);
    if (p == null) {
      return new CommandOutcome(List.of(), ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, null);
    }
    if (p.leader() >= 0) {
      return new CommandOutcome(List.of(), ReplicationError.ELECTION_NOT_NEEDED, p);
    }
    PartitionRecord elected = uncleanElection(image, p);
    return elected == null
        ? new CommandOutcome(List.of(), ReplicationError.ELIGIBLE_LEADERS_NOT_AVAILABLE, p)
        : ok(List.of(elected), elected);
  }

  /**
   * A leaderless partition with a leader chosen even outside the ISR, or null if none is ACTIVE.
   */
  private static PartitionRecord uncleanElection(MetadataImage image, PartitionRecord p) {
    for (int replica : p.replicas()) {
      if (p.isr().contains(replica) && isActive(image, replica)) {
        return p.withLeader(replica, p.isr());
      }
    }
    for (int replica : p.replicas()) {
      if (isActive(image, replica)) {
        return p.withLeader(replica, List.of(replica));
      }
    }
    return null;
  }

  /**
   * Automatic leader balancing, as Kafka's KRaft controller does it (no per-broker imbalance
   * ratio): every partition whose preferred replica is ACTIVE and in the ISR but does not lead gets
   * it as leader, at most {@link #MAX_ELECTIONS_PER_BALANCE} per command.
   */
  public List<MetadataRecord> balanceLeaders(MetadataImage image) {
    List<MetadataRecord> out = new ArrayList<>();
    for (PartitionRecord p : partitions(image)) {
      if (out.size() >= MAX_ELECTIONS_PER_BALANCE) {
        break;
      }
      out.addAll(electPreferredLeader(image, p.topicId(), p.partition()));
    }
    return out;
  }

  /** Whether {@link #balanceLeaders} would move any leader. */
  public static boolean leadersImbalanced(MetadataImage image) {
    for (TopicImage t : image.topicsById().values()) {
      for (PartitionRecord p : t.partitions().values()) {
        int preferred = p.replicas().get(0);
        if (p.leader() != preferred && p.isr().contains(preferred) && isActive(image, preferred)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Decides {@code command} against {@code image}: the records to commit and the answer. Pure and
   * deterministic, so every voter applying the same command at the same log position decides alike.
   */
  public CommandOutcome execute(MetadataImage image, ControllerCommand command) {
    if (command instanceof RegisterBroker r) {
      return ok(registerBroker(image, r.brokerId(), r.brokerEpoch(), r.host(), r.port()), null);
    }
    if (command instanceof FenceBroker f) {
      BrokerRecord b = image.broker(f.brokerId()).orElse(null);
      boolean current = b != null && b.brokerEpoch() == f.brokerEpoch();
      return ok(current ? fenceBroker(image, f.brokerId()) : List.of(), null);
    }
    if (command instanceof ControlledShutdown c) {
      BrokerRecord b = image.broker(c.brokerId()).orElse(null);
      boolean current = b != null && b.brokerEpoch() == c.brokerEpoch();
      return ok(current ? controlledShutdown(image, c.brokerId()) : List.of(), null);
    }
    if (command instanceof AlterPartition a) {
      AlterPartitionResult r =
          alterPartition(
              image,
              a.brokerId(),
              a.topicId(),
              a.partition(),
              a.leaderEpoch(),
              a.partitionEpoch(),
              a.newIsr());
      return new CommandOutcome(r.records(), r.error(), r.state());
    }
    if (command instanceof CreateTopic c) {
      Result r =
          createTopic(
              image,
              c.name(),
              c.topicId(),
              c.partitions(),
              c.replicationFactor(),
              c.configs(),
              c.assignments());
      return new CommandOutcome(r.records(), r.error(), null);
    }
    if (command instanceof DeleteTopic d) {
      return image.topic(d.topicId()).isPresent()
          ? ok(List.of(new RemoveTopicRecord(d.topicId())), null)
          : new CommandOutcome(List.of(), ReplicationError.UNKNOWN_TOPIC_ID, null);
    }
    if (command instanceof AlterTopicConfigs a) {
      Optional<TopicImage> topic = image.topic(a.topicName());
      if (topic.isEmpty()) {
        return new CommandOutcome(List.of(), ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, null);
      }
      List<MetadataRecord> out = new ArrayList<>();
      Map<String, String> current = topic.get().configs();
      for (String key : current.keySet()) {
        if (!a.configs().containsKey(key)) {
          out.add(new TopicConfigRecord(a.topicName(), key, null));
        }
      }
      a.configs()
          .forEach(
              (key, value) -> {
                if (!value.equals(current.get(key))) {
                  out.add(new TopicConfigRecord(a.topicName(), key, value));
                }
              });
      out.addAll(uncleanElectionsAfter(image, topic.get().topicId(), out));
      return ok(out, null);
    }
    if (command instanceof CreatePartitions c) {
      Result r = createPartitions(image, c.topicId(), c.newCount(), c.assignments());
      return new CommandOutcome(r.records(), r.error(), null);
    }
    if (command instanceof ControllerCommand.ElectUncleanLeader u) {
      return electUncleanLeader(image, u.topicId(), u.partition());
    }
    if (command instanceof ControllerCommand.BalanceLeaders) {
      return ok(balanceLeaders(image), null);
    }
    if (command instanceof ControllerCommand.AlterReassignment a) {
      return alterReassignment(image, a.topicId(), a.partition(), a.targetReplicas());
    }
    ElectPreferredLeader e = (ElectPreferredLeader) command;
    PartitionRecord p = image.partition(e.topicId(), e.partition()).orElse(null);
    if (p == null) {
      return new CommandOutcome(List.of(), ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, null);
    }
    if (p.leader() == p.replicas().get(0)) {
      return new CommandOutcome(List.of(), ReplicationError.ELECTION_NOT_NEEDED, p);
    }
    List<MetadataRecord> records = electPreferredLeader(image, e.topicId(), e.partition());
    return records.isEmpty()
        ? new CommandOutcome(List.of(), ReplicationError.PREFERRED_LEADER_NOT_AVAILABLE, p)
        : ok(records, (PartitionRecord) records.get(0));
  }

  /**
   * After a topic's configs change ({@code configRecords}): if unclean election is now allowed for
   * it, its leaderless partitions with an ACTIVE replica elect one (Kafka elects them too once the
   * config is enabled).
   */
  private List<MetadataRecord> uncleanElectionsAfter(
      MetadataImage image, UUID topicId, List<MetadataRecord> configRecords) {
    MetadataImage after = image;
    for (MetadataRecord r : configRecords) {
      after = after.apply(after.offset() + 1, r);
    }
    if (configRecords.isEmpty() || !uncleanAllowed(after, topicId)) {
      return List.of();
    }
    List<MetadataRecord> out = new ArrayList<>();
    for (PartitionRecord p : partitions(after)) {
      if (p.topicId().equals(topicId) && p.leader() < 0) {
        PartitionRecord elected = uncleanElection(after, p);
        if (elected != null) {
          out.add(elected);
        }
      }
    }
    return out;
  }

  private static CommandOutcome ok(List<MetadataRecord> records, PartitionRecord state) {
    return new CommandOutcome(records, ReplicationError.NONE, state);
  }

  /** Every partition: those led by {@code brokerId} get a new leader; it leaves every ISR. */
  private List<MetadataRecord> moveAwayFrom(MetadataImage image, int brokerId) {
    List<MetadataRecord> out = new ArrayList<>();
    for (PartitionRecord p : partitions(image)) {
      if (!p.replicas().contains(brokerId)) {
        continue;
      }
      List<Integer> isr = new ArrayList<>(p.isr());
      isr.remove(Integer.valueOf(brokerId));
      if (p.leader() == brokerId) {
        int leader = electLeader(image, p, brokerId);
        if (leader >= 0) {
          out.add(
              p.withLeader(leader, p.isr().contains(leader) ? isr : List.of(leader /* unclean */)));
        } else {
          // Offline: keep the last ISR member so a clean election can pick it when it returns.
          out.add(p.withLeader(-1, p.isr()));
        }
      } else if (p.isr().contains(brokerId) && !isr.isEmpty()) {
        out.add(p.withIsr(isr));
      }
    }
    return out;
  }

  private int electLeader(MetadataImage image, PartitionRecord p, int excluded) {
    for (int replica : p.replicas()) {
      if (replica != excluded && p.isr().contains(replica) && isActive(image, replica)) {
        return replica;
      }
    }
    if (uncleanAllowed(image, p.topicId())) {
      for (int replica : p.replicas()) {
        if (replica != excluded && isActive(image, replica)) {
          return replica;
        }
      }
    }
    return -1;
  }

  /** The ACTIVE brokers' ids, ascending (replica placement order). */
  private static List<Integer> activeBrokers(MetadataImage image) {
    List<Integer> active = new ArrayList<>();
    for (BrokerRecord b : image.brokers().values()) {
      if (b.state() == BrokerState.ACTIVE) {
        active.add(b.brokerId());
      }
    }
    active.sort(null);
    return active;
  }

  /** Replicas of partition {@code index}: round-robin over {@code active} from {@code index}. */
  private static List<Integer> placement(List<Integer> active, int index, int replicationFactor) {
    List<Integer> replicas = new ArrayList<>();
    for (int r = 0; r < replicationFactor; r++) {
      replicas.add(active.get((index + r) % active.size()));
    }
    return replicas;
  }

  private static boolean isActive(MetadataImage image, int brokerId) {
    return image.broker(brokerId).map(b -> b.state() == BrokerState.ACTIVE).orElse(false);
  }

  private static List<PartitionRecord> partitions(MetadataImage image) {
    List<PartitionRecord> out = new ArrayList<>();
    for (TopicImage t : image.topicsById().values()) {
      out.addAll(t.partitions().values());
    }
    out.sort(
        (a, b) ->
            a.topicId().equals(b.topicId())
                ? Integer.compare(a.partition(), b.partition())
                : a.topicId().compareTo(b.topicId()));
    return out;
  }
}
