package io.logstore.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoordinatorThreadTest {
  @Test
  void shouldRunCommandsTimersAndPeriodicTasksOnItsOneThreadAndSurviveAFailingTask()
      throws Exception {
    try (CoordinatorThread thread = new CoordinatorThread("test-coordinator")) {
      // Given a task that throws
      thread.execute(
          () -> {
            throw new IllegalStateException("boom");
          });

      // When a command, a timer and a periodic task run after it
      CompletableFuture<String> command = thread.call(() -> Thread.currentThread().getName());
      AtomicReference<String> timerThread = new AtomicReference<>();
      CountDownLatch timerRan = new CountDownLatch(1);
      thread
          .timer()
          .schedule(
              10,
              () -> {
                timerThread.set(Thread.currentThread().getName());
                timerRan.countDown();
              });
      CountDownLatch ticks = new CountDownLatch(2);
      thread.every(5, ticks::countDown);

      // Then each ran on the coordinator thread, which the failure did not stop
      assertThat(command).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("test-coordinator");
      assertThat(timerRan.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(timerThread.get()).isEqualTo("test-coordinator");
      assertThat(ticks.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void shouldFailACommandThatThrowsOrArrivesAfterClose() {
    CoordinatorThread thread = new CoordinatorThread("closing-coordinator");
    CompletableFuture<Integer> failing =
        thread.call(
            () -> {
              throw new IllegalArgumentException("bad command");
            });
    assertThat(failing)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withRootCauseInstanceOf(IllegalArgumentException.class);
    thread.close();
    assertThat(thread.call(() -> 1)).isCompletedExceptionally();
  }

  @Test
  void shouldNotRunACancelledTimer() throws Exception {
    try (CoordinatorThread thread = new CoordinatorThread("cancel-coordinator")) {
      CountDownLatch ran = new CountDownLatch(1);
      thread.timer().schedule(50, ran::countDown).cancel();
      // A later task on the same thread runs after the cancelled timer's deadline has passed.
      CompletableFuture<Boolean> later = new CompletableFuture<>();
      thread.timer().schedule(200, () -> later.complete(ran.getCount() == 1));
      assertThat(later).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
    }
  }
}
