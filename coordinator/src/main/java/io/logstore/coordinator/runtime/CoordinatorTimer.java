package io.logstore.coordinator.runtime;

/**
 * Timers of the coordinator thread: tasks run on that thread. Production uses a single-threaded
 * scheduled executor; tests a manual clock.
 */
public interface CoordinatorTimer {
  /** A scheduled task that may be cancelled; cancelling a task that ran is a no-op. */
  interface Handle {
    void cancel();
  }

  /** Runs {@code task} on the coordinator thread after {@code delayMs}. */
  Handle schedule(long delayMs, Runnable task);
}
