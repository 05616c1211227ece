package io.logstore.replication;

import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;

/**
 * One partition's replication role on this broker, as an explicit state machine driven by the
 * partition's state in the metadata:
 *
 * <pre>
 *   NotReplica --(assigned, leader elsewhere)--> Following(leader, epoch)
 *   any        --(leader is this broker, new epoch)--> Leading(epoch)
 *   any        --(assigned, no leader)--> Offline
 *   any        --(unassigned)--> NotReplica
 *   Following  --(new leader or epoch)--> Following(new leader, new epoch)
 * </pre>
 *
 * A state for a leader epoch older than one already seen is ignored (metadata can arrive late or
 * twice); a newer state of the same epoch only updates a leader's ISR view. The owner acts on the
 * returned {@link Transition}: fail the acks=all waiters of a lost leadership, start or redirect
 * the fetcher of a new followership.
 *
 * <p>Threading: not thread-safe; confined to the thread that owns the partition's replication.
 */
public final class PartitionReplica {

  /** The role; every change creates a new value. */
  public sealed interface Role {}

  /** This broker holds no replica of the partition. */
  public record NotReplica() implements Role {}

  /** A replica of a partition that has no leader (its ISR is unavailable). */
  public record Offline(int leaderEpoch) implements Role {}

  public record Leading(PartitionLeader leader) implements Role {}

  public record Following(PartitionFollower follower) implements Role {}

  /** A role change (or none, when {@code from == to}). */
  public record Transition(Role from, Role to) {
    public boolean changed() {
      return from != to;
    }

    /** Whether this broker led before and does not lead the same epoch now. */
    public boolean lostLeadership() {
      return changed() && from instanceof Leading;
    }
  }

  private final int localBrokerId;
  private final ReplicaLog log;
  private final long replicaLagTimeMaxMs;
  private Role role = new NotReplica();
  private int knownLeaderEpoch = -1;

  public PartitionReplica(int localBrokerId, ReplicaLog log, long replicaLagTimeMaxMs) {
    this.localBrokerId = localBrokerId;
    this.log = log;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
  }

  public Role role() {
    return role;
  }

  public ReplicaLog log() {
    return log;
  }

  /** The leader state when this broker leads, else null. */
  public PartitionLeader leader() {
    return role instanceof Leading l ? l.leader() : null;
  }

  /** The follower state when this broker follows, else null. */
  public PartitionFollower follower() {
    return role instanceof Following f ? f.follower() : null;
  }

  /** Applies the partition's state from a newer metadata image. */
  public Transition onPartitionState(PartitionRecord p, long nowMs) {
    Role from = role;
    if (p.leaderEpoch() < knownLeaderEpoch) {
      return new Transition(from, from);
    }
    boolean sameEpoch = p.leaderEpoch() == knownLeaderEpoch;
    knownLeaderEpoch = p.leaderEpoch();
    if (!p.replicas().contains(localBrokerId)) {
      role = from instanceof NotReplica ? from : new NotReplica();
    } else if (p.leader() == localBrokerId) {
      if (sameEpoch && from instanceof Leading l) {
        l.leader().onPartitionState(p);
      } else {
        role = new Leading(new PartitionLeader(localBrokerId, log, p, replicaLagTimeMaxMs, nowMs));
      }
    } else if (p.leader() < 0) {
      role = sameEpoch && from instanceof Offline ? from : new Offline(p.leaderEpoch());
    } else if (!(sameEpoch && from instanceof Following)) {
      role = new Following(new PartitionFollower(log, p.leader(), p.leaderEpoch()));
    }
    return new Transition(from, role);
  }

  /**
   * The process stops (or its in-memory state is lost): no role until metadata says again. The
   * known epoch is forgotten too, as a restarted broker starts from the metadata it is sent.
   */
  public Transition onStopped() {
    Role from = role;
    role = new NotReplica();
    knownLeaderEpoch = -1;
    return new Transition(from, role);
  }
}
