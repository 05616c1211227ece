package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static io.logstore.storage.TestBatches.sized;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An append runs on a network thread: it writes to the page cache only. The files an append makes
 * stale (the leader epoch checkpoint on a new epoch, the producer snapshot at a segment roll) are
 * rewritten, with their fsyncs, by the flush round, before the records they cover count as flushed.
 */
class AppendPathIoTest extends LogTestSupport {
  private final CountDownLatch flusherBlocked = new CountDownLatch(1);
  private final CountDownLatch releaseFlusher = new CountDownLatch(1);

  @AfterEach
  void releaseTheFlusher() {
    releaseFlusher.countDown();
  }

  /** Opens the manager with a flusher whose first fsync waits for {@link #releaseFlusher}. */
  private PartitionLog blockedFlusherLog(LogConfig config) throws IOException {
    open(
        (channel, file) -> {
          if (flusherBlocked.getCount() > 0) {
            flusherBlocked.countDown();
            try {
              if (!releaseFlusher.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test latch timed out");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted", e);
            }
          }
          channel.force(false);
        });
    return createLog(config);
  }

  @Test
  void shouldWriteTheEpochCheckpointInTheFlushRoundNotInTheAppend() throws Exception {
    // Given a log whose flusher is busy in an fsync
    PartitionLog log = blockedFlusherLog(baseConfig());
    AppendResult first = append(log, batch("a"));
    var firstDurable = log.awaitFlushed(first.lastOffset() + 1);
    assertThat(flusherBlocked.await(10, TimeUnit.SECONDS)).isTrue();

    // When the first batch of leader epoch 5 is appended
    AppendResult second = log.appendAsLeader(batch("b").build(), 5);

    // Then the epoch is known at once, but its checkpoint was not rewritten by the append
    assertThat(log.latestEpoch()).hasValue(5);
    assertThat(LeaderEpochCache.load(partitionDir()).latestEpoch()).isEmpty();

    // When the flusher runs, the checkpoint holds epoch 5 once the batch is flushed
    releaseFlusher.countDown();
    assertThat(firstDurable).succeedsWithin(Duration.ofSeconds(10));
    assertThat(log.awaitFlushed(second.lastOffset() + 1)).succeedsWithin(Duration.ofSeconds(10));
    assertThat(LeaderEpochCache.load(partitionDir()).latestEpoch()).hasValue(5);
  }

  @Test
  void shouldWriteTheRollsProducerSnapshotInTheFlushRoundNotUnderTheAppendLock() throws Exception {
    // Given a log with 1 KiB segments whose flusher is busy in an fsync
    PartitionLog log = blockedFlusherLog(baseConfig().withSegmentBytes(1024));
    AppendResult first = append(log, sized(1, 600).producer(7L, 0, 0));
    var firstDurable = log.awaitFlushed(first.lastOffset() + 1);
    assertThat(flusherBlocked.await(10, TimeUnit.SECONDS)).isTrue();

    // When the next batch rolls a new segment at offset 1
    AppendResult second = append(log, sized(1, 600).producer(7L, 0, 1));
    assertThat(log.segmentCount()).isEqualTo(2);

    // Then the snapshot of the producer state at the roll is not written by the append
    ProducerStateManager reader = new ProducerStateManager(TP, partitionDir());
    assertThat(reader.snapshotOffsets()).doesNotContain(1L);

    // When the flusher runs, the snapshot at the roll offset is on disk once the batch is flushed
    releaseFlusher.countDown();
    assertThat(firstDurable).succeedsWithin(Duration.ofSeconds(10));
    assertThat(log.awaitFlushed(second.lastOffset() + 1)).succeedsWithin(Duration.ofSeconds(10));
    assertThat(reader.snapshotOffsets()).contains(1L);
    // And the producer's sequence survives a crash from it
    PartitionLog reopened = crashAndReopen();
    assertThat(reopened.producerState(7L)).isPresent();
  }
}
