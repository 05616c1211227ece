package io.logstore.coordinator.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a coordinator's state (Kafka's coordinator runtime, reduced to what a
 * single-threaded coordinator needs): commands submitted from network threads run there in order
 * and answer through futures; timers and periodic tasks run there too; a task that throws is logged
 * and does not stop the thread. The group coordinator runs on one; the transaction coordinator is
 * meant to run on another built the same way.
 */
public final class CoordinatorThread implements AutoCloseable, Executor {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorThread.class);

  private final String name;
  private final ScheduledExecutorService thread;

  /** Starts a daemon thread named {@code name}. */
  public CoordinatorThread(String name) {
    this.name = name;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code task} on the thread; a failure is logged. */
  @Override
  public void execute(Runnable task) {
    thread.execute(guarded(task));
  }

  /** The thread's timers: each task runs on the thread after its delay unless cancelled. */
  public CoordinatorTimer timer() {
    return (delayMs, task) -> {
      ScheduledFuture<?> f =
          thread.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    };
  }

  /** Runs {@code task} every {@code periodMs}, the first time after one period. */
  public void every(long periodMs, Runnable task) {
    thread.scheduleWithFixedDelay(guarded(task), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code command} on the thread; the result completes as the command's future does. A
   * command that throws, or a thread already closed, fails the result.
   */
  public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              command
                  .get()
                  .whenComplete(
                      (value, error) -> {
                        if (error != null) {
                          result.completeExceptionally(error);
                        } else {
                          result.complete(value);
                        }
                      });
            } catch (RuntimeException e) {
              log.error("{} command failed", name, e);
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Runs {@code command} on the thread and answers its value. */
  public <T> CompletableFuture<T> call(Supplier<T> command) {
    return submit(() -> CompletableFuture.completedFuture(command.get()));
  }

  /**
   * Runs {@code task} on the thread and waits for it (start-up loading); its failure is thrown as
   * the {@link ExecutionException}'s cause.
   */
  public void runAndWait(Runnable task) throws InterruptedException, ExecutionException {
    thread.submit(task).get();
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{} task failed", name, e);
      }
    };
  }

  /** Stops the thread, waiting up to 5 s for the running task. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{} did not stop within 5 s", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
