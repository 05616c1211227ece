package io.logstore.replication;

import io.logstore.replication.FetchValidation.Accept;
import io.logstore.replication.FetchValidation.Diverging;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.storage.EpochEndOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The leader side of one partition for one leader epoch: tracks each follower's log end offset from
 * its fetches, decides ISR changes, advances the high watermark and answers acks=all waits. A new
 * instance is made for every leader epoch this broker leads.
 *
 * <p>Rules (Kafka's {@code Partition}):
 *
 * <ul>
 *   <li>A follower fetch carries the offset it wants next and the epoch of its last record. If the
 *       leader's log ends that epoch earlier, or does not know it, the answer is a diverging epoch
 *       (KIP-320) and the follower truncates.
 *   <li>A follower is caught up when it fetched at or past the leader's log end, or past the end
 *       the leader had at its previous fetch (then it was caught up at that previous fetch). An ISR
 *       member not caught up for {@code replica.lag.time.max.ms} is proposed for removal; a
 *       non-member whose fetch offset reached the high watermark and this epoch's start offset is
 *       proposed for addition. One ISR change is in flight at a time; the controller commits it,
 *       and the broker resends it until it is answered (the controller treats a repeat of a
 *       committed change as success).
 *   <li>The high watermark is the minimum over the maximal ISR (the committed ISR plus a pending
 *       expansion's new member) of each member's log end offset, where the leader counts only its
 *       fsynced prefix and followers fetch only after fsyncing what they appended. So a record
 *       below the high watermark is on the disks of every ISR member.
 *   <li>The low watermark (DeleteRecords' answer) is the smallest log start offset of the leader
 *       and of the ISR followers that reported one in their fetches.
 * </ul>
 *
 * <p>Threading: not thread-safe; the broker confines each partition's leader state to one thread.
 */
public final class PartitionLeader {

  /** What the leader knows of one follower. */
  private static final class Follower {
    long logEndOffset = -1;
    long lastCaughtUpTimeMs;
    long lastFetchTimeMs = -1;
    long lastFetchLeaderLogEndOffset = -1;
    long logStartOffset = -1;
  }

  private final int localBrokerId;
  private final ReplicaLog log;
  private final long replicaLagTimeMaxMs;
  private final int leaderEpoch;
  private final long epochStartOffset;
  private PartitionRecord state;
  private List<Integer> pendingIsr;

  /** Identifies the pending proposal; answers to older proposals are ignored. */
  private long pendingProposalId;

  private final Map<Integer, Follower> followers = new HashMap<>();

  /**
   * Becomes leader as {@code state} says (its leader must be {@code localBrokerId}); records the
   * start of the new epoch at the current log end.
   */
  public PartitionLeader(
      int localBrokerId,
      ReplicaLog log,
      PartitionRecord state,
      long replicaLagTimeMaxMs,
      long nowMs) {
    if (state.leader() != localBrokerId) {
      throw new IllegalArgumentException(
          "broker " + localBrokerId + " is not the leader in " + state);
    }
    this.localBrokerId = localBrokerId;
    this.log = log;
    this.state = state;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    this.leaderEpoch = state.leaderEpoch();
    this.epochStartOffset = log.logEndOffset();
    if (log.latestEpoch().orElse(-1) < leaderEpoch) {
      log.assignEpochStartOffset(leaderEpoch, epochStartOffset);
    }
    for (int replica : state.replicas()) {
      if (replica != localBrokerId) {
        Follower f = new Follower();
        // An ISR member gets a full lag window to fetch from the new leader.
        f.lastCaughtUpTimeMs = state.isr().contains(replica) ? nowMs : 0;
        followers.put(replica, f);
      }
    }
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public PartitionRecord state() {
    return state;
  }

  /** The committed ISR. */
  public List<Integer> isr() {
    return state.isr();
  }

  /** The ISR change sent to the controller and not yet committed or refused, or null. */
  public List<Integer> pendingIsr() {
    return pendingIsr;
  }

  /**
   * The id of the pending proposal (a new one for every proposal of this leader). The broker sends
   * it with the AlterPartition command and resends the same id, which the metadata log deduplicates
   * (Ratis's retry cache), so a refused proposal can never be committed later.
   */
  public long pendingProposalId() {
    return pendingProposalId;
  }

  public long highWatermark() {
    return log.highWatermark();
  }

  /**
   * A newer state of the same leader epoch arrived in the metadata (an ISR change committed, by
   * this leader's request or by the controller fencing a broker, or a reassignment adding or
   * removing replicas: an added replica is a follower out of the ISR until it catches up).
   */
  public void onPartitionState(PartitionRecord newState) {
    if (newState.leaderEpoch() != leaderEpoch || newState.leader() != localBrokerId) {
      throw new IllegalStateException(
          "state " + newState + " is not for leader " + localBrokerId + " epoch " + leaderEpoch);
    }
    if (newState.partitionEpoch() <= state.partitionEpoch()) {
      // A repeat of a state already known: a pending change is still pending.
      return;
    }
    state = newState;
    pendingIsr = null;
    followers.keySet().retainAll(newState.replicas());
    for (int replica : newState.replicas()) {
      if (replica != localBrokerId) {
        followers.computeIfAbsent(replica, r -> new Follower());
      }
    }
  }

  /** Checks and counts a fetch from follower {@code replicaId}. */
  public FetchValidation onFollowerFetch(
      int replicaId, int currentLeaderEpoch, long fetchOffset, int lastFetchedEpoch, long nowMs) {
    Follower f = followers.get(replicaId);
    if (f == null) {
      return new FetchValidation.Error(ReplicationError.NOT_LEADER_OR_FOLLOWER);
    }
    if (currentLeaderEpoch > leaderEpoch) {
      // The follower knows a newer epoch than this leader: the leader's metadata is behind.
      return new FetchValidation.Error(ReplicationError.UNKNOWN_LEADER_EPOCH);
    }
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < leaderEpoch) {
      // The follower's epoch is older: it is fenced until it learns the new one.
      return new FetchValidation.Error(ReplicationError.FENCED_LEADER_EPOCH);
    }
    if (lastFetchedEpoch >= 0) {
      EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
      if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
        return new Diverging(end);
      }
    }
    long leaderEnd = log.logEndOffset();
    if (fetchOffset > leaderEnd || fetchOffset < log.logStartOffset()) {
      return new FetchValidation.Error(ReplicationError.OFFSET_OUT_OF_RANGE);
    }
    if (fetchOffset >= leaderEnd) {
      f.lastCaughtUpTimeMs = nowMs;
    } else if (fetchOffset >= f.lastFetchLeaderLogEndOffset && f.lastFetchTimeMs >= 0) {
      f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    }
    f.logEndOffset = fetchOffset;
    f.lastFetchLeaderLogEndOffset = leaderEnd;
    f.lastFetchTimeMs = nowMs;
    maybeAdvanceHighWatermark();
    List<Integer> expand = null;
    if (pendingIsr == null
        && !state.isr().contains(replicaId)
        && fetchOffset >= log.highWatermark()
        && fetchOffset >= epochStartOffset) {
      expand = new ArrayList<>(state.isr());
      expand.add(replicaId);
      pendingIsr = List.copyOf(expand);
      pendingProposalId++;
    }
    return new Accept(log.highWatermark(), expand == null ? null : pendingIsr);
  }

  /**
   * The ISR members (other than this leader) that have not caught up for longer than {@code
   * replica.lag.time.max.ms}, as a proposed new ISR; null when none lag or a change is in flight.
   */
  public List<Integer> maybeShrinkIsr(long nowMs) {
    if (pendingIsr != null) {
      return null;
    }
    List<Integer> keep = new ArrayList<>();
    boolean shrink = false;
    for (int replica : state.isr()) {
      Follower f = followers.get(replica);
      if (replica != localBrokerId
          && f != null
          && nowMs - f.lastCaughtUpTimeMs > replicaLagTimeMaxMs) {
        shrink = true;
      } else {
        keep.add(replica);
      }
    }
    if (!shrink) {
      return null;
    }
    pendingIsr = List.copyOf(keep);
    pendingProposalId++;
    return pendingIsr;
  }

  /**
   * The controller refused proposal {@code proposalId}. An answer to any other proposal than the
   * pending one is stale and ignored. A refusal of the pending one is final, because a proposal is
   * sent under one id and the metadata log decides an id once (retried calls are deduplicated): the
   * refused change is never committed later, and members are only ever added by this leader's own
   * proposals, so the committed ISR cannot hold the refused additions. A new proposal may follow.
   */
  public void onIsrChangeFailed(long proposalId) {
    if (pendingIsr != null && proposalId == pendingProposalId) {
      pendingIsr = null;
    }
  }

  /**
   * Recomputes the high watermark after the leader's own log became durable further or a follower
   * fetched; returns whether it moved. It never moves back.
   */
  public boolean maybeAdvanceHighWatermark() {
    long hw = log.durableEndOffset();
    for (int replica : maximalIsr()) {
      if (replica == localBrokerId) {
        continue;
      }
      Follower f = followers.get(replica);
      hw = Math.min(hw, f == null ? -1 : f.logEndOffset);
    }
    if (hw > log.highWatermark()) {
      log.updateHighWatermark(hw);
      return true;
    }
    return false;
  }

  /** acks=all before the append: refused when the committed ISR is below the minimum. */
  public ReplicationError checkBeforeAcksAllAppend(int minInSyncReplicas) {
    return state.isr().size() < minInSyncReplicas
        ? ReplicationError.NOT_ENOUGH_REPLICAS
        : ReplicationError.NONE;
  }

  /**
   * acks=all after the append of records ending before {@code requiredOffset}: null while the high
   * watermark has not reached it, else the answer.
   */
  public ReplicationError acksAllOutcome(long requiredOffset, int minInSyncReplicas) {
    if (log.highWatermark() < requiredOffset) {
      return null;
    }
    return state.isr().size() < minInSyncReplicas
        ? ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND
        : ReplicationError.NONE;
  }

  /** The committed ISR plus the members of a pending expansion. */
  private Set<Integer> maximalIsr() {
    Set<Integer> all = new LinkedHashSet<>(state.isr());
    if (pendingIsr != null) {
      all.addAll(pendingIsr);
    }
    return all;
  }

  /** A follower's log start offset as its fetch reported it (-1: not sent). */
  public void onFollowerLogStart(int replicaId, long logStartOffset) {
    Follower f = followers.get(replicaId);
    if (f != null && logStartOffset >= 0) {
      f.logStartOffset = logStartOffset;
    }
  }

  /**
   * The low watermark: the smallest log start offset of this leader and of the ISR followers that
   * reported one (a follower that has not fetched from this leader yet is not waited for, as in
   * Kafka; Kafka counts every live replica, LogStore the ISR).
   */
  public long lowWatermark() {
    long low = log.logStartOffset();
    for (int replica : state.isr()) {
      Follower f = followers.get(replica);
      if (f != null && f.logStartOffset >= 0) {
        low = Math.min(low, f.logStartOffset);
      }
    }
    return low;
  }

  /** Follower log end offsets as the leader knows them (for DescribeQuorum-like views, tests). */
  public Map<Integer, Long> followerLogEndOffsets() {
    Map<Integer, Long> out = new HashMap<>();
    for (Integer id : new TreeSet<>(followers.keySet())) {
      out.put(id, followers.get(id).logEndOffset);
    }
    return out;
  }
}
