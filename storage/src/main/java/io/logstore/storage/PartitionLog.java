package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered set of {@link LogSegment}s in the directory {@code
 * <topic>-<partition>}, plus {@code partition.metadata}, {@code leader-epoch-checkpoint} and
 * producer snapshots.
 *
 * <p>The files of the directory and their start-up clean-up: {@link PartitionDirectory}.
 *
 * <p>Threading: appends, roll, truncation and retention hold {@code appendLock} (any thread). Flush
 * rounds run on a flusher thread under {@code flushLock}; truncation and segment removal also take
 * {@code flushLock} (always after {@code appendLock}). Reads take no lock: they use the volatile
 * offsets and the segment map, and segments publish their size after writing.
 */
public final class PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  private final PartitionId id;
  private final UUID topicId;
  private final Path dir;
  private final LogRuntime runtime;
  private final SegmentSet segments = new SegmentSet();
  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ProducerStateManager producerState;
  private LeaderEpochCache epochCache;
  private volatile LogConfig config;
  private volatile long logStartOffset;
  private volatile long logEndOffset;
  private volatile long highWatermark;
  private volatile long lastFlushMs;
  private volatile boolean closed;

  private final CleanerState cleanerState = new CleanerState();

  private final FlushWaiters flushed = new FlushWaiters();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicLong fsyncCount = new AtomicLong();

  private final DeferredWrites deferred = new DeferredWrites();

  private PartitionLog(
      PartitionId id, UUID topicId, Path dir, LogConfig config, LogRuntime runtime) {
    this.id = id;
    this.topicId = topicId;
    this.dir = dir;
    this.config = config;
    this.runtime = runtime;
    this.producerState = new ProducerStateManager(id, dir);
    this.epochCache = LeaderEpochCache.empty(dir);
    this.lastFlushMs = runtime.clock().millis();
  }

  // ---------------------------------------------------------------- creation and loading

  /** Creates the directory, partition.metadata and an empty first segment. */
  static PartitionLog create(
      PartitionId id, UUID topicId, Path dir, LogConfig config, LogRuntime runtime)
      throws IOException {
    Files.createDirectories(dir);
    PartitionDirectory.writeMetadata(dir, id, topicId);
    AtomicFiles.fsyncDirectory(dir.getParent());
    PartitionLog log = new PartitionLog(id, topicId, dir, config, runtime);
    log.segments.put(LogSegment.create(id, dir, 0L, config));
    log.epochCache.flush();
    log.deferred.directoryChanged();
    return log;
  }

  /** Loads a partition directory, recovering it unless the shutdown was clean. */
  static PartitionLog load(Path dir, LogConfig config, LogRuntime runtime, RecoveryHints hints)
      throws IOException {
    PartitionId id = PartitionId.fromDirName(dir.getFileName().toString());
    UUID topicId = PartitionDirectory.readMetadata(dir, id);
    PartitionLog log = new PartitionLog(id, topicId, dir, config, runtime);
    log.loadSegments(hints);
    return log;
  }

  private void loadSegments(RecoveryHints hints) throws IOException {
    LogLoader.Loaded loaded = LogLoader.load(id, dir, config, hints, segments);
    epochCache = loaded.epochCache();
    logStartOffset = loaded.logStartOffset();
    logEndOffset = loaded.logEndOffset();
    highWatermark = loaded.highWatermark();
    if (loaded.createdFirstSegment()) {
      deferred.directoryChanged();
    }
    if (loaded.recovered()) {
      for (LogSegment s : segments.all()) {
        s.markIndexesDirty();
      }
      flushLock.lock();
      try {
        flushSegments();
      } finally {
        flushLock.unlock();
      }
      AtomicFiles.fsyncDirectory(dir);
    }
    flushed.reset(logEndOffset);
    rebuildProducerState();
    LOG.info(
        "Loaded log: topicPartition={} segments={} logStartOffset={} logEndOffset={} recovered={}",
        id,
        segments.size(),
        logStartOffset,
        logEndOffset,
        loaded.recovered());
  }

  private void rebuildProducerState() throws IOException {
    LogLoader.rebuildProducerState(producerState, segments, logStartOffset, logEndOffset);
  }

  // ---------------------------------------------------------------- accessors

  public PartitionId id() {
    return id;
  }

  public UUID topicId() {
    return topicId;
  }

  public LogConfig config() {
    return config;
  }

  /** Replaces the config; size and index limits apply to segments created from now on. */
  public void updateConfig(LogConfig c) {
    this.config = java.util.Objects.requireNonNull(c, "config");
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }

  /** All offsets below this are fsynced (the recovery point). */
  public long flushedOffset() {
    return flushed.flushedOffset();
  }

  public long highWatermark() {
    return highWatermark;
  }

  /** Sets the high watermark, clamped to {@code [logStartOffset, logEndOffset]}. */
  public void updateHighWatermark(long hw) {
    highWatermark = Math.max(logStartOffset, Math.min(hw, logEndOffset));
  }

  public long sizeInBytes() {
    return segments.sizeInBytes();
  }

  public int segmentCount() {
    return segments.size();
  }

  Path dir() {
    return dir;
  }

  long fsyncCount() {
    return fsyncCount.get();
  }

  LogRuntime runtime() {
    return runtime;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * The first offset the log cleaner has not compacted yet (its checkpoint, clamped to the log);
   * the log start offset if the log was never cleaned.
   */
  public long cleanerCheckpointOffset() {
    return cleanerState.firstDirtyOffset(logStartOffset, logEndOffset);
  }

  CleanerState cleanerState() {
    return cleanerState;
  }

  /** Producer id to the base offset of its last batch (the cleaner keeps those batches). */
  Map<Long, Long> lastProducerBatchOffsets() {
    appendLock.lock();
    try {
      return producerState.lastBatchBaseOffsets();
    } finally {
      appendLock.unlock();
    }
  }

  // ---------------------------------------------------------------- appends

  /**
   * Validates every batch (magic 2, CRC-32C, batchLength consistent with the buffer, for
   * uncompressed batches that the records walk matches recordCount and lastOffsetDelta ==
   * recordCount-1, each batch's size <= maxMessageBytes), checks idempotent producer sequences,
   * assigns offsets by rewriting baseOffset and partitionLeaderEpoch in place (CRC unaffected), for
   * LOG_APPEND_TIME sets the timestampType bit and maxTimestamp=now and recomputes the CRC, then
   * appends to the active segment (rolling by segmentBytes, segmentMs, full index, or relative
   * offset overflow). Thread-safe. Nothing is appended if any batch is invalid. The bytes are
   * written before returning, so the buffer may be a view of a network frame.
   *
   * <p>To wait for durability call {@code awaitFlushed(result.lastOffset() + 1)}.
   */
  public AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch)
      throws InvalidBatchException,
          RecordTooLargeException,
          OutOfOrderSequenceException,
          InvalidProducerEpochException,
          IOException {
    LogConfig cfg = config;
    List<RecordBatchHeader> headers =
        BatchValidator.validate(batches, id, cfg.maxMessageBytes(), true);
    if (batches.remaining() > cfg.segmentBytes()) {
      throw new RecordTooLargeException(id, batches.remaining(), cfg.segmentBytes());
    }
    boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
    appendLock.lock();
    try {
      ensureOpen();
      Optional<ProducerStateManager.BatchMetadata> duplicate = producerState.check(headers);
      if (duplicate.isPresent()) {
        ProducerStateManager.BatchMetadata b = duplicate.get();
        LOG.debug("Duplicate batch: topicPartition={} offset={}", id, b.firstOffset());
        return new AppendResult(
            b.firstOffset(),
            b.lastOffset(),
            logAppendTime ? b.timestamp() : -1L,
            logStartOffset,
            true,
            (int) (b.lastOffset() - b.firstOffset() + 1));
      }
      long nowMs = runtime.clock().millis();
      List<RecordBatchHeader> assigned =
          RecordBatchHeader.assignOffsets(
              batches, headers, logEndOffset, leaderEpoch, logAppendTime ? nowMs : -1L);
      int records = 0;
      for (RecordBatchHeader h : assigned) {
        records += h.recordCount();
      }
      appendLocked(batches, assigned, nowMs);
      return new AppendResult(
          assigned.get(0).baseOffset(),
          assigned.get(assigned.size() - 1).lastOffset(),
          logAppendTime ? nowMs : -1L,
          logStartOffset,
          false,
          records);
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Replication follower path: keeps offsets and epochs as given (each batch must start at or after
   * the log end offset and after the previous batch), still CRC-validated.
   */
  public void appendAsFollower(ByteBuffer batches) throws InvalidBatchException, IOException {
    List<RecordBatchHeader> headers;
    try {
      headers = BatchValidator.validate(batches, id, Integer.MAX_VALUE, false);
    } catch (RecordTooLargeException e) {
      throw new IllegalStateException("no size limit on the follower path", e);
    }
    appendLock.lock();
    try {
      ensureOpen();
      BatchValidator.checkAscendingFrom(headers, logEndOffset, id);
      appendLocked(batches, headers, runtime.clock().millis());
    } finally {
      appendLock.unlock();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("log of " + id + " in " + dir + " is closed");
    }
  }

  private void appendLocked(ByteBuffer batches, List<RecordBatchHeader> headers, long nowMs)
      throws IOException {
    RecordBatchHeader first = headers.get(0);
    RecordBatchHeader last = headers.get(headers.size() - 1);
    maybeRoll(batches.remaining(), first.baseOffset(), last.lastOffset(), nowMs);
    segments.active().append(batches, headers, nowMs);
    for (RecordBatchHeader h : headers) {
      producerState.update(h);
    }
    logEndOffset = last.nextOffset();
    for (RecordBatchHeader h : headers) {
      if (epochCache.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset())) {
        deferred.epochAdded();
      }
    }
    LogConfig cfg = config;
    if (cfg.durabilityMode() == DurabilityMode.INTERVAL) {
      if (logEndOffset - flushed.flushedOffset() >= cfg.flushMessages()) {
        requestFlush();
      }
    } else if (flushed.hasWaiters()) {
      requestFlush();
    }
  }

  private void maybeRoll(int bytes, long firstOffset, long lastOffset, long nowMs)
      throws IOException {
    LogConfig cfg = config;
    LogSegment active = segments.active();
    boolean nonEmpty = active.sizeBytes() > 0;
    String reason = null;
    if (nonEmpty && (long) active.sizeBytes() + bytes > cfg.segmentBytes()) {
      reason = "segmentBytes";
    } else if (nonEmpty && nowMs - active.rollingStartMs() > cfg.segmentMs()) {
      reason = "segmentMs";
    } else if (active.indexesFull()) {
      reason = "index full";
    } else if (lastOffset - active.baseOffset() > Integer.MAX_VALUE) {
      reason = "relative offset overflow";
    }
    if (reason != null) {
      roll(firstOffset, reason);
    }
  }

  private void roll(long newBaseOffset, String reason) throws IOException {
    LogSegment old = segments.active();
    if (segments.containsBase(newBaseOffset)) {
      throw new IllegalStateException(
          "cannot roll " + id + ": a segment with base offset " + newBaseOffset + " exists");
    }
    old.onBecomeInactive();
    // Captured here, written by the flush round this roll requests: no fsync under the append lock.
    deferred.snapshotTaken(producerState.captureSnapshot(logEndOffset));
    LogSegment segment = LogSegment.create(id, dir, newBaseOffset, config);
    segments.put(segment);
    deferred.directoryChanged();
    LOG.info(
        "Rolled segment: topicPartition={} offset={} reason={} previousSizeBytes={}",
        id,
        newBaseOffset,
        reason,
        old.sizeBytes());
    requestFlush();
  }

  // ---------------------------------------------------------------- flushing

  /**
   * Completes (on the flusher thread) once {@code flushedOffset() >= offset}; pass {@code
   * lastOffset + 1} to wait for a batch. In FSYNC_BEFORE_ACK mode this requests a flush; appends
   * arriving while an fsync runs are covered by the next fsync (group commit). In INTERVAL mode it
   * completes immediately. Completes exceptionally with the IOException if fsync fails.
   */
  public CompletableFuture<Void> awaitFlushed(long offset) {
    if (config.durabilityMode() == DurabilityMode.INTERVAL) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> future = flushed.await(offset);
    if (!future.isDone()) {
      requestFlush();
    }
    return future;
  }

  void requestFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      runtime.flusher().schedule(this);
    }
  }

  /** In INTERVAL mode, requests a flush if flushMs has passed since the last one. */
  void maybeFlushOnInterval(long nowMs) {
    LogConfig cfg = config;
    if (cfg.durabilityMode() == DurabilityMode.INTERVAL
        && logEndOffset > flushed.flushedOffset()
        && nowMs - lastFlushMs >= cfg.flushMs()) {
      requestFlush();
    }
  }

  /**
   * One group-commit round, on a flusher thread: target = log end offset now, fsync every segment
   * with unflushed bytes (and rolled segments' indexes, and the directory after a roll), then
   * flushedOffset = target and complete the waiters it covers, in offset order.
   */
  void flushRound() {
    flushScheduled.set(false);
    if (closed) {
      return;
    }
    FlushWaiters.Advance done = null;
    IOException failure = null;
    flushLock.lock();
    try {
      long target = logEndOffset;
      flushSegments();
      done = advanceFlushed(target);
    } catch (IOException e) {
      LOG.error(
          "Flush failed: topicPartition={} dir={} offset={}", id, dir, flushed.flushedOffset(), e);
      failure = e;
    } finally {
      flushLock.unlock();
    }
    // Waiters complete outside the lock: their callbacks may take the caller's locks (a replicated
    // partition's monitor), and those callers may truncate, which takes the flush lock.
    if (failure != null) {
      flushed.failAll(failure);
    } else {
      done.complete();
    }
  }

  private void flushSegments() throws IOException {
    fsyncCount.addAndGet(segments.flush(runtime.syncer()));
    fsyncCount.addAndGet(deferred.writeAll(dir, epochCache, producerState));
    lastFlushMs = runtime.clock().millis();
  }

  /** Sets the flushed offset; returns the waiters it covers (to complete), in offset order. */
  private FlushWaiters.Advance advanceFlushed(long target) {
    FlushWaiters.Advance advance = flushed.advanceTo(target, logEndOffset);
    if (advance.moreToFlush()) {
      requestFlush();
    }
    return advance;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Whole batches starting with the batch that contains {@code offset}, only batches whose last
   * offset is below {@code maxOffsetExclusive} (and below the log end offset), from one segment, at
   * most maxBytes unless minOneBatch and the first batch alone is larger (then exactly that batch).
   * {@code offset == logEndOffset} (or nothing below maxOffsetExclusive) gives an empty slice.
   * Locates the position through the offset index, then scans batch headers.
   */
  public LogSlice read(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
      throws OffsetOutOfRangeException, IOException {
    long end = logEndOffset;
    long start = logStartOffset;
    if (offset < start || offset > end) {
      throw new OffsetOutOfRangeException(id, offset, start, end);
    }
    if (offset == end) {
      return LogSlice.empty();
    }
    return segments.read(offset, maxBytes, Math.min(maxOffsetExclusive, end), minOneBatch);
  }

  /** The first batch whose maxTimestamp is >= timestampMs, found through the time index. */
  public Optional<LogSlice> firstBatchWithMaxTimestampAtLeast(long timestampMs) throws IOException {
    return segments.firstBatchWithMaxTimestampAtLeast(timestampMs, logEndOffset);
  }

  /** The batch holding the largest timestamp (first such batch), for ListOffsets MAX_TIMESTAMP. */
  public Optional<LogSlice> batchWithLargestTimestamp() throws IOException {
    return segments.batchWithLargestTimestamp();
  }

  // ---------------------------------------------------------------- truncation and retention

  /**
   * Drops everything at or above {@code offset} (a batch straddling it goes entirely), records and
   * leader epochs starting there (also when {@code offset} is the log end).
   */
  public void truncateTo(long offset) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("cannot truncate " + id + " to " + offset);
    }
    appendLock.lock();
    try {
      ensureOpen();
      if (offset >= logEndOffset) {
        // No record goes, but a leader epoch assigned at the log end with no record yet does: a
        // former leader's empty epoch would otherwise be sent as the last fetched epoch forever.
        epochCache.truncateFromEnd(offset);
        return;
      }
      cleanerState.onTruncatedTo(offset);
      if (offset < logStartOffset) {
        truncateFullyLocked(offset);
        return;
      }
      flushLock.lock();
      try {
        List<LogSegment> removed = segments.removeAfter(offset);
        long newEnd = segments.active().truncateTo(offset);
        logEndOffset = newEnd;
        deferred.dropSnapshot();
        flushed.capAt(newEnd);
        highWatermark = Math.min(highWatermark, newEnd);
        if (!removed.isEmpty()) {
          deferred.directoryChanged();
        }
        scheduleDeletion(removed, "truncation");
        LOG.info("Truncated log: topicPartition={} offset={} logEndOffset={}", id, offset, newEnd);
      } finally {
        flushLock.unlock();
      }
      epochCache.truncateFromEnd(logEndOffset);
      rebuildProducerState();
    } finally {
      appendLock.unlock();
    }
  }

  /** Deletes every segment and starts an empty log at {@code offset}. */
  public void truncateFullyAndStartAt(long offset) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("cannot start " + id + " at " + offset);
    }
    appendLock.lock();
    try {
      ensureOpen();
      truncateFullyLocked(offset);
    } finally {
      appendLock.unlock();
    }
  }

  private void truncateFullyLocked(long offset) throws IOException {
    cleanerState.onTruncatedFully();
    flushLock.lock();
    try {
      List<LogSegment> removed = segments.removeAll();
      for (LogSegment s : removed) {
        s.renameToDeleted();
      }
      segments.put(LogSegment.create(id, dir, offset, config));
      deferred.dropSnapshot();
      logStartOffset = offset;
      logEndOffset = offset;
      highWatermark = offset;
      flushed.reset(offset);
      deferred.directoryChanged();
      scheduleDeletionOfRenamed(removed, "full truncation");
    } finally {
      flushLock.unlock();
    }
    epochCache.clear();
    producerState.clear();
    producerState.deleteAllSnapshots();
    LOG.info("Truncated log fully: topicPartition={} offset={}", id, offset);
  }

  /**
   * Moves the log start offset up to {@code offset} (DeleteRecords) and deletes whole segments
   * below it (only segments below the high watermark, like Kafka).
   *
   * @return the new log start offset
   * @throws IllegalArgumentException if offset is above the log end offset
   */
  public long deleteRecordsBefore(long offset) throws IOException {
    appendLock.lock();
    try {
      ensureOpen();
      if (offset > logEndOffset) {
        throw new IllegalArgumentException(
            "cannot delete records of " + id + " before " + offset + " > log end " + logEndOffset);
      }
      if (offset <= logStartOffset) {
        return logStartOffset;
      }
      logStartOffset = offset;
      highWatermark = Math.max(highWatermark, offset);
      epochCache.truncateFromStart(offset);
      deleteOldSegments(SegmentSet.belowLogStart(offset), "log start");
      return logStartOffset;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Applies retention.ms, retention.bytes (only when the cleanup policy includes delete) and the
   * log start offset.
   *
   * <p>Like Kafka, only segments entirely below the high watermark are deleted, and the active
   * segment only when it is expired and non-empty (it is rolled first).
   *
   * @return the number of segments deleted
   */
  int applyRetention() throws IOException {
    appendLock.lock();
    try {
      if (closed) {
        return 0;
      }
      LogConfig cfg = config;
      long nowMs = runtime.clock().millis();
      int deleted = 0;
      boolean delete = cfg.cleanupPolicy().includesDelete();
      if (delete && cfg.retentionMs() >= 0) {
        deleted +=
            deleteOldSegments(SegmentSet.olderThan(cfg.retentionMs(), nowMs), "retention.ms");
      }
      if (delete && cfg.retentionBytes() >= 0) {
        deleted +=
            deleteOldSegments(
                SegmentSet.oldestBytes(sizeInBytes() - cfg.retentionBytes()), "retention.bytes");
      }
      deleted += deleteOldSegments(SegmentSet.belowLogStart(logStartOffset), "log start");
      return deleted;
    } finally {
      appendLock.unlock();
    }
  }

  private int deleteOldSegments(SegmentSet.SegmentPredicate predicate, String reason)
      throws IOException {
    SegmentSet.Deletable found = segments.deletablePrefix(predicate, logEndOffset, highWatermark);
    List<LogSegment> deletable = found.segments();
    if (deletable.isEmpty()) {
      return 0;
    }
    if (found.includesActive()) {
      roll(logEndOffset, "expired active segment");
    }
    flushLock.lock();
    try {
      deletable.forEach(segments::remove);
      deferred.directoryChanged();
    } finally {
      flushLock.unlock();
    }
    long newStart = Math.max(logStartOffset, segments.firstBase());
    logStartOffset = newStart;
    highWatermark = Math.max(highWatermark, newStart);
    epochCache.truncateFromStart(newStart);
    scheduleDeletion(deletable, reason + ", logStartOffset " + newStart);
    return deletable.size();
  }

  ReentrantLock appendLock() {
    return appendLock;
  }

  ReentrantLock flushLock() {
    return flushLock;
  }

  /** The segments (the last is the active one), for the cleaner and the manager. */
  SegmentSet segmentSet() {
    return segments;
  }

  private void scheduleDeletion(List<LogSegment> removed, String reason) throws IOException {
    for (LogSegment s : removed) {
      s.renameToDeleted();
    }
    scheduleDeletionOfRenamed(removed, reason);
  }

  /** Closes and deletes segments already renamed away, after {@code file.delete.delay.ms}. */
  void scheduleDeletionOfRenamed(List<LogSegment> removed, String reason) {
    SegmentSet.deleteLater(removed, id, reason, runtime.deleter(), config);
  }

  // ---------------------------------------------------------------- epochs and producers

  public OptionalInt latestEpoch() {
    return epochCache.latestEpoch();
  }

  /**
   * Kafka's OffsetsForLeaderEpoch answer: for the latest epoch (epoch, logEndOffset); for an older
   * one, (largest known epoch <= it, start offset of the next higher epoch); for one below the
   * first known, (it, start offset of the first known); {@code (-1, -1)} for an epoch above the
   * latest; empty if no epoch is known at all.
   */
  public Optional<EpochEndOffset> endOffsetForEpoch(int epoch) {
    return epochCache.endOffsetFor(epoch, logEndOffset);
  }

  /**
   * Records that leader epoch {@code epoch} starts at {@code startOffset} (a new leader at its log
   * end, before it appends anything), durably. Ignored unless {@code epoch} is newer than the
   * latest known.
   */
  public void assignEpochStartOffset(int epoch, long startOffset) throws IOException {
    appendLock.lock();
    try {
      ensureOpen();
      epochCache.assign(epoch, startOffset);
    } finally {
      appendLock.unlock();
    }
  }

  public Optional<ProducerStateEntry> producerState(long producerId) {
    appendLock.lock();
    try {
      return producerState.entry(producerId);
    } finally {
      appendLock.unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Clean close: fsync all data and indexes, snapshot producer state at the log end, close files.
   */
  void closeCleanly() throws IOException {
    appendLock.lock();
    try {
      if (closed) {
        return;
      }
      flushLock.lock();
      try {
        for (LogSegment s : segments.all()) {
          s.markIndexesDirty();
        }
        long target = logEndOffset;
        flushSegments();
        advanceFlushed(target).complete();
        producerState.takeSnapshot(logEndOffset);
        closed = true;
        segments.closeAll();
      } finally {
        flushLock.unlock();
      }
    } finally {
      appendLock.unlock();
    }
  }

  /** Closes the files without flushing anything (a simulated crash, or a deleted log). */
  void closeWithoutFlush() throws IOException {
    appendLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      flushLock.lock();
      try {
        segments.closeAll();
      } finally {
        flushLock.unlock();
      }
    } finally {
      appendLock.unlock();
    }
    flushed.failAll(new IOException("log of " + id + " was closed"));
  }

  /** Marks the log closed for a deletion; its files are closed later by the deleter. */
  void markDeleted() {
    appendLock.lock();
    try {
      closed = true;
    } finally {
      appendLock.unlock();
    }
    flushed.failAll(new IOException("log of " + id + " was deleted"));
  }

  @Override
  public String toString() {
    return "PartitionLog[" + id + " " + logStartOffset + ".." + logEndOffset + "]";
  }
}
