package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitTest extends LogTestSupport {

  @Test
  void shouldCoverManyConcurrentWaitersWithFewFsyncs() throws Exception {
    // Given: the first fsync blocks until every other append is waiting
    CountDownLatch firstFsyncStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger fsyncs = new AtomicInteger();
    open(
        (channel, file) -> {
          if (fsyncs.incrementAndGet() == 1) {
            firstFsyncStarted.countDown();
            awaitQuietly(release);
          }
          channel.force(false);
        });
    PartitionLog log = createLog(baseConfig());
    AppendResult first = append(log, batch("first"));
    CompletableFuture<Void> firstDurable = log.awaitFlushed(first.lastOffset() + 1);
    assertThat(firstFsyncStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // When: 4 threads append 50 batches each and wait for durability
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<CompletableFuture<Void>>> submitted = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      submitted.add(
          pool.submit(
              () -> {
                AppendResult r = append(log, batch("v"));
                return log.awaitFlushed(r.lastOffset() + 1);
              }));
    }
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    for (Future<CompletableFuture<Void>> f : submitted) {
      waiters.add(f.get(10, TimeUnit.SECONDS));
    }
    pool.shutdown();
    release.countDown();
    // Then
    assertThat(CompletableFuture.allOf(waiters.toArray(new CompletableFuture<?>[0])))
        .succeedsWithin(Duration.ofSeconds(10));
    assertThat(firstDurable).isDone();
    assertThat(log.flushedOffset()).isEqualTo(201);
    assertThat(fsyncs.get()).isLessThanOrEqualTo(3);
    assertThat(log.fsyncCount()).isLessThan(10);
  }

  @Test
  void shouldFailWaitersWhenFsyncFails() throws Exception {
    // Given
    open(
        (channel, file) -> {
          throw new IOException("disk on fire: " + file);
        });
    PartitionLog log = createLog(baseConfig());
    AppendResult r = append(log, batch("a"));
    // When
    CompletableFuture<Void> durable = log.awaitFlushed(r.lastOffset() + 1);
    // Then
    assertThat(durable)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IOException.class)
        .withMessageContaining("disk on fire");
    assertThat(log.flushedOffset()).isZero();
  }

  @Test
  void shouldCompleteImmediatelyAndFlushByMessageCountInIntervalMode() throws Exception {
    // Given
    PartitionLog log =
        createLog(baseConfig().withDurability(DurabilityMode.INTERVAL, 3, Long.MAX_VALUE));
    append(log, batch("a"));
    // When
    CompletableFuture<Void> durable = log.awaitFlushed(1);
    append(log, batch("b", "c"));
    // Then
    assertThat(durable).isDone();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> log.flushedOffset() == 3);
  }

  @Test
  void shouldFlushByTimeInIntervalMode() throws Exception {
    // Given
    PartitionLog log =
        createLog(baseConfig().withDurability(DurabilityMode.INTERVAL, Long.MAX_VALUE, 5_000));
    append(log, batch("a"));
    // When
    clock.advanceMs(5_000);
    // Then
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> log.flushedOffset() == 1);
  }

  private static void awaitQuietly(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test latch timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
