package io.logstore.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit flusher: {@code flushThreads} daemon threads named {@code logstore-flusher-N}
 * taking partitions that have flush requests and running one {@link PartitionLog#flushRound()} for
 * each. A partition is in the queue at most once (its {@code flushScheduled} flag), so the queue is
 * bounded by the number of partitions.
 */
final class Flusher {
  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  private final BlockingQueue<PartitionLog> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  Flusher(int threadCount) {
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::run, "logstore-flusher-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  void schedule(PartitionLog log) {
    queue.add(log);
  }

  private void run() {
    while (!stopped) {
      PartitionLog log;
      try {
        log = queue.take();
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
        LOG.warn("Flusher interrupted while running; continuing", e);
        continue;
      }
      try {
        log.flushRound();
      } catch (RuntimeException e) {
        LOG.error("Flush round failed: topicPartition={}", log.id(), e);
      }
    }
  }

  /** Stops and joins the threads; queued requests are dropped (callers flush on close). */
  void stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
