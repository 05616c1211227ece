package io.logstore.storage;

import java.time.Clock;

/**
 * The services a {@link PartitionLog} borrows from its {@link LogManager}.
 *
 * @param clock time source (a manual clock in tests)
 * @param flusher group-commit flusher threads
 * @param deleter runs file deletions after {@code fileDeleteDelayMs}
 * @param syncer fsync of segment data (counted, delayed or failed in tests)
 */
record LogRuntime(Clock clock, Flusher flusher, DelayedDeleter deleter, ChannelSyncer syncer) {

  /** Schedules deletion of files that readers may still be using. */
  interface DelayedDeleter {
    void deleteLater(String description, long delayMs, IoTask task);
  }

  /** A piece of file I/O. */
  @FunctionalInterface
  interface IoTask {
    void run() throws java.io.IOException;
  }
}
