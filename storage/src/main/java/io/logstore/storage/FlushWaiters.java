package io.logstore.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A log's flushed offset (everything below it is fsynced) and the appends waiting for it, in offset
 * order: the group-commit bookkeeping of a {@link PartitionLog}.
 *
 * <p>Threading: waiters are added on any thread (an appender waiting for durability) and completed
 * by the flusher thread; the queue and the flushed offset change together under this object's
 * monitor, and the futures are handed back to the caller to complete outside every lock (their
 * callbacks may take the caller's locks). The queue holds at most one entry per waiting request.
 */
final class FlushWaiters {
  private record Waiter(long offset, CompletableFuture<Void> future) {}

  private final PriorityQueue<Waiter> queue =
      new PriorityQueue<>(Comparator.comparingLong(Waiter::offset));
  private volatile long flushedOffset;
  private volatile boolean waiting;

  long flushedOffset() {
    return flushedOffset;
  }

  /** Whether an append waits (read without the monitor on the append path). */
  boolean hasWaiters() {
    return waiting;
  }

  /**
   * A future completed once the flushed offset reaches {@code offset}: already complete if it has;
   * otherwise queued (the caller requests a flush).
   */
  CompletableFuture<Void> await(long offset) {
    if (offset <= flushedOffset) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (this) {
      if (offset <= flushedOffset) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> future = new CompletableFuture<>();
      queue.add(new Waiter(offset, future));
      waiting = true;
      return future;
    }
  }

  /**
   * The flushed offset moves up to {@code target}; returns the futures it covers, in offset order,
   * to complete. {@code moreBelow} receives whether a waiter remains at or below {@code logEnd}
   * (then another round is needed).
   */
  synchronized Advance advanceTo(long target, long logEnd) {
    if (target > flushedOffset) {
      flushedOffset = target;
    }
    List<CompletableFuture<Void>> done = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().offset() <= flushedOffset) {
      done.add(queue.poll().future());
    }
    waiting = !queue.isEmpty();
    return new Advance(done, waiting && queue.peek().offset() <= logEnd);
  }

  /** What {@link #advanceTo} covered, and whether a waiter below the log end remains. */
  record Advance(List<CompletableFuture<Void>> covered, boolean moreToFlush) {
    void complete() {
      for (CompletableFuture<Void> f : covered) {
        f.complete(null);
      }
    }
  }

  /** After a truncation to {@code logEnd}: the flushed offset cannot stay above it. */
  synchronized void capAt(long logEnd) {
    if (flushedOffset > logEnd) {
      flushedOffset = logEnd;
    }
  }

  /** Sets the flushed offset (a loaded log, or one restarted empty at {@code offset}). */
  synchronized void reset(long offset) {
    flushedOffset = offset;
  }

  /** Fails every waiter with {@code cause}, in offset order (a failed fsync, a closed log). */
  void failAll(IOException cause) {
    List<Waiter> failed;
    synchronized (this) {
      failed = new ArrayList<>(queue);
      queue.clear();
      waiting = false;
    }
    failed.sort(Comparator.comparingLong(Waiter::offset));
    for (Waiter w : failed) {
      w.future().completeExceptionally(cause);
    }
  }
}
