package io.logstore.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of a {@link LogManager}.
 *
 * @param logDirs data roots ({@code log.dirs}); each is locked and holds partition directories
 * @param defaultLogConfig config for logs found on disk at startup
 * @param retentionCheckIntervalMs period of {@link LogManager#runRetentionOnce()}
 * @param checkpointIntervalMs period of {@link LogManager#checkpointAll()}
 * @param flushThreads number of group-commit flusher threads
 * @param cleanerBackoffMs pause of the log cleaner thread between two passes over the logs ({@code
 *     log.cleaner.backoff.ms})
 * @param cleanerDedupeBufferBytes memory of the cleaner's key to offset map, 24 bytes per entry
 *     ({@code log.cleaner.dedupe.buffer.size}); bounds how many keys one clean can handle
 */
public record LogManagerConfig(
    List<Path> logDirs,
    LogConfig defaultLogConfig,
    long retentionCheckIntervalMs,
    long checkpointIntervalMs,
    int flushThreads,
    long cleanerBackoffMs,
    long cleanerDedupeBufferBytes) {

  static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000L;
  static final long DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES = 32L * 1024 * 1024;

  /** Smallest dedupe buffer: room for a few thousand keys. */
  static final long MIN_CLEANER_DEDUPE_BUFFER_BYTES = 64L * 1024;

  public LogManagerConfig {
    logDirs = List.copyOf(Objects.requireNonNull(logDirs, "logDirs"));
    Objects.requireNonNull(defaultLogConfig, "defaultLogConfig");
    if (logDirs.isEmpty()) {
      throw new IllegalArgumentException("at least one log dir is required");
    }
    if (retentionCheckIntervalMs <= 0 || checkpointIntervalMs <= 0 || cleanerBackoffMs <= 0) {
      throw new IllegalArgumentException("intervals must be > 0");
    }
    if (flushThreads < 1) {
      throw new IllegalArgumentException("flushThreads must be >= 1, got " + flushThreads);
    }
    if (cleanerDedupeBufferBytes < MIN_CLEANER_DEDUPE_BUFFER_BYTES
        || cleanerDedupeBufferBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "cleanerDedupeBufferBytes out of range: " + cleanerDedupeBufferBytes);
    }
  }

  /** The configuration before the log cleaner existed: cleaner settings get their defaults. */
  public LogManagerConfig(
      List<Path> logDirs,
      LogConfig defaultLogConfig,
      long retentionCheckIntervalMs,
      long checkpointIntervalMs,
      int flushThreads) {
    this(
        logDirs,
        defaultLogConfig,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        flushThreads,
        DEFAULT_CLEANER_BACKOFF_MS,
        DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES);
  }

  /**
   * Kafka's defaults: retention check every 5 minutes, checkpoints every minute, one flusher, the
   * cleaner every 15 s.
   */
  public static LogManagerConfig of(List<Path> logDirs, LogConfig defaultLogConfig) {
    return new LogManagerConfig(logDirs, defaultLogConfig, 300_000L, 60_000L, 1);
  }

  public LogManagerConfig withCleanerBackoffMs(long value) {
    return new LogManagerConfig(
        logDirs,
        defaultLogConfig,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        flushThreads,
        value,
        cleanerDedupeBufferBytes);
  }

  public LogManagerConfig withCleanerDedupeBufferBytes(long value) {
    return new LogManagerConfig(
        logDirs,
        defaultLogConfig,
        retentionCheckIntervalMs,
        checkpointIntervalMs,
        flushThreads,
        cleanerBackoffMs,
        value);
  }
}
