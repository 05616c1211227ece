package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction, Kafka's cleaner: keeps the latest record of each key in the old segments of logs
 * whose cleanup policy includes compact.
 *
 * <p>One clean of a log: (1) the cleanable section is the non-active segments entirely below the
 * high watermark and older than {@code minCompactionLagMs}; its dirty part starts at the cleaner
 * checkpoint. (2) A key to latest offset map ({@link OffsetMap}) is built over the dirty part (if
 * the map fills up, the clean stops at the first record that did not fit). (3) The segments from
 * the log start up to that end are rewritten in groups (each at most {@code segmentBytes} and one
 * index in size) through {@link RecordBatchCodec#filter}: a keyed record is kept if it is the
 * latest of its key or beyond the mapped range; a tombstone only until its batch's delete horizon
 * ({@code deleteRetentionMs} after the clean that first kept it, Kafka's KIP-534 rule); keyless
 * records are dropped as Kafka drops them; control batches are kept (no transactions exist yet);
 * the last batch of each producer is kept, empty if need be, for idempotence. (4) Each group is
 * swapped in by {@link CleanerSwap#replace}. Offsets never change.
 *
 * <p>Threading: runs on the {@code logstore-cleaner} thread (or a test thread calling {@link
 * LogManager#runCleanerOnce()}); {@link LogManager} serializes calls. It reads old segments without
 * locks (they are immutable until they are removed, and removed files stay readable for {@code
 * fileDeleteDelayMs}); the swap takes the partition's locks and is dropped if the segments changed
 * meanwhile.
 */
final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

  /** Bytes read per step (Kafka's {@code log.cleaner.io.buffer.size}); one batch may exceed it. */
  static final int IO_BUFFER_BYTES = 1 << 20;

  /** Test hook: where a clean throws {@link SimulatedCrashException}, leaving its files. */
  enum CrashPoint {
    NONE,
    /** The {@code .cleaned} files are written and fsynced, nothing renamed yet. */
    BEFORE_SWAP,
    /** The {@code .swap} files are committed, the old segments still in place. */
    AFTER_SWAP;

    void maybeCrash(CrashPoint here) {
      if (this == here) {
        throw new SimulatedCrashException(here);
      }
    }
  }

  /** Thrown at a {@link CrashPoint} in tests. */
  static final class SimulatedCrashException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrashException(CrashPoint at) {
      super("simulated crash " + at);
    }
  }

  /** The log manager is closing or the log was closed: the clean is abandoned. */
  static final class CleanerStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CleanerStoppedException(PartitionId id) {
      super("clean of " + id + " stopped");
    }
  }

  /**
   * What one clean of a log covers.
   *
   * @param cleanable non-active segments below the high watermark and the compaction lag
   * @param upperOffsets for each cleanable segment, the base offset of the segment after it
   * @param firstDirtyOffset the cleaner checkpoint (clamped to the log)
   * @param dirtyBytes bytes of the cleanable segments at or after the first dirty offset
   * @param cleanableBytes bytes of all cleanable segments
   * @param reason why this log is cleaned now
   */
  record Plan(
      List<LogSegment> cleanable,
      List<Long> upperOffsets,
      long firstDirtyOffset,
      long dirtyBytes,
      long cleanableBytes,
      String reason) {

    long endOffset() {
      return upperOffsets.get(upperOffsets.size() - 1);
    }

    double dirtyRatio() {
      return cleanableBytes == 0 ? 0 : (double) dirtyBytes / cleanableBytes;
    }
  }

  private final RecordBatchCodec codec;
  private final long dedupeBufferBytes;
  private final BooleanSupplier stopping;
  private OffsetMap map;
  private volatile CrashPoint crashPoint = CrashPoint.NONE;

  LogCleaner(RecordBatchCodec codec, long dedupeBufferBytes, BooleanSupplier stopping) {
    this.codec = codec;
    this.dedupeBufferBytes = dedupeBufferBytes;
    this.stopping = stopping;
  }

  void crashAt(CrashPoint point) {
    this.crashPoint = point;
  }

  /** The clean {@code log} needs now, or null if it needs none. */
  static Plan plan(PartitionLog log, long nowMs) throws IOException {
    LogConfig cfg = log.config();
    if (!cfg.cleanupPolicy().includesCompact()) {
      return null;
    }
    List<LogSegment> all = log.segmentSet().snapshot();
    long highWatermark = log.highWatermark();
    long youngest =
        cfg.minCompactionLagMs() > 0 ? nowMs - cfg.minCompactionLagMs() : Long.MAX_VALUE;
    List<LogSegment> cleanable = new ArrayList<>();
    List<Long> uppers = new ArrayList<>();
    for (int i = 0; i + 1 < all.size(); i++) {
      LogSegment s = all.get(i);
      long upper = all.get(i + 1).baseOffset();
      if (upper > highWatermark || s.maxTimestampSoFar() > youngest) {
        break;
      }
      cleanable.add(s);
      uppers.add(upper);
    }
    if (cleanable.isEmpty()) {
      return null;
    }
    long firstDirty = log.cleanerCheckpointOffset();
    long dirtyBytes = 0;
    long totalBytes = 0;
    LogSegment firstDirtySegment = null;
    for (int i = 0; i < cleanable.size(); i++) {
      LogSegment s = cleanable.get(i);
      totalBytes += s.sizeBytes();
      if (uppers.get(i) > firstDirty) {
        dirtyBytes += s.sizeBytes();
        if (firstDirtySegment == null) {
          firstDirtySegment = s;
        }
      }
    }
    String reason = null;
    if (dirtyBytes > 0 && (double) dirtyBytes / totalBytes >= cfg.minCleanableDirtyRatio()) {
      reason = "dirty ratio";
    } else if (dirtyBytes > 0 && pastMaxCompactionLag(firstDirtySegment, cfg, nowMs)) {
      reason = "max compaction lag";
    } else if (log.cleanerState().earliestDeleteHorizonMs() <= nowMs) {
      reason = "tombstones past their delete horizon";
    }
    if (reason == null) {
      return null;
    }
    return new Plan(
        List.copyOf(cleanable), List.copyOf(uppers), firstDirty, dirtyBytes, totalBytes, reason);
  }

  private static boolean pastMaxCompactionLag(LogSegment firstDirty, LogConfig cfg, long nowMs)
      throws IOException {
    if (cfg.maxCompactionLagMs() == Long.MAX_VALUE) {
      return false;
    }
    RecordBatchHeader first = firstDirty.firstBatchHeader();
    return first != null && nowMs - first.maxTimestamp() > cfg.maxCompactionLagMs();
  }

  /**
   * Cleans {@code log} if it needs it.
   *
   * @return true if the log was cleaned
   */
  boolean clean(PartitionLog log, long nowMs) throws IOException {
    Plan plan = plan(log, nowMs);
    if (plan == null) {
      return false;
    }
    long truncationsAtStart = log.cleanerState().truncations();
    long sizeBefore = log.sizeInBytes();
    OffsetMap offsets = offsetMap();
    long endOffset = buildOffsetMap(log, plan, offsets);
    List<LogSegment> segments = new ArrayList<>();
    for (LogSegment s : plan.cleanable()) {
      if (s.baseOffset() < endOffset) {
        segments.add(s);
      }
    }
    LogConfig cfg = log.config();
    Filter filter = new Filter(offsets, endOffset, log.lastProducerBatchOffsets(), nowMs);
    long[] earliestHorizon = {Long.MAX_VALUE};
    for (List<LogSegment> group : groups(segments, cfg)) {
      if (!cleanGroup(log, group, filter, cfg, nowMs, earliestHorizon, truncationsAtStart)) {
        return false;
      }
    }
    log.cleanerState().updateCheckpoint(endOffset);
    log.cleanerState().updateEarliestDeleteHorizonMs(earliestHorizon[0]);
    LOG.info(
        "Cleaned log: topicPartition={} reason={} dirtyRatio={} firstDirtyOffset={}"
            + " cleanedUpTo={} keys={} segments={} sizeBefore={} sizeAfter={}",
        log.id(),
        plan.reason(),
        String.format("%.3f", plan.dirtyRatio()),
        plan.firstDirtyOffset(),
        endOffset,
        offsets.size(),
        segments.size(),
        sizeBefore,
        log.sizeInBytes());
    return true;
  }

  private OffsetMap offsetMap() {
    if (map == null) {
      map = new OffsetMap(dedupeBufferBytes);
    } else {
      map.clear();
    }
    return map;
  }

  /**
   * Maps every keyed record of the dirty section to its latest offset.
   *
   * @return the end of the mapped range: the plan's end, or the first record that did not fit
   */
  private long buildOffsetMap(PartitionLog log, Plan plan, OffsetMap offsets) throws IOException {
    long firstDirty = plan.firstDirtyOffset();
    long[] stoppedAt = {-1L};
    for (int i = 0; i < plan.cleanable().size() && stoppedAt[0] < 0; i++) {
      LogSegment segment = plan.cleanable().get(i);
      long upper = plan.upperOffsets().get(i);
      long next = Math.max(segment.baseOffset(), firstDirty);
      while (next < upper && stoppedAt[0] < 0) {
        checkStopping(log);
        ByteBuffer batches = readChunk(segment, next);
        if (batches == null) {
          break;
        }
        long from = next;
        codec.forEachRecord(
            batches,
            (batch, record) -> {
              if (stoppedAt[0] >= 0
                  || record.offset() < from
                  || batch.isControl()
                  || record.key() == null) {
                return;
              }
              if (offsets.isFull()) {
                stoppedAt[0] = record.offset();
                return;
              }
              offsets.put(record.key(), record.offset());
            });
        next = nextOffsetAfter(batches);
      }
    }
    if (stoppedAt[0] >= 0) {
      LOG.info(
          "Offset map is full, cleaning part of the dirty section: topicPartition={} offset={}",
          log.id(),
          stoppedAt[0]);
      return stoppedAt[0];
    }
    return plan.endOffset();
  }

  /** Whole batches from the one holding {@code offset}, or null past the segment's end. */
  private static ByteBuffer readChunk(LogSegment segment, long offset) throws IOException {
    LogSlice slice = segment.read(offset, IO_BUFFER_BYTES, Long.MAX_VALUE, true);
    if (slice == null || slice.isEmpty()) {
      return null;
    }
    return slice.readFully();
  }

  private static long nextOffsetAfter(ByteBuffer batches) {
    long next = -1L;
    int pos = batches.position();
    while (batches.limit() - pos >= RecordBatchHeader.HEADER_SIZE) {
      RecordBatchHeader h = RecordBatchHeader.parse(batches, pos);
      next = h.nextOffset();
      pos += h.sizeInBytes();
    }
    return next;
  }

  /**
   * Consecutive segments whose cleaned output fits one segment: at most {@code segmentBytes} and
   * one index of input, offsets within one segment's relative range.
   */
  static List<List<LogSegment>> groups(List<LogSegment> segments, LogConfig cfg) {
    int maxIndexEntries = Math.max(1, cfg.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE);
    int maxTimeEntries = Math.max(1, cfg.segmentIndexBytes() / TimeIndex.ENTRY_SIZE);
    List<List<LogSegment>> groups = new ArrayList<>();
    List<LogSegment> current = new ArrayList<>();
    long bytes = 0;
    long indexEntries = 0;
    long timeEntries = 0;
    for (LogSegment s : segments) {
      long entries = s.offsetIndex().entries() + 1L;
      long times = s.timeIndex().entries() + 1L;
      boolean fits =
          bytes + s.sizeBytes() <= cfg.segmentBytes()
              && indexEntries + entries <= maxIndexEntries
              && timeEntries + times <= maxTimeEntries
              && s.nextOffset() - 1 - (current.isEmpty() ? s : current.get(0)).baseOffset()
                  <= Integer.MAX_VALUE;
      if (!current.isEmpty() && !fits) {
        groups.add(current);
        current = new ArrayList<>();
        bytes = 0;
        indexEntries = 0;
        timeEntries = 0;
      }
      current.add(s);
      bytes += s.sizeBytes();
      indexEntries += entries;
      timeEntries += times;
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  private boolean cleanGroup(
      PartitionLog log,
      List<LogSegment> group,
      Filter filter,
      LogConfig cfg,
      long nowMs,
      long[] earliestHorizon,
      long truncationsAtStart)
      throws IOException {
    long base = group.get(0).baseOffset();
    LogSegment cleaned = LogSegment.createCleaned(log.id(), log.dir(), base, cfg);
    boolean written = false;
    try {
      for (LogSegment segment : group) {
        long next = segment.baseOffset();
        ByteBuffer batches;
        while ((batches = readChunk(segment, next)) != null) {
          checkStopping(log);
          next = nextOffsetAfter(batches);
          ByteBuffer kept = codec.filter(batches, nowMs, cfg.deleteRetentionMs(), filter);
          if (kept.hasRemaining()) {
            List<RecordBatchHeader> headers = checkedHeaders(log, kept, cleaned, base);
            for (RecordBatchHeader h : headers) {
              long horizon = h.deleteHorizonMs();
              if (horizon >= nowMs && !h.isControl()) {
                earliestHorizon[0] = Math.min(earliestHorizon[0], horizon);
              }
            }
            cleaned.append(kept, headers, nowMs);
          }
        }
      }
      cleaned.onBecomeInactive();
      cleaned.flush(log.runtime().syncer());
      written = true;
    } finally {
      cleaned.close();
      if (!written) {
        deleteCleanedFiles(log.dir(), base);
      }
    }
    return CleanerSwap.replace(log, group, truncationsAtStart, crashPoint);
  }

  /** Headers of the codec's output, checked: whole v2 batches, offsets increasing and in range. */
  private List<RecordBatchHeader> checkedHeaders(
      PartitionLog log, ByteBuffer kept, LogSegment cleaned, long base) {
    List<RecordBatchHeader> headers = new ArrayList<>();
    long expected = cleaned.nextOffset();
    int pos = kept.position();
    while (pos < kept.limit()) {
      RecordBatchHeader h =
          kept.limit() - pos >= RecordBatchHeader.HEADER_SIZE
              ? RecordBatchHeader.parse(kept, pos)
              : null;
      if (h == null
          || h.magic() != RecordBatchHeader.MAGIC_V2
          || h.batchLength() < 0
          || h.sizeInBytes() > kept.limit() - pos
          || h.baseOffset() < expected
          || h.lastOffsetDelta() < 0
          || h.lastOffset() - base > Integer.MAX_VALUE) {
        throw new IllegalStateException(
            "record batch codec "
                + codec.getClass().getName()
                + " returned an invalid batch for "
                + log.id()
                + " at offset "
                + expected
                + ": "
                + h);
      }
      headers.add(h);
      expected = h.nextOffset();
      pos += h.sizeInBytes();
    }
    return headers;
  }

  private static void deleteCleanedFiles(Path dir, long base) throws IOException {
    for (String suffix :
        List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX)) {
      Files.deleteIfExists(
          dir.resolve(LogSegment.fileName(base, suffix) + LogSegment.CLEANED_SUFFIX));
    }
  }

  private void checkStopping(PartitionLog log) {
    if (stopping.getAsBoolean() || log.isClosed()) {
      throw new CleanerStoppedException(log.id());
    }
  }

  /** Kafka's {@code LogCleaner} retention rules for one clean. */
  private static final class Filter implements RecordBatchCodec.RecordFilter {
    private final OffsetMap offsets;
    private final long mappedEndOffset;
    private final Map<Long, Long> lastProducerBatches;
    private final long nowMs;

    Filter(
        OffsetMap offsets, long mappedEndOffset, Map<Long, Long> lastProducerBatches, long nowMs) {
      this.offsets = offsets;
      this.mappedEndOffset = mappedEndOffset;
      this.lastProducerBatches = lastProducerBatches;
      this.nowMs = nowMs;
    }

    @Override
    public boolean retainEmptyBatch(RecordBatchCodec.BatchInfo batch) {
      Long last = batch.producerId() >= 0 ? lastProducerBatches.get(batch.producerId()) : null;
      return last != null && last == batch.baseOffset();
    }

    @Override
    public boolean keep(RecordBatchCodec.BatchInfo batch, RecordBatchCodec.RecordInfo record) {
      if (batch.isControl() || record.offset() >= mappedEndOffset) {
        return true;
      }
      if (record.key() == null) {
        return false;
      }
      boolean latest = record.offset() >= offsets.get(record.key());
      boolean retainedValue =
          !record.valueIsNull() || !batch.hasDeleteHorizon() || nowMs < batch.deleteHorizonMs();
      return latest && retainedValue;
    }
  }
}
