package io.logstore.broker.partition;

import io.logstore.broker.partition.PartitionService.FetchPartitionSpec;
import io.logstore.broker.partition.PartitionService.FetchRead;
import io.logstore.broker.partition.PartitionService.FetchSpec;
import io.logstore.broker.partition.PartitionService.FetchedPartition;
import io.logstore.replication.FetchValidation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The purgatory of fetches waiting for data (Kafka's {@code DelayedFetch}): a parked fetch watches
 * its partitions and is completed once, by the first of an advance that brings {@code minBytes} (or
 * an error) and its {@code maxWaitMs} timer.
 *
 * <p>Threading: a parked fetch lives on its request's {@link RequestScheduler}: the re-reads, the
 * timer and the completion run there. Partition watchers fire on flusher (or fetcher) threads and
 * only schedule a re-read, coalescing wake-ups that arrive while one is pending.
 */
final class DelayedFetches {
  private final PartitionService reader;

  DelayedFetches(PartitionService reader) {
    this.reader = reader;
  }

  CompletionStage<List<FetchedPartition>> park(
      FetchSpec spec,
      List<FetchPartitionSpec> partitions,
      List<FetchValidation> followerChecks,
      RequestScheduler scheduler) {
    DelayedFetch parked = new DelayedFetch(spec, partitions, followerChecks, scheduler);
    parked.park();
    return parked.result;
  }

  /** One parked fetch; completed exactly once. */
  private final class DelayedFetch {
    final CompletableFuture<List<FetchedPartition>> result = new CompletableFuture<>();
    private final FetchSpec spec;
    private final List<FetchPartitionSpec> partitions;
    private final List<FetchValidation> followerChecks;
    private final RequestScheduler scheduler;
    private final Runnable watcher = this::onAdvance;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private RequestScheduler.Cancellable timer;

    DelayedFetch(
        FetchSpec spec,
        List<FetchPartitionSpec> partitions,
        List<FetchValidation> followerChecks,
        RequestScheduler scheduler) {
      this.spec = spec;
      this.partitions = partitions;
      this.followerChecks = followerChecks;
      this.scheduler = scheduler;
    }

    /** On the request's thread. */
    void park() {
      for (FetchPartitionSpec p : partitions) {
        if (p.target().found()) {
          p.target().partition().watch(watcher);
        }
      }
      timer = scheduler.schedule(this::expire, spec.maxWaitMs());
      // An append may have landed between the first read and the watch.
      tryComplete();
    }

    /** Called on a flusher or fetcher thread: one pending re-read at a time. */
    private void onAdvance() {
      if (wakeupPending.compareAndSet(false, true)) {
        scheduler.execute(
            () -> {
              wakeupPending.set(false);
              tryComplete();
            });
      }
    }

    private void tryComplete() {
      if (result.isDone()) {
        return;
      }
      FetchRead attempt = reader.read(spec, partitions, followerChecks);
      if (attempt.bytes() >= spec.minBytes() || attempt.hasError()) {
        finish(attempt);
      }
    }

    private void expire() {
      if (!result.isDone()) {
        finish(reader.read(spec, partitions, followerChecks));
      }
    }

    private void finish(FetchRead outcome) {
      for (FetchPartitionSpec p : partitions) {
        if (p.target().found()) {
          p.target().partition().unwatch(watcher);
        }
      }
      if (timer != null) {
        timer.cancel();
      }
      result.complete(outcome.partitions());
    }
  }
}
