package io.logstore.replication.metadata.ratis;

import io.logstore.replication.metadata.MetadataImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls image listeners on one thread of its own, in the order images were applied.
 *
 * <p>Threading: {@link #publish} is called by the Ratis apply thread, {@link #addListener} by any
 * thread; both only enqueue. The listener list and the last image handed out are confined to the
 * dispatcher thread, so a listener added while images are in flight gets the image before the
 * queued ones, then each queued one: no gap, no repeat. The queue is bounded; when listeners fall
 * that far behind, {@link #publish} blocks the apply thread (backpressure rather than dropping an
 * image).
 */
final class ListenerDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final int nodeId;
  private final BlockingQueue<Runnable> queue;
  private final Thread thread;

  // Confined to the dispatcher thread.
  private final List<Consumer<MetadataImage>> listeners = new ArrayList<>();
  private MetadataImage lastImage = MetadataImage.EMPTY;

  ListenerDispatcher(int nodeId, int queueCapacity) {
    this.nodeId = nodeId;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.thread = new Thread(this::run, "logstore-metadata-listener-" + nodeId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues {@code image} for every listener; blocks while the queue is full. */
  void publish(MetadataImage image) {
    enqueue(
        () -> {
          lastImage = image;
          for (Consumer<MetadataImage> listener : listeners) {
            call(listener, image);
          }
        });
  }

  /** Registers {@code listener}; it is called with the latest image, then with every later one. */
  void addListener(Consumer<MetadataImage> listener) {
    enqueue(
        () -> {
          listeners.add(listener);
          call(listener, lastImage);
        });
  }

  private void enqueue(Runnable task) {
    try {
      queue.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while queueing a metadata image", e);
    }
  }

  private void call(Consumer<MetadataImage> listener, MetadataImage image) {
    try {
      listener.accept(image);
    } catch (RuntimeException e) {
      // One broken listener must not starve the others or stop metadata from being applied.
      LOG.error("metadata listener failed nodeId={} offset={}", nodeId, image.offset(), e);
    }
  }

  private void run() {
    try {
      while (true) {
        queue.take().run();
      }
    } catch (InterruptedException e) {
      LOG.debug("metadata listener thread stopping nodeId={}", nodeId);
    }
  }

  /** Stops the thread; images still queued are not delivered. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("metadata listener thread did not stop nodeId=" + nodeId);
    }
  }
}
