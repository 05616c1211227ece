package io.logstore.coordinator.group;

import io.logstore.coordinator.runtime.CoordinatorTimer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/** A clock and a coordinator timer that move only when a test calls {@link #advance}. */
final class ManualTimer extends Clock implements CoordinatorTimer {
  private record Task(long dueMs, long seq, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) ->
              a.dueMs != b.dueMs ? Long.compare(a.dueMs, b.dueMs) : Long.compare(a.seq, b.seq));
  private long nowMs = 1_000_000L;
  private long seq;

  @Override
  public Handle schedule(long delayMs, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(nowMs + Math.max(0, delayMs), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time forward by {@code ms}, running every task that falls due, in order. */
  void advance(long ms) {
    long target = nowMs + ms;
    while (!tasks.isEmpty() && tasks.peek().dueMs <= target) {
      Task task = tasks.poll();
      nowMs = Math.max(nowMs, task.dueMs);
      if (!task.cancelled[0]) {
        task.run.run();
      }
    }
    nowMs = target;
  }

  @Override
  public long millis() {
    return nowMs;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(nowMs);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
