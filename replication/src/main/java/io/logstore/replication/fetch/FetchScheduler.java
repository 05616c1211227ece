package io.logstore.replication.fetch;

/**
 * Where a {@link ReplicaFetchLoop} runs: every task of one loop runs on one thread at a time, in
 * the order scheduled for equal delays. The broker uses a single-thread scheduled executor per
 * leader; the simulation its event queue (virtual time).
 */
@FunctionalInterface
public interface FetchScheduler {

  /** Runs {@code task} after {@code delayMs} (0: as soon as possible, never inline). */
  void schedule(long delayMs, Runnable task);
}
