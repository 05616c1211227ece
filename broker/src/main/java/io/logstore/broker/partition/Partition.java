package io.logstore.broker.partition;

import io.logstore.storage.DurabilityMode;
import io.logstore.storage.PartitionLog;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;

/**
 * One partition this broker leads: its log, its leader epoch and its high watermark.
 *
 * <p>The high watermark is the offset below which consumers may read. On a single broker it is the
 * durable end of the log: with fsync-before-ack, records become visible to consumers only once they
 * are on disk, so a consumer never sees a record that a crash could take back. With the Kafka-style
 * flush policy it is the log end offset.
 *
 * <p>Threading: appends come from any event loop (the log serialises them); the high watermark
 * advances from the flusher thread; watchers (parked fetches) are notified on that thread and hop
 * to their own event loop.
 */
public final class Partition {
  private final String topic;
  private final Uuid topicId;
  private final int index;
  private final PartitionLog log;
  private final int leaderEpoch;
  private final AtomicLong highWatermark;
  private final Set<Runnable> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean deleted;
  private volatile ProducePolicy producePolicy = ProducePolicy.DEFAULT;

  Partition(String topic, Uuid topicId, int index, PartitionLog log, int leaderEpoch) {
    this.topic = topic;
    this.topicId = topicId;
    this.index = index;
    this.log = log;
    this.leaderEpoch = leaderEpoch;
    long recovered = Math.min(log.highWatermark(), log.logEndOffset());
    this.highWatermark = new AtomicLong(Math.max(recovered, durableEnd()));
  }

  public String topic() {
    return topic;
  }

  public Uuid topicId() {
    return topicId;
  }

  public int index() {
    return index;
  }

  public PartitionLog log() {
    return log;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public long highWatermark() {
    return highWatermark.get();
  }

  /** Completes once everything below {@code endOffset} is durable and visible to consumers. */
  public CompletableFuture<Void> awaitDurable(long endOffset) {
    return log.awaitFlushed(endOffset).thenRun(this::advanceHighWatermark);
  }

  private long durableEnd() {
    return log.config().durabilityMode() == DurabilityMode.FSYNC_BEFORE_ACK
        ? log.flushedOffset()
        : log.logEndOffset();
  }

  /** Moves the high watermark up to the durable end of the log and wakes parked fetches. */
  public void advanceHighWatermark() {
    long target = durableEnd();
    long current = highWatermark.get();
    while (target > current) {
      if (highWatermark.compareAndSet(current, target)) {
        log.updateHighWatermark(target);
        watchers.forEach(Runnable::run);
        return;
      }
      current = highWatermark.get();
    }
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
