package io.logstore.replication;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The leader-side glue of one replicated partition, shared by the broker and the simulation: its
 * {@link PartitionReplica} role, the acks=all waits ({@link AcksAllPurgatory}) and the
 * DeleteRecords waits for the followers' log starts (the low watermark), and when each of them is
 * answered as the high watermark moves, the ISR changes, a deadline passes or leadership is lost.
 *
 * <p>Every call that can answer waiters collects the answers in an {@link Answers} the caller gives
 * and delivers after it released its lock (the broker completes futures, the simulation sends
 * messages).
 *
 * <p>Threading: not thread-safe; the broker guards it with the partition's monitor, the simulation
 * runs on one thread.
 *
 * @param <W> what identifies an acks=all waiter to the owner
 * @param <L> what identifies a DeleteRecords waiter to the owner
 */
public final class ReplicatedPartition<W, L> {

  /** A DeleteRecords wait's answer: NONE with the low watermark, or the error with -1. */
  public record LowWatermarkAnswer<L>(L waiter, ReplicationError error, long lowWatermark) {}

  /** The answers one call produced, to deliver outside the owner's lock. */
  public static final class Answers<W, L> {
    private final List<AcksAllPurgatory.Completion<W>> acks = new ArrayList<>();
    private final List<LowWatermarkAnswer<L>> lowWatermarks = new ArrayList<>();

    public List<AcksAllPurgatory.Completion<W>> acks() {
      return acks;
    }

    public List<LowWatermarkAnswer<L>> lowWatermarks() {
      return lowWatermarks;
    }
  }

  private record LowWatermarkWait<L>(long target, long deadlineMs, L waiter) {}

  private final PartitionReplica replica;
  private final AcksAllPurgatory<W> purgatory;
  private final int maxLowWatermarkWaits;
  private final List<LowWatermarkWait<L>> lowWatermarkWaits = new ArrayList<>();

  public ReplicatedPartition(PartitionReplica replica, int maxWaiters) {
    this.replica = replica;
    this.purgatory = new AcksAllPurgatory<>(maxWaiters);
    this.maxLowWatermarkWaits = maxWaiters;
  }

  public PartitionReplica replica() {
    return replica;
  }

  /** The leader state when this broker leads, else null. */
  public PartitionLeader leader() {
    return replica.leader();
  }

  /** Acks=all waiters parked now (tests and diagnostics). */
  public int waitingAcks() {
    return purgatory.size();
  }

  /**
   * Applies the partition's state from a newer metadata image. A lost leadership fails every wait
   * with NOT_LEADER_OR_FOLLOWER; a leader then recomputes its high watermark.
   */
  public PartitionReplica.Transition applyState(
      PartitionRecord state, int minInSyncReplicas, long nowMs, Answers<W, L> answers) {
    PartitionReplica.Transition t = replica.onPartitionState(state, nowMs);
    if (t.lostLeadership()) {
      failAll(ReplicationError.NOT_LEADER_OR_FOLLOWER, answers);
    }
    progress(minInSyncReplicas, nowMs, answers);
    return t;
  }

  /** The replica stops here (partition moved away, deleted, the process stops): waits fail. */
  public void stop(Answers<W, L> answers) {
    replica.onStopped();
    failAll(ReplicationError.NOT_LEADER_OR_FOLLOWER, answers);
  }

  /**
   * After the log became durable further, a follower fetched or the ISR changed: moves the leader's
   * high watermark and answers the waits it (or their deadlines) settle. Nothing when not leading.
   */
  public void progress(int minInSyncReplicas, long nowMs, Answers<W, L> answers) {
    PartitionLeader leader = replica.leader();
    if (leader == null) {
      return;
    }
    leader.maybeAdvanceHighWatermark();
    if (purgatory.size() > 0) {
      answers.acks().addAll(purgatory.poll(leader, minInSyncReplicas, nowMs));
    }
    if (!lowWatermarkWaits.isEmpty()) {
      settleLowWatermarks(leader.lowWatermark(), nowMs, answers);
    }
  }

  /** A leader fetch from follower {@code replicaId}: validated, counted, then {@link #progress}. */
  public FetchValidation onFollowerFetch(
      int replicaId,
      int currentLeaderEpoch,
      long fetchOffset,
      int lastFetchedEpoch,
      long logStartOffset,
      int minInSyncReplicas,
      long nowMs,
      Answers<W, L> answers) {
    PartitionLeader leader = replica.leader();
    if (leader == null) {
      return new FetchValidation.Error(ReplicationError.NOT_LEADER_OR_FOLLOWER);
    }
    FetchValidation v =
        leader.onFollowerFetch(replicaId, currentLeaderEpoch, fetchOffset, lastFetchedEpoch, nowMs);
    if (v instanceof FetchValidation.Accept) {
      leader.onFollowerLogStart(replicaId, logStartOffset);
    }
    progress(minInSyncReplicas, nowMs, answers);
    return v;
  }

  /** acks=all before the append: NOT_ENOUGH_REPLICAS when the ISR is below the minimum. */
  public ReplicationError checkBeforeAcksAll(int minInSyncReplicas) {
    PartitionLeader leader = replica.leader();
    return leader == null
        ? ReplicationError.NOT_LEADER_OR_FOLLOWER
        : leader.checkBeforeAcksAllAppend(minInSyncReplicas);
  }

  /**
   * acks=all after the append of records ending before {@code requiredOffset}: parks {@code waiter}
   * until the high watermark covers them (answered through {@code answers}, maybe at once). Returns
   * NONE when parked, else the immediate answer (NOT_LEADER_OR_FOLLOWER, or REQUEST_TIMED_OUT when
   * the purgatory is full).
   */
  public ReplicationError awaitReplicated(
      long requiredOffset,
      long deadlineMs,
      W waiter,
      int minInSyncReplicas,
      long nowMs,
      Answers<W, L> answers) {
    if (replica.leader() == null) {
      return ReplicationError.NOT_LEADER_OR_FOLLOWER;
    }
    if (!purgatory.park(requiredOffset, deadlineMs, waiter)) {
      return ReplicationError.REQUEST_TIMED_OUT;
    }
    progress(minInSyncReplicas, nowMs, answers);
    return ReplicationError.NONE;
  }

  /**
   * DeleteRecords after the leader moved its log start to {@code target}: answered (through {@code
   * answers}, maybe at once) with the low watermark once every ISR follower reported a log start at
   * or past it, REQUEST_TIMED_OUT after {@code deadlineMs}, or NOT_LEADER_OR_FOLLOWER when
   * leadership is lost first.
   */
  public void awaitLowWatermark(long target, long deadlineMs, L waiter, Answers<W, L> answers) {
    PartitionLeader leader = replica.leader();
    if (leader == null) {
      answers
          .lowWatermarks()
          .add(new LowWatermarkAnswer<>(waiter, ReplicationError.NOT_LEADER_OR_FOLLOWER, -1));
      return;
    }
    long low = leader.lowWatermark();
    if (low >= target) {
      answers.lowWatermarks().add(new LowWatermarkAnswer<>(waiter, ReplicationError.NONE, low));
    } else if (lowWatermarkWaits.size() >= maxLowWatermarkWaits) {
      answers
          .lowWatermarks()
          .add(new LowWatermarkAnswer<>(waiter, ReplicationError.REQUEST_TIMED_OUT, -1));
    } else {
      lowWatermarkWaits.add(new LowWatermarkWait<>(target, deadlineMs, waiter));
    }
  }

  /**
   * The ISR timer: answers the waits past their deadline and returns the leader's proposal to
   * shrink the ISR, or null.
   */
  public List<Integer> onIsrTimer(int minInSyncReplicas, long nowMs, Answers<W, L> answers) {
    PartitionLeader leader = replica.leader();
    if (leader == null) {
      return null;
    }
    progress(minInSyncReplicas, nowMs, answers);
    return leader.maybeShrinkIsr(nowMs);
  }

  private void settleLowWatermarks(long low, long nowMs, Answers<W, L> answers) {
    Iterator<LowWatermarkWait<L>> it = lowWatermarkWaits.iterator();
    while (it.hasNext()) {
      LowWatermarkWait<L> w = it.next();
      if (low >= w.target()) {
        answers
            .lowWatermarks()
            .add(new LowWatermarkAnswer<>(w.waiter(), ReplicationError.NONE, low));
        it.remove();
      } else if (nowMs >= w.deadlineMs()) {
        answers
            .lowWatermarks()
            .add(new LowWatermarkAnswer<>(w.waiter(), ReplicationError.REQUEST_TIMED_OUT, -1));
        it.remove();
      }
    }
  }

  private void failAll(ReplicationError error, Answers<W, L> answers) {
    answers.acks().addAll(purgatory.failAll(error));
    for (LowWatermarkWait<L> w : lowWatermarkWaits) {
      answers.lowWatermarks().add(new LowWatermarkAnswer<>(w.waiter(), error, -1));
    }
    lowWatermarkWaits.clear();
  }
}
