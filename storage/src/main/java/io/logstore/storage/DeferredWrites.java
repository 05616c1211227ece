package io.logstore.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files an append, roll or truncation makes stale without writing them, because those run on
 * network threads under the append lock: the directory entry of a new or removed segment, the
 * leader epoch checkpoint after a new epoch, the producer snapshot of the last roll. The next flush
 * round writes them (with their fsyncs) before the records they cover count as flushed.
 *
 * <p>Threading: marked from any thread, written by the flusher thread under the log's flush lock.
 */
final class DeferredWrites {
  private final AtomicBoolean directory = new AtomicBoolean();
  private final AtomicBoolean epochCache = new AtomicBoolean();
  private final AtomicReference<ProducerStateManager.Snapshot> snapshot = new AtomicReference<>();

  void directoryChanged() {
    directory.set(true);
  }

  void epochAdded() {
    epochCache.set(true);
  }

  /** The producer state captured at a roll; a newer one replaces one not yet written. */
  void snapshotTaken(ProducerStateManager.Snapshot taken) {
    snapshot.set(taken);
  }

  /** A truncation made the pending snapshot (above the new log end) wrong. */
  void dropSnapshot() {
    snapshot.set(null);
  }

  /**
   * Writes what is pending: fsyncs {@code dir}, rewrites the epoch checkpoint, writes the snapshot.
   * A failed write stays pending. Returns the number of fsyncs.
   */
  int writeAll(Path dir, LeaderEpochCache epochs, ProducerStateManager producers)
      throws IOException {
    int fsyncs = 0;
    if (directory.getAndSet(false)) {
      try {
        AtomicFiles.fsyncDirectory(dir);
      } catch (IOException e) {
        directory.set(true);
        throw e;
      }
      fsyncs++;
    }
    if (epochCache.getAndSet(false)) {
      try {
        epochs.flush();
      } catch (IOException e) {
        epochCache.set(true);
        throw e;
      }
    }
    ProducerStateManager.Snapshot pending = snapshot.getAndSet(null);
    if (pending != null) {
      producers.writeSnapshot(pending);
    }
    return fsyncs;
  }
}
