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
    long fileDeleteDelayMs) {

  /** Smallest segment that can hold one batch header. */
  static final long MIN_SEGMENT_BYTES = RecordBatchHeader.HEADER_SIZE;

  public LogConfig {
    Objects.requireNonNull(timestampType, "timestampType");
    Objects.requireNonNull(durabilityMode, "durabilityMode");
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
    return new LogConfig(
        value,
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
        fileDeleteDelayMs);
  }

  public LogConfig withSegmentMs(long value) {
    return new LogConfig(
        segmentBytes,
        value,
        segmentIndexBytes,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withSegmentIndexBytes(int value) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        value,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withIndexIntervalBytes(int value) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        value,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withRetention(long newRetentionMs, long newRetentionBytes) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        indexIntervalBytes,
        newRetentionMs,
        newRetentionBytes,
        maxMessageBytes,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withMaxMessageBytes(int value) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        value,
        timestampType,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withTimestampType(TimestampType value) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        value,
        durabilityMode,
        flushMessages,
        flushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withDurability(DurabilityMode mode, long newFlushMessages, long newFlushMs) {
    return new LogConfig(
        segmentBytes,
        segmentMs,
        segmentIndexBytes,
        indexIntervalBytes,
        retentionMs,
        retentionBytes,
        maxMessageBytes,
        timestampType,
        mode,
        newFlushMessages,
        newFlushMs,
        fileDeleteDelayMs);
  }

  public LogConfig withFileDeleteDelayMs(long value) {
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
        value);
  }
}
