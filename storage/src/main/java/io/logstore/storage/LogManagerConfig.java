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
 */
public record LogManagerConfig(
    List<Path> logDirs,
    LogConfig defaultLogConfig,
    long retentionCheckIntervalMs,
    long checkpointIntervalMs,
    int flushThreads) {

  public LogManagerConfig {
    logDirs = List.copyOf(Objects.requireNonNull(logDirs, "logDirs"));
    Objects.requireNonNull(defaultLogConfig, "defaultLogConfig");
    if (logDirs.isEmpty()) {
      throw new IllegalArgumentException("at least one log dir is required");
    }
    if (retentionCheckIntervalMs <= 0 || checkpointIntervalMs <= 0) {
      throw new IllegalArgumentException("intervals must be > 0");
    }
    if (flushThreads < 1) {
      throw new IllegalArgumentException("flushThreads must be >= 1, got " + flushThreads);
    }
  }

  /** Kafka's defaults: retention check every 5 minutes, checkpoints every minute, one flusher. */
  public static LogManagerConfig of(List<Path> logDirs, LogConfig defaultLogConfig) {
    return new LogManagerConfig(logDirs, defaultLogConfig, 300_000L, 60_000L, 1);
  }
}
