package io.logstore.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdManagerTest {
  @TempDir Path tmp;

  /** Runs block writes only when the test says so: shows what happens on the caller's thread. */
  private static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      queued.add(task);
    }

    void runAll() {
      while (!queued.isEmpty()) {
        queued.poll().run();
      }
    }
  }

  private static final Executor DIRECT = Runnable::run;

  @Test
  void brokersOfAClusterNeverHandOutTheSameIdEvenAcrossRestarts() throws Exception {
    // Given three cluster members, each with its own data directory
    Set<Long> seen = new HashSet<>();
    for (int node = 1; node <= 3; node++) {
      Path dir = tmp.resolve("n" + node);
      Files.createDirectories(dir);
      // When each hands out ids, restarts (a new manager on the same directory), hands out more
      for (int life = 0; life < 2; life++) {
        ProducerIdManager ids =
            new ProducerIdManager(dir, node, ProducerIdManager.CLUSTER_STRIDE, DIRECT);
        for (int i = 0; i < 1500; i++) {
          long id = ids.nextProducerId().join();
          // Then every id is new and carries its broker's id
          assertThat(seen.add(id)).as("id %s handed out twice", id).isTrue();
          assertThat(id % ProducerIdManager.CLUSTER_STRIDE).isEqualTo(node);
        }
      }
    }
  }

  @Test
  void aSingleBrokerCountsFromZeroAndBadNodeIdsAreRefused() throws Exception {
    ProducerIdManager single = new ProducerIdManager(tmp, DIRECT);
    assertThat(single.nextProducerId().join()).isZero();
    assertThat(single.nextProducerId().join()).isEqualTo(1);
    assertThatThrownBy(() -> new ProducerIdManager(tmp.resolve("x"), 1024, 1024, DIRECT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNeverWriteTheBlockFileOnTheCallersThread() throws Exception {
    // Given a fresh manager whose block writes run only when the test runs them
    ManualExecutor io = new ManualExecutor();
    ProducerIdManager ids = new ProducerIdManager(tmp, io);
    Path file = tmp.resolve(ProducerIdManager.FILE_NAME);

    // When an id is asked for before the first block is durable
    CompletableFuture<Long> first = ids.nextProducerId();

    // Then the caller gets a pending answer and nothing was written on its thread
    assertThat(first).isNotDone();
    assertThat(file).doesNotExist();
    assertThat(io.queued).hasSize(1);

    // When the block write runs, the waiting request gets id 0
    io.runAll();
    assertThat(first).isCompletedWithValue(0L);
    assertThat(ProducerIdManager.read(file)).isEqualTo(ProducerIdManager.BLOCK_SIZE);

    // And the next block is reserved ahead: every id of the block is answered at once
    long block = ProducerIdManager.BLOCK_SIZE;
    for (long expected = 1; expected < block; expected++) {
      CompletableFuture<Long> id = ids.nextProducerId();
      assertThat(id).isCompletedWithValue(expected);
      long left = block - expected - 1;
      boolean lowOnIds = left <= ProducerIdManager.PREFETCH_REMAINING;
      assertThat(io.queued).as("write queued after id %s", expected).hasSize(lowOnIds ? 1 : 0);
    }
    io.runAll();
    assertThat(ids.nextProducerId()).isCompletedWithValue(block);
    assertThat(ProducerIdManager.read(file)).isEqualTo(2 * block);
  }

  @Test
  void shouldFailWaitingRequestsWhenTheBlockCannotBeWrittenAndRetryLater() throws Exception {
    // Given a data directory that is a file, so the block write fails
    Path notADir = tmp.resolve("plain-file");
    Files.writeString(notADir, "x");
    ManualExecutor io = new ManualExecutor();
    ProducerIdManager ids = new ProducerIdManager(notADir, io);

    // When a request waits and the write fails
    CompletableFuture<Long> waiting = ids.nextProducerId();
    io.runAll();

    // Then the request fails (the handler answers a retriable error) and a later one tries again
    assertThat(waiting).isCompletedExceptionally();
    CompletableFuture<Long> retry = ids.nextProducerId();
    assertThat(retry).isNotDone();
    assertThat(io.queued).hasSize(1);
  }
}
