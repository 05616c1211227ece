package io.logstore.replication.fetch;

import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.fetch.FetchTransport.Answer;
import io.logstore.replication.fetch.FetchTransport.PartitionAnswer;
import io.logstore.replication.fetch.FetchTransport.PartitionFetch;
import io.logstore.storage.EpochEndOffset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one leader: Kafka's replica fetcher thread, as a
 * loop of rounds with no I/O of its own. Each round sends one Fetch for every followed partition at
 * its {@link PartitionFollower#nextFetch} through the {@link FetchTransport} and, on the answer:
 *
 * <ul>
 *   <li>a diverging epoch truncates the log (KIP-279) and the next round fetches at once;
 *   <li>records are appended as the leader wrote them, then the round waits until they are durable
 *       ({@link FollowedPartition#awaitDurable}): the leader counts the next fetch offset as this
 *       replica's durable log end, which the high watermark and every acks=all answer rely on;
 *   <li>then the leader's high watermark (capped at the durable end) and log start are adopted;
 *   <li>OFFSET_OUT_OF_RANGE below the leader's log start (retention or DeleteRecords deleted what
 *       this replica lacks) restarts the log empty at the leader's log start;
 *   <li>any other error (NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, a failed request):
 *       the next round waits {@code backoffMs}; the metadata will move the partition on.
 * </ul>
 *
 * A partition whose log is not durable to its end (a former leader's unsynced tail) is left out of
 * the rounds until its fsync completes. A partition whose role changed between the request and its
 * answer ignores the answer ({@link FollowedPartition}).
 *
 * <p>Threading: every step runs on the {@link FetchScheduler}, one at a time, and at most one
 * request is in flight. {@link #add}, {@link #remove} and {@link #close} may be called from any
 * thread (the replica manager's): the partition set is a concurrent map read at the start of each
 * round, in (topic, partition) order so a seeded run is deterministic.
 *
 * @param <R> the record bytes of the transport
 */
public final class ReplicaFetchLoop<R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetchLoop.class);

  private record Key(String topic, int index) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::topic).thenComparingInt(Key::index);

  /** A partition in the current request, with the follower state it was fetched for. */
  private record Sent<R>(FollowedPartition<R> partition, PartitionFollower follower) {}

  /** What to adopt once the appended records are durable. */
  private record Adopt<R>(
      FollowedPartition<R> partition,
      PartitionFollower follower,
      long highWatermark,
      long logStartOffset) {}

  private final int localBrokerId;
  private final int leaderId;
  private final FetchTransport<R> transport;
  private final FetchScheduler scheduler;
  private final long backoffMs;
  private final ConcurrentSkipListMap<Key, FollowedPartition<R>> partitions =
      new ConcurrentSkipListMap<>(ORDER);
  private volatile boolean closed;
  private boolean started;
  private long rounds;

  /**
   * @param localBrokerId the replica id sent with each fetch
   * @param leaderId the broker fetched from
   * @param backoffMs the pause after a failed round or an error answer
   */
  public ReplicaFetchLoop(
      int localBrokerId,
      int leaderId,
      FetchTransport<R> transport,
      FetchScheduler scheduler,
      long backoffMs) {
    this.localBrokerId = localBrokerId;
    this.leaderId = leaderId;
    this.transport = transport;
    this.scheduler = scheduler;
    this.backoffMs = backoffMs;
  }

  public int leaderId() {
    return leaderId;
  }

  /** Starts the rounds (once). */
  public synchronized void start() {
    if (!started) {
      started = true;
      scheduler.schedule(0, this::round);
    }
  }

  /** Follows {@code partition} from the next round on (replacing one of the same name). */
  public void add(FollowedPartition<R> partition) {
    partitions.put(new Key(partition.topic(), partition.index()), partition);
  }

  /** Stops following {@code partition}; an answer in flight for it is ignored by its role check. */
  public void remove(FollowedPartition<R> partition) {
    partitions.remove(new Key(partition.topic(), partition.index()), partition);
  }

  public boolean isEmpty() {
    return partitions.isEmpty();
  }

  /** Rounds started so far (tests and diagnostics). */
  public long rounds() {
    return rounds;
  }

  /** Stops the loop and closes the transport; steps already scheduled do nothing. */
  @Override
  public void close() {
    closed = true;
    transport.close();
  }

  private void round() {
    if (closed) {
      return;
    }
    rounds++;
    List<Sent<R>> sent = new ArrayList<>();
    List<PartitionFetch> fetches = new ArrayList<>();
    List<CompletableFuture<Void>> tails = new ArrayList<>();
    for (FollowedPartition<R> p : partitions.values()) {
      PartitionFollower f = p.follower();
      if (f == null || f.leaderId() != leaderId) {
        continue;
      }
      if (!f.durableToEnd()) {
        tails.add(p.awaitDurable(p.logEndOffset()).toCompletableFuture());
        continue;
      }
      sent.add(new Sent<>(p, f));
      fetches.add(new PartitionFetch(p.topic(), p.index(), f.nextFetch(), p.logStartOffset()));
    }
    if (fetches.isEmpty()) {
      if (tails.isEmpty()) {
        scheduler.schedule(backoffMs, this::round);
      } else {
        CompletableFuture.allOf(tails.toArray(CompletableFuture[]::new))
            .whenComplete((v, e) -> scheduler.schedule(e == null ? 0 : backoffMs, this::round));
      }
      return;
    }
    CompletableFuture<Answer<R>> answer;
    try {
      answer =
          transport
              .fetch(new FetchTransport.Request(localBrokerId, leaderId, fetches))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((a, e) -> scheduler.schedule(0, () -> onAnswer(sent, a, e)));
  }

  private void onAnswer(List<Sent<R>> sent, Answer<R> answer, Throwable failure) {
    if (closed) {
      return;
    }
    if (failure != null) {
      LOG.debug("fetch from leader {} failed: {}", leaderId, failure.toString());
      scheduler.schedule(backoffMs, this::round);
      return;
    }
    if (answer.error() != ReplicationError.NONE) {
      LOG.debug("fetch from leader {}: {}", leaderId, answer.error());
      scheduler.schedule(backoffMs, this::round);
      return;
    }
    boolean progress = false;
    boolean backoff = false;
    List<Adopt<R>> adopt = new ArrayList<>();
    List<CompletableFuture<Void>> durable = new ArrayList<>();
    for (PartitionAnswer<R> a : answer.partitions()) {
      Sent<R> s = find(sent, a);
      if (s == null) {
        continue;
      }
      FollowedPartition<R> p = s.partition();
      PartitionFollower f = s.follower();
      try {
        if (a.error() == ReplicationError.NONE) {
          EpochEndOffset diverging = a.divergingEpoch();
          if (diverging != null && diverging.epoch() >= 0) {
            truncate(p, f, diverging);
            progress = true;
            continue;
          }
          if (a.records() != null) {
            if (!p.appendAsFollower(f, a.records())) {
              continue;
            }
            progress = true;
            durable.add(p.awaitDurable(p.logEndOffset()).toCompletableFuture());
          }
          adopt.add(new Adopt<>(p, f, a.highWatermark(), a.logStartOffset()));
        } else if (a.error() == ReplicationError.OFFSET_OUT_OF_RANGE
            && a.logStartOffset() > p.logEndOffset()) {
          p.restartFollowerAt(f, a.logStartOffset());
          progress = true;
        } else {
          LOG.debug("fetch {}-{} from leader {}: {}", p.topic(), p.index(), leaderId, a.error());
          backoff = true;
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}-{}: cannot apply the fetch from leader {}", p.topic(), p.index(), leaderId, e);
        backoff = true;
      }
    }
    long next = progress || !backoff ? 0 : backoffMs;
    if (durable.isEmpty()) {
      adoptAll(adopt);
      scheduler.schedule(next, this::round);
      return;
    }
    CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, e) ->
                scheduler.schedule(
                    0,
                    () -> {
                      if (closed) {
                        return;
                      }
                      if (e != null) {
                        LOG.warn("fsync of fetched records from leader {} failed", leaderId, e);
                        scheduler.schedule(backoffMs, this::round);
                        return;
                      }
                      adoptAll(adopt);
                      scheduler.schedule(next, this::round);
                    }));
  }

  private void truncate(FollowedPartition<R> p, PartitionFollower f, EpochEndOffset diverging) {
    long before = p.logEndOffset();
    FollowerTruncation t = p.truncateAsFollower(f, diverging);
    if (t != null && t.offset() < before) {
      LOG.info(
          "truncated {}-{} to {} after a diverging epoch from leader {}",
          p.topic(),
          p.index(),
          t.offset(),
          leaderId);
    }
  }

  private void adoptAll(List<Adopt<R>> adopt) {
    for (Adopt<R> a : adopt) {
      if (a.highWatermark() >= 0) {
        a.partition().followerHighWatermark(a.follower(), a.highWatermark());
      }
      try {
        a.partition().followerLogStart(a.follower(), a.logStartOffset());
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "{}-{}: cannot move the log start to the leader's {}",
            a.partition().topic(),
            a.partition().index(),
            a.logStartOffset(),
            e);
      }
    }
  }

  private static <R> Sent<R> find(List<Sent<R>> sent, PartitionAnswer<R> a) {
    for (Sent<R> s : sent) {
      if (s.partition().index() == a.partition() && s.partition().topic().equals(a.topic())) {
        return s;
      }
    }
    return null;
  }
}
