package io.logstore.broker.partition;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a waiting request (a parked fetch) runs its reads and its timer: in the broker, the
 * request's connection thread; in tests, a manual scheduler driven step by step.
 */
public interface RequestScheduler {
  /** Runs {@code task} on the request's thread. */
  void execute(Runnable task);

  /** Runs {@code task} on the request's thread after {@code delayMs}, unless cancelled. */
  Cancellable schedule(Runnable task, long delayMs);

  /** A scheduled task that may be cancelled before it runs. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** A scheduler over an executor (the connection's event loop, seen as a JDK executor). */
  static RequestScheduler of(ScheduledExecutorService executor) {
    return new RequestScheduler() {
      @Override
      public void execute(Runnable task) {
        executor.execute(task);
      }

      @Override
      public Cancellable schedule(Runnable task, long delayMs) {
        ScheduledFuture<?> future = executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
      }
    };
  }
}
