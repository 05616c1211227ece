package io.logstore.replication;

import io.logstore.replication.errors.ReplicationError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * The acks=all produce requests of one led partition waiting for the high watermark (Kafka's
 * delayed-produce purgatory, per partition). A waiter completes when the high watermark reaches its
 * records (with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below the minimum), when its
 * deadline passes (REQUEST_TIMED_OUT) or when leadership is lost (NOT_LEADER_OR_FOLLOWER). Bounded:
 * a full purgatory refuses new waiters and the caller answers at once.
 *
 * <p>Threading: not thread-safe; owned by the partition's replication thread.
 *
 * @param <T> what identifies a waiting request to its owner
 */
public final class AcksAllPurgatory<T> {

  /** A finished wait: the request and its answer. */
  public record Completion<T>(T request, ReplicationError error) {}

  private record Waiter<T>(long requiredOffset, long deadlineMs, T request) {}

  private final int maxWaiters;

  /** In append order, so required offsets are non-decreasing. */
  private final LinkedList<Waiter<T>> waiters = new LinkedList<>();

  public AcksAllPurgatory(int maxWaiters) {
    if (maxWaiters < 1) {
      throw new IllegalArgumentException("maxWaiters must be positive, got " + maxWaiters);
    }
    this.maxWaiters = maxWaiters;
  }

  /**
   * Parks {@code request} until the high watermark reaches {@code requiredOffset} (the offset after
   * its last record); false when the purgatory is full.
   */
  public boolean park(long requiredOffset, long deadlineMs, T request) {
    if (waiters.size() >= maxWaiters) {
      return false;
    }
    waiters.add(new Waiter<>(requiredOffset, deadlineMs, request));
    return true;
  }

  public int size() {
    return waiters.size();
  }

  /** Completes what the leader's high watermark now covers and what has expired. */
  public List<Completion<T>> poll(PartitionLeader leader, int minInSyncReplicas, long nowMs) {
    List<Completion<T>> done = new ArrayList<>();
    Iterator<Waiter<T>> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter<T> w = it.next();
      ReplicationError outcome = leader.acksAllOutcome(w.requiredOffset(), minInSyncReplicas);
      if (outcome == null && nowMs >= w.deadlineMs()) {
        outcome = ReplicationError.REQUEST_TIMED_OUT;
      }
      if (outcome != null) {
        done.add(new Completion<>(w.request(), outcome));
        it.remove();
      }
    }
    return done;
  }

  /** Leadership is gone: every waiter fails with {@code error}. */
  public List<Completion<T>> failAll(ReplicationError error) {
    List<Completion<T>> done = new ArrayList<>();
    for (Waiter<T> w : waiters) {
      done.add(new Completion<>(w.request(), error));
    }
    waiters.clear();
    return done;
  }
}
