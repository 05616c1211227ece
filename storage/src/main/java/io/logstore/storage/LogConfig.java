package io.logstore.storage;

import java.util.Objects;

/**
 * Per-partition log configuration, mirroring Kafka's topic configs.
 *
 * @param segmentBytes roll when the active segment would grow beyond this ({@code segment.bytes})
 * @param segmentMs roll when the active segment's first append is older than this ({@code
 *     segment.ms})
 * @param segmentIndexBytes maximum size of one offset index; also bounds the time index entries
 * @param indexIntervalBytes bytes of log between two index entries
 * @param retentionMs delete segments whose largest timestamp is older, -1 = infinite
 * @param retentionBytes delete oldest segments while the log is larger, -1 = infinite
 * @param maxMessageBytes largest accepted batch, log overhead included
 * @param timestampType CREATE_TIME keeps producer timestamps, LOG_APPEND_TIME overwrites them
 * @param durabilityMode when data is fsynced
 * @param flushMessages in INTERVAL mode, fsync once this many messages are unflushed
 * @param flushMs in INTERVAL mode, fsync once this long has passed since the last fsync
 * @param fileDeleteDelayMs delay before deleted segment files are removed from disk
 * @param cleanupPolicy delete (retention), compact (log cleaner) or both ({@code cleanup.policy})
 * @param deleteRetentionMs how long the cleaner keeps tombstones after it first saw them ({@code
 *     delete.retention.ms})
 * @param minCleanableDirtyRatio clean once dirty bytes / cleanable bytes reach this ({@code
 *     min.cleanable.dirty.ratio})
 * @param minCompactionLagMs records younger than this are not compacted ({@code
 *     min.compaction.lag.ms})
 * @param maxCompactionLagMs a log whose oldest dirty record is older than this is cleaned whatever
 *     its dirty ratio ({@code max.compaction.lag.ms})
 */
public record LogConfig(
    long segmentBytes,
    long segmentMs,
    int segmentIndexBytes,
    int indexIntervalBytes,
    long retentionMs,
    long retentionBytes,
    int maxMessageBytes,
    TimestampType timestampType,
    DurabilityMode durabilityMode,
    long flushMessages,
    long flushMs,
    long fileDeleteDelayMs,
    CleanupPolicy cleanupPolicy,
    long deleteRetentionMs,
    double minCleanableDirtyRatio,
    long minCompactionLagMs,
    long maxCompactionLagMs) {

  static final long DEFAULT_DELETE_RETENTION_MS = 86_400_000L;
  static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

  /** Smallest segment that can hold one batch header. */
  static final long MIN_SEGMENT_BYTES = RecordBatchHeader.HEADER_SIZE;

  public LogConfig {
    Objects.requireNonNull(timestampType, "timestampType");
    Objects.requireNonNull(durabilityMode, "durabilityMode");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segmentBytes out of range: " + segmentBytes);
    }
    if (segmentMs < 1) {
      throw new IllegalArgumentException("segmentMs must be >= 1, got " + segmentMs);
    }
    if (segmentIndexBytes < OffsetIndex.ENTRY_SIZE) {
      throw new IllegalArgumentException("segmentIndexBytes too small: " + segmentIndexBytes);
    }
    if (indexIntervalBytes < 0 || maxMessageBytes < 0 || fileDeleteDelayMs < 0 || flushMs < 0) {
      throw new IllegalArgumentException("negative size or delay in " + describe());
    }
    if (retentionMs < -1 || retentionBytes < -1) {
      throw new IllegalArgumentException("retention must be >= -1");
    }
    if (flushMessages < 1) {
      throw new IllegalArgumentException("flushMessages must be >= 1, got " + flushMessages);
    }
    validateCompaction(
        deleteRetentionMs, minCleanableDirtyRatio, minCompactionLagMs, maxCompactionLagMs);
  }

  /**
   * The configuration before compaction settings existed: policy delete and Kafka's defaults for
   * the cleaner settings.
   */
  public LogConfig(
      long segmentBytes,
      long segmentMs,
      int segmentIndexBytes,
      int indexIntervalBytes,
      long retentionMs,
      long retentionBytes,
      int maxMessageBytes,
      TimestampType timestampType,
      DurabilityMode durabilityMode,
      long flushMessages,
      long flushMs,
      long fileDeleteDelayMs) {
    this(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs,
        CleanupPolicy.DELETE,
        DEFAULT_DELETE_RETENTION_MS,
        DEFAULT_MIN_CLEANABLE_DIRTY_RATIO,
        0L,
        Long.MAX_VALUE);
  }

  private static void validateCompaction(
      long deleteRetentionMs,
      double minCleanableDirtyRatio,
      long minCompactionLagMs,
      long maxCompactionLagMs) {
    if (deleteRetentionMs < 0) {
      throw new IllegalArgumentException(
          "deleteRetentionMs must be >= 0, got " + deleteRetentionMs);
    }
    if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
      throw new IllegalArgumentException(
          "minCleanableDirtyRatio must be in [0, 1], got " + minCleanableDirtyRatio);
    }
    if (minCompactionLagMs < 0 || maxCompactionLagMs < 1) {
      throw new IllegalArgumentException(
          "compaction lags out of range: min=" + minCompactionLagMs + " max=" + maxCompactionLagMs);
    }
    if (minCompactionLagMs > maxCompactionLagMs) {
      throw new IllegalArgumentException(
          "minCompactionLagMs "
              + minCompactionLagMs
              + " is above maxCompactionLagMs "
              + maxCompactionLagMs);
    }
  }

  private String describe() {
    return "indexIntervalBytes="
        + indexIntervalBytes
        + " maxMessageBytes="
        + maxMessageBytes
        + " fileDeleteDelayMs="
        + fileDeleteDelayMs
        + " flushMs="
        + flushMs;
  }

  /** Kafka's defaults, except durability: fsync before acknowledging. */
  public static LogConfig defaults() {
    long sevenDaysMs = 7L * 24 * 60 * 60 * 1000;
    return new LogConfig(
        1L << 30,
        sevenDaysMs,
        10 * 1024 * 1024,
        4096,
        sevenDaysMs,
        -1L,
        1048588,
        TimestampType.CREATE_TIME,
        DurabilityMode.FSYNC_BEFORE_ACK,
        Long.MAX_VALUE,
        Long.MAX_VALUE,
        60_000L);
  }

  public LogConfig withSegmentBytes(long value) {
    Copy c = new Copy(this);
    c.segmentBytes = value;
    return c.build();
  }

  public LogConfig withSegmentMs(long value) {
    Copy c = new Copy(this);
    c.segmentMs = value;
    return c.build();
  }

  public LogConfig withSegmentIndexBytes(int value) {
    Copy c = new Copy(this);
    c.segmentIndexBytes = value;
    return c.build();
  }

  public LogConfig withIndexIntervalBytes(int value) {
    Copy c = new Copy(this);
    c.indexIntervalBytes = value;
    return c.build();
  }

  public LogConfig withRetention(long newRetentionMs, long newRetentionBytes) {
    Copy c = new Copy(this);
    c.retentionMs = newRetentionMs;
    c.retentionBytes = newRetentionBytes;
    return c.build();
  }

  public LogConfig withMaxMessageBytes(int value) {
    Copy c = new Copy(this);
    c.maxMessageBytes = value;
    return c.build();
  }

  public LogConfig withTimestampType(TimestampType value) {
    Copy c = new Copy(this);
    c.timestampType = value;
    return c.build();
  }

  public LogConfig withDurability(DurabilityMode mode, long newFlushMessages, long newFlushMs) {
    Copy c = new Copy(this);
    c.durabilityMode = mode;
    c.flushMessages = newFlushMessages;
    c.flushMs = newFlushMs;
    return c.build();
  }

  public LogConfig withFileDeleteDelayMs(long value) {
    Copy c = new Copy(this);
    c.fileDeleteDelayMs = value;
    return c.build();
  }

  public LogConfig withCleanupPolicy(CleanupPolicy value) {
    Copy c = new Copy(this);
    c.cleanupPolicy = value;
    return c.build();
  }

  public LogConfig withDeleteRetentionMs(long value) {
    Copy c = new Copy(this);
    c.deleteRetentionMs = value;
    return c.build();
  }

  public LogConfig withMinCleanableDirtyRatio(double value) {
    Copy c = new Copy(this);
    c.minCleanableDirtyRatio = value;
    return c.build();
  }

  public LogConfig withMinCompactionLagMs(long value) {
    Copy c = new Copy(this);
    c.minCompactionLagMs = value;
    return c.build();
  }

  public LogConfig withMaxCompactionLagMs(long value) {
    Copy c = new Copy(this);
    c.maxCompactionLagMs = value;
    return c.build();
  }

  /** Sets both lags at once, so that moving them past each other does not fail validation. */
  public LogConfig withCompactionLags(long newMinCompactionLagMs, long newMaxCompactionLagMs) {
    Copy c = new Copy(this);
    c.minCompactionLagMs = newMinCompactionLagMs;
    c.maxCompactionLagMs = newMaxCompactionLagMs;
    return c.build();
  }

  /** A mutable copy for the {@code with} methods. */
  private static final class Copy {
    private long segmentBytes;
    private long segmentMs;
    private int segmentIndexBytes;
    private int indexIntervalBytes;
    private long retentionMs;
    private long retentionBytes;
    private int maxMessageBytes;
    private TimestampType timestampType;
    private DurabilityMode durabilityMode;
    private long flushMessages;
    private long flushMs;
    private long fileDeleteDelayMs;
    private CleanupPolicy cleanupPolicy;
    private long deleteRetentionMs;
    private double minCleanableDirtyRatio;
    private long minCompactionLagMs;
    private long maxCompactionLagMs;

    Copy(LogConfig c) {
      segmentBytes = c.segmentBytes;
      segmentMs = c.segmentMs;
      segmentIndexBytes = c.segmentIndexBytes;
      indexIntervalBytes = c.indexIntervalBytes;
      retentionMs = c.retentionMs;
      retentionBytes = c.retentionBytes;
      maxMessageBytes = c.maxMessageBytes;
      timestampType = c.timestampType;
      durabilityMode = c.durabilityMode;
      flushMessages = c.flushMessages;
      flushMs = c.flushMs;
      fileDeleteDelayMs = c.fileDeleteDelayMs;
      cleanupPolicy = c.cleanupPolicy;
      deleteRetentionMs = c.deleteRetentionMs;
      minCleanableDirtyRatio = c.minCleanableDirtyRatio;
      minCompactionLagMs = c.minCompactionLagMs;
      maxCompactionLagMs = c.maxCompactionLagMs;
    }

    LogConfig build() {
      return new LogConfig(
          segmentBytes,
          segmentMs,
          segmentIndexBytes,
          indexIntervalBytes,
          retentionMs,
          retentionBytes,
          maxMessageBytes,
          timestampType,
          durabilityMode,
          flushMessages,
          flushMs,
          fileDeleteDelayMs,
          cleanupPolicy,
          deleteRetentionMs,
          minCleanableDirtyRatio,
          minCompactionLagMs,
          maxCompactionLagMs);
    }
  }
}
