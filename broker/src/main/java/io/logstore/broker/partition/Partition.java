package io.logstore.broker.partition;

import io.logstore.replication.FetchValidation;
import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.replication.PartitionLeader;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.ReplicatedPartition;
import io.logstore.replication.ReplicatedPartition.Answers;
import io.logstore.replication.StorageReplicaLog;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.fetch.FollowedPartition;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.storage.EpochEndOffset;
import io.logstore.storage.InvalidBatchException;
import io.logstore.storage.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * One partition of a topic on this broker: its log, its leader epoch and its high watermark.
 *
 * <p>The partition follows its state in the metadata image through a {@link PartitionReplica}, on a
 * single broker (a cluster of one: ISR {this broker}) as in a cluster. As leader, the high
 * watermark is the minimum durable log end over the ISR ({@link PartitionLeader}): with
 * fsync-before-ack records become visible to consumers only once they are on disk on every ISR
 * member, so a consumer never sees a record that a crash could take back; acks=all produce requests
 * wait in the purgatory of {@link ReplicatedPartition}. As follower, the log is written by the
 * replica fetcher only.
 *
 * <p>Threading: appends come from any event loop (the log serialises them); the high watermark
 * advances from the flusher thread; watchers (parked fetches) are notified on that thread and hop
 * to their own event loop. The replication state (role, leader state, purgatory) is guarded by this
 * object's monitor: metadata changes (replica manager thread), follower fetches (event loops),
 * flush completions (flusher threads) and the ISR timer take it briefly, and nothing blocking runs
 * under it; futures are completed after it is released.
 */
public final class Partition implements FollowedPartition<ByteBuffer> {
  private static final int MAX_ACKS_ALL_WAITERS = 10_000;

  private final String topic;
  private final Uuid topicId;
  private final int index;
  private final PartitionLog log;
  private final Set<Runnable> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean deleted;
  private volatile ProducePolicy producePolicy = ProducePolicy.DEFAULT;

  private volatile int leaderEpoch;

  /** The leader's broker id as this broker last learnt it (-1: none). */
  private volatile int leaderId;

  private volatile boolean leading;

  /** Guarded by this. */
  private final PartitionReplica replica;

  /** Role, acks=all and DeleteRecords waits (replication's glue). */
  private final ReplicatedPartition<
          CompletableFuture<ReplicationError>, CompletableFuture<LowWatermark>>
      replication;

  /** DeleteRecords' answer for one partition: NONE with the low watermark, or the error. */
  public record LowWatermark(ReplicationError error, long offset) {}

  /**
   * Broker {@code localBrokerId}'s replica of the partition, without a role until the metadata
   * gives one ({@link #applyState}).
   */
  Partition(
      String topic,
      Uuid topicId,
      int index,
      PartitionLog log,
      int localBrokerId,
      long replicaLagTimeMaxMs) {
    this.topic = topic;
    this.topicId = topicId;
    this.index = index;
    this.log = log;
    this.leaderEpoch = -1;
    this.replica =
        new PartitionReplica(localBrokerId, new StorageReplicaLog(log), replicaLagTimeMaxMs);
    this.replication = new ReplicatedPartition<>(replica, MAX_ACKS_ALL_WAITERS);
    this.leading = false;
    this.leaderId = -1;
    if (log.highWatermark() > log.logEndOffset()) {
      log.updateHighWatermark(log.logEndOffset());
    }
  }

  @Override
  public String topic() {
    return topic;
  }

  public Uuid topicId() {
    return topicId;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public long logStartOffset() {
    return log.logStartOffset();
  }

  @Override
  public long logEndOffset() {
    return log.logEndOffset();
  }

  public PartitionLog log() {
    return log;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /** Whether this broker currently leads the partition. */
  public boolean isLeader() {
    return leading;
  }

  /** The leader as this broker knows it; -1 when there is none. */
  public int leaderId() {
    return leaderId;
  }

  /** Bytes of the log on disk (DescribeLogDirs). */
  public long sizeInBytes() {
    return log.sizeInBytes();
  }

  /** Records appended but not yet below the high watermark (DescribeLogDirs' offset lag). */
  public long offsetLag() {
    return Math.max(0, log.logEndOffset() - highWatermark());
  }

  public long highWatermark() {
    return log.highWatermark();
  }

  /** Completes once everything below {@code endOffset} is durable and visible to consumers. */
  @Override
  public CompletableFuture<Void> awaitDurable(long endOffset) {
    return log.awaitFlushed(endOffset).thenRun(this::advanceHighWatermark);
  }

  /**
   * After the log became durable further: moves the leader's high watermark over the ISR and wakes
   * parked fetches. The watchers run on every call, as followers' parked fetches wait for new
   * records, not for the high watermark.
   */
  public void advanceHighWatermark() {
    onReplicationProgress(null);
  }

  private Answers<CompletableFuture<ReplicationError>, CompletableFuture<LowWatermark>> answers() {
    return new Answers<>();
  }

  /**
   * Recomputes the leader's high watermark (after {@code step}, run under the monitor) and answers
   * the waits it settles; wakes the watchers.
   */
  private <T> T onReplicationProgress(
      java.util.function.Function<
              Answers<CompletableFuture<ReplicationError>, CompletableFuture<LowWatermark>>, T>
          step) {
    var answers = answers();
    T result = null;
    synchronized (this) {
      if (step != null) {
        result = step.apply(answers);
      }
      replication.progress(minInSyncReplicas(), System.currentTimeMillis(), answers);
    }
    deliver(answers);
    watchers.forEach(Runnable::run);
    return result;
  }

  private static void deliver(
      Answers<CompletableFuture<ReplicationError>, CompletableFuture<LowWatermark>> answers) {
    for (var c : answers.acks()) {
      c.request().complete(c.error());
    }
    for (var l : answers.lowWatermarks()) {
      l.waiter().complete(new LowWatermark(l.error(), l.lowWatermark()));
    }
  }

  /**
   * DeleteRecords after the leader moved its log start to {@code target}: completes with the low
   * watermark once every ISR follower reported a log start at or past it (at once with no other ISR
   * member), with REQUEST_TIMED_OUT after {@code timeoutMs}, or NOT_LEADER_OR_FOLLOWER when
   * leadership is lost first.
   */
  public CompletableFuture<LowWatermark> awaitLowWatermark(long target, long timeoutMs) {
    CompletableFuture<LowWatermark> f = new CompletableFuture<>();
    long timeout = Math.max(1, timeoutMs);
    var answers = answers();
    synchronized (this) {
      replication.awaitLowWatermark(target, System.currentTimeMillis() + timeout, f, answers);
    }
    deliver(answers);
    // The ISR timer also expires it; this answers on time when no fetch or timer runs first.
    f.completeOnTimeout(
        new LowWatermark(ReplicationError.REQUEST_TIMED_OUT, -1), timeout, TimeUnit.MILLISECONDS);
    return f;
  }

  private int minInSyncReplicas() {
    return producePolicy.minInSyncReplicas();
  }

  /**
   * Applies the partition's state from a newer metadata image; returns the role change. A lost
   * leadership fails the acks=all waiters with NOT_LEADER_OR_FOLLOWER.
   */
  public PartitionReplica.Transition applyState(PartitionRecord state, long nowMs) {
    PartitionReplica.Transition t;
    var answers = answers();
    synchronized (this) {
      t = replication.applyState(state, minInSyncReplicas(), nowMs, answers);
      PartitionReplica.Role role = replica.role();
      if (role instanceof PartitionReplica.Leading l) {
        leaderEpoch = l.leader().leaderEpoch();
        leading = true;
      } else {
        leading = false;
        leaderEpoch = state.leaderEpoch();
      }
      leaderId = state.leader();
    }
    deliver(answers);
    watchers.forEach(Runnable::run);
    return t;
  }

  /** The partition left this broker or the broker stops: no role, waiters fail. */
  public void stopReplica() {
    var answers = answers();
    synchronized (this) {
      replication.stop(answers);
      leading = false;
    }
    deliver(answers);
    watchers.forEach(Runnable::run);
  }

  /** The follower state when this broker follows, else null (for the replica fetcher). */
  @Override
  public synchronized PartitionFollower follower() {
    return replica.follower();
  }

  /**
   * Appends a fetched leader's batches as they are, if {@code follower} is still this partition's
   * follower state (the role may have changed since the fetch was sent); false when skipped.
   */
  @Override
  public synchronized boolean appendAsFollower(PartitionFollower follower, ByteBuffer batches)
      throws IOException {
    if (replica.follower() != follower || deleted) {
      return false;
    }
    try {
      log.appendAsFollower(batches);
    } catch (InvalidBatchException e) {
      throw new IOException("leader sent an invalid batch for " + topic + "-" + index, e);
    }
    return true;
  }

  /** A diverging epoch from the leader: truncates if the follower state is still current. */
  @Override
  public synchronized FollowerTruncation truncateAsFollower(
      PartitionFollower follower, EpochEndOffset diverging) {
    if (replica.follower() != follower || deleted) {
      return null;
    }
    return follower.onDivergingEpoch(diverging);
  }

  /** The leader's high watermark from a fetch answer (capped at the durable end here). */
  @Override
  public synchronized void followerHighWatermark(PartitionFollower follower, long leaderHw) {
    if (replica.follower() == follower && leaderHw >= 0) {
      follower.onLeaderHighWatermark(leaderHw);
    }
  }

  /**
   * The leader's log start from a fetch answer (after DeleteRecords or retention there): a follower
   * moves its own log start up to it, as far as its log reaches.
   */
  @Override
  public synchronized void followerLogStart(PartitionFollower follower, long leaderLogStart)
      throws IOException {
    if (replica.follower() == follower && !deleted && leaderLogStart > log.logStartOffset()) {
      log.deleteRecordsBefore(Math.min(leaderLogStart, log.logEndOffset()));
    }
  }

  /** The leader no longer has the records this follower lacks: start empty at its log start. */
  @Override
  public synchronized void restartFollowerAt(PartitionFollower follower, long offset)
      throws IOException {
    if (replica.follower() == follower && !deleted) {
      log.truncateFullyAndStartAt(offset);
    }
  }

  /** The current role. */
  public synchronized PartitionReplica.Role role() {
    return replica.role();
  }

  /**
   * A leader fetch from follower {@code replicaId} (validated and counted); see PartitionLeader.
   */
  public FetchValidation onFollowerFetch(
      int replicaId,
      int currentLeaderEpoch,
      long fetchOffset,
      int lastFetchedEpoch,
      long logStartOffset,
      long nowMs) {
    return onReplicationProgress(
        answers ->
            replication.onFollowerFetch(
                replicaId,
                currentLeaderEpoch,
                fetchOffset,
                lastFetchedEpoch,
                logStartOffset,
                minInSyncReplicas(),
                nowMs,
                answers));
  }

  /** acks=all before the append: NOT_ENOUGH_REPLICAS when the ISR is below the minimum. */
  public synchronized ReplicationError checkBeforeAcksAll() {
    return replication.checkBeforeAcksAll(minInSyncReplicas());
  }

  /**
   * acks=all after the append of records ending before {@code requiredOffset}: completes with the
   * answer once the high watermark covers them (or the ISR fell below the minimum, the deadline
   * passed, leadership was lost).
   */
  public CompletableFuture<ReplicationError> awaitReplicated(long requiredOffset, long deadlineMs) {
    CompletableFuture<ReplicationError> f = new CompletableFuture<>();
    var answers = answers();
    ReplicationError immediate;
    synchronized (this) {
      immediate =
          replication.awaitReplicated(
              requiredOffset,
              deadlineMs,
              f,
              minInSyncReplicas(),
              System.currentTimeMillis(),
              answers);
    }
    deliver(answers);
    if (immediate != ReplicationError.NONE) {
      f.complete(immediate);
    }
    return f;
  }

  /**
   * The ISR timer: expires waits past their deadline and returns the leader's proposal to shrink
   * the ISR (with its id), or null.
   */
  public IsrProposal maybeShrinkIsr(long nowMs) {
    var answers = answers();
    IsrProposal proposal = null;
    synchronized (this) {
      List<Integer> shrink = replication.onIsrTimer(minInSyncReplicas(), nowMs, answers);
      if (shrink != null) {
        proposal = proposal(replica.leader(), shrink);
      }
    }
    deliver(answers);
    return proposal;
  }

  /** The leader's pending ISR change (to resend), or null. */
  public synchronized IsrProposal pendingIsrProposal() {
    PartitionLeader leader = replica.leader();
    return leader == null || leader.pendingIsr() == null
        ? null
        : proposal(leader, leader.pendingIsr());
  }

  /** The controller refused proposal {@code proposalId} of leader epoch {@code epoch}. */
  public synchronized void onIsrChangeFailed(int epoch, long proposalId) {
    PartitionLeader leader = replica.leader();
    if (leader != null && leader.leaderEpoch() == epoch) {
      leader.onIsrChangeFailed(proposalId);
    }
  }

  private IsrProposal proposal(PartitionLeader leader, List<Integer> isr) {
    PartitionRecord s = leader.state();
    return new IsrProposal(
        this, s.leaderEpoch(), s.partitionEpoch(), List.copyOf(isr), leader.pendingProposalId());
  }

  /** An ISR change to send to the controller. */
  public record IsrProposal(
      Partition partition,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr,
      long proposalId) {}

  /** The committed ISR, replicas and leader as this broker knows them (leaders only), or null. */
  public synchronized PartitionRecord leaderState() {
    PartitionLeader leader = replica.leader();
    return leader == null ? null : leader.state();
  }

  public ProducePolicy producePolicy() {
    return producePolicy;
  }

  void setProducePolicy(ProducePolicy policy) {
    this.producePolicy = policy;
  }

  /** Marks the partition's topic deleted; parked fetches are woken to notice. */
  void markDeleted() {
    deleted = true;
    stopReplica();
    watchers.forEach(Runnable::run);
  }

  public boolean isDeleted() {
    return deleted;
  }

  /** Calls {@code watcher} whenever the high watermark advances, until {@link #unwatch}. */
  public void watch(Runnable watcher) {
    watchers.add(watcher);
  }

  public void unwatch(Runnable watcher) {
    watchers.remove(watcher);
  }
}
