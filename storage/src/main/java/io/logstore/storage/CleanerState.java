package io.logstore.storage;

/**
 * What the log cleaner keeps per log: how far it compacted, when the tombstones it kept expire, and
 * a truncation counter so a clean can tell that the segments it read changed under it.
 *
 * <p>Threading: written under the log's append lock (truncations) or by the cleaner thread
 * (checkpoint, horizon); read from any thread (volatile fields).
 */
final class CleanerState {
  /** Offsets below this were compacted by the cleaner; -1 = never cleaned. */
  private volatile long checkpoint = -1L;

  /** Earliest delete horizon of a tombstone the last clean kept; Long.MAX_VALUE if none. */
  private volatile long earliestDeleteHorizonMs = Long.MAX_VALUE;

  /** Bumped by every truncation. */
  private volatile long truncations;

  /** The first offset not compacted yet, clamped to the log; the log start if never cleaned. */
  long firstDirtyOffset(long logStart, long logEnd) {
    long c = checkpoint;
    return c < logStart || c > logEnd ? logStart : c;
  }

  /** The raw checkpoint for the checkpoint file: -1 if the log was never cleaned. */
  long checkpointForFile() {
    return checkpoint;
  }

  void updateCheckpoint(long offset) {
    checkpoint = offset;
  }

  long earliestDeleteHorizonMs() {
    return earliestDeleteHorizonMs;
  }

  void updateEarliestDeleteHorizonMs(long ms) {
    earliestDeleteHorizonMs = ms;
  }

  long truncations() {
    return truncations;
  }

  /** The log lost everything from {@code offset} on: nothing there is compacted any more. */
  void onTruncatedTo(long offset) {
    truncations++;
    if (checkpoint > offset) {
      checkpoint = offset;
    }
  }

  /** The log was emptied and restarted. */
  void onTruncatedFully() {
    truncations++;
    checkpoint = -1L;
  }
}
