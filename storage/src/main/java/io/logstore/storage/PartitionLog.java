package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered set of {@link LogSegment}s in the directory {@code
 * <topic>-<partition>}, plus {@code partition.metadata}, {@code leader-epoch-checkpoint} and
 * producer snapshots.
 *
 * <p>{@code partition.metadata} is written with {@link AtomicChecksummedFile} (version 1). Payload,
 * big-endian: {@code topicIdMostSigBits int64 | topicIdLeastSigBits int64 | topicLength int16 |
 * topic UTF-8}.
 *
 * <p>Threading: appends, roll, truncation and retention hold {@code appendLock} (any thread). Flush
 * rounds run on a flusher thread under {@code flushLock}; truncation and segment removal also take
 * {@code flushLock} (always after {@code appendLock}). Reads take no lock: they use the volatile
 * offsets and the segment map, and segments publish their size after writing.
 */
public final class PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  static final String METADATA_FILE = "partition.metadata";
  static final short METADATA_VERSION = 1;

  private final PartitionId id;
  private final UUID topicId;
  private final Path dir;
  private final LogRuntime runtime;
  private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ProducerStateManager producerState;
  private LeaderEpochCache epochCache;
  private volatile LogConfig config;
  private volatile long logStartOffset;
  private volatile long logEndOffset;
  private volatile long highWatermark;
  private volatile long flushedOffset;
  private volatile long lastFlushMs;
  private volatile boolean dirNeedsFsync;
  private volatile boolean hasWaiters;
  private volatile boolean closed;

  /** Offsets below this were compacted by the cleaner; -1 = never cleaned. */
  private volatile long cleanerCheckpoint = -1L;

  /** Earliest delete horizon of a tombstone the last clean kept; Long.MAX_VALUE if none. */
  private volatile long earliestDeleteHorizonMs = Long.MAX_VALUE;

  /** Bumped by every truncation, so the cleaner sees that segments it read have changed. */
  private volatile long truncations;

  private record FlushWaiter(long offset, CompletableFuture<Void> future) {}

  private final PriorityQueue<FlushWaiter> waiters =
      new PriorityQueue<>(Comparator.comparingLong(FlushWaiter::offset));
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicLong fsyncCount = new AtomicLong();

  /**
   * A leader epoch was added by an append and the checkpoint is not yet rewritten: the next flush
   * round writes it (before the records of that epoch count as flushed), so appends never fsync.
   */
  private final AtomicBoolean epochCacheDirty = new AtomicBoolean();

  /** The producer state captured at the last roll, written by the next flush round. */
  private final AtomicReference<ProducerStateManager.Snapshot> pendingSnapshot =
      new AtomicReference<>();

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
    writeMetadata(dir, id, topicId);
    AtomicFiles.fsyncDirectory(dir.getParent());
    PartitionLog log = new PartitionLog(id, topicId, dir, config, runtime);
    log.segments.put(0L, LogSegment.create(id, dir, 0L, config));
    log.epochCache.flush();
    log.dirNeedsFsync = true;
    return log;
  }

  private static void writeMetadata(Path dir, PartitionId id, UUID topicId) throws IOException {
    byte[] topic = id.topic().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(18 + topic.length);
    buf.putLong(topicId.getMostSignificantBits()).putLong(topicId.getLeastSignificantBits());
    buf.putShort((short) topic.length).put(topic);
    AtomicChecksummedFile.write(dir.resolve(METADATA_FILE), METADATA_VERSION, buf.flip());
  }

  private static UUID readMetadata(Path dir, PartitionId id) throws IOException {
    Path file = dir.resolve(METADATA_FILE);
    try {
      ByteBuffer buf =
          AtomicChecksummedFile.read(file, METADATA_VERSION)
              .orElseThrow(() -> new CorruptLogException("missing " + file + " for " + id));
      UUID topicId = new UUID(buf.getLong(), buf.getLong());
      byte[] topic = new byte[buf.getShort()];
      buf.get(topic);
      String name = new String(topic, StandardCharsets.UTF_8);
      if (!name.equals(id.topic())) {
        throw new CorruptLogException(file + " names topic " + name + ", not " + id.topic());
      }
      return topicId;
    } catch (CorruptFileException | java.nio.BufferUnderflowException e) {
      throw new CorruptLogException("unreadable " + file + " for " + id + ": " + e.getMessage(), e);
    }
  }

  /** Loads a partition directory, recovering it unless the shutdown was clean. */
  static PartitionLog load(Path dir, LogConfig config, LogRuntime runtime, RecoveryHints hints)
      throws IOException {
    PartitionId id = PartitionId.fromDirName(dir.getFileName().toString());
    UUID topicId = readMetadata(dir, id);
    PartitionLog log = new PartitionLog(id, topicId, dir, config, runtime);
    log.loadSegments(hints);
    return log;
  }

  private void loadSegments(RecoveryHints hints) throws IOException {
    List<Long> bases = cleanDirectoryAndListSegments();
    boolean rebuildEpochs = false;
    try {
      epochCache = LeaderEpochCache.load(dir);
    } catch (CorruptFileException e) {
      LOG.warn(
          "Rebuilding leader epoch cache from the log: topicPartition={} file={}", id, e.file(), e);
      rebuildEpochs = true;
    }
    if (bases.isEmpty()) {
      long start = hints.logStartOffset().orElse(0L);
      segments.put(start, LogSegment.create(id, dir, start, config));
      dirNeedsFsync = true;
    }
    long recoveryPoint = hints.cleanShutdown() ? Long.MAX_VALUE : hints.recoveryPoint().orElse(-1L);
    boolean recovered = false;
    for (int i = 0; i < bases.size(); i++) {
      long base = bases.get(i);
      long nextBase = i + 1 < bases.size() ? bases.get(i + 1) : Long.MAX_VALUE;
      LogSegment segment = LogSegment.open(id, dir, base, config);
      segments.put(base, segment);
      if (nextBase <= recoveryPoint && segment.loadWithoutValidation(nextBase)) {
        continue;
      }
      recovered = true;
      long truncated =
          segment.recover(
              (pos, h) -> epochCache.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset()));
      if (truncated > 0 || segment.nextOffset() > nextBase) {
        deleteSegmentFilesAfter(bases.subList(i + 1, bases.size()));
        break;
      }
    }
    LogSegment active = segments.lastEntry().getValue();
    logEndOffset = active.nextOffset();
    if (rebuildEpochs) {
      for (LogSegment s : segments.values()) {
        s.scanHeaders(
            0, (pos, h) -> epochCache.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset()));
      }
    }
    epochCache.truncateFromEnd(logEndOffset);
    epochCache.flush();
    long firstBase = segments.firstKey();
    logStartOffset =
        Math.min(Math.max(hints.logStartOffset().orElse(firstBase), firstBase), logEndOffset);
    highWatermark =
        Math.max(
            logStartOffset, Math.min(hints.highWatermark().orElse(logStartOffset), logEndOffset));
    if (recovered) {
      for (LogSegment s : segments.values()) {
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
    flushedOffset = logEndOffset;
    rebuildProducerState();
    LOG.info(
        "Loaded log: topicPartition={} segments={} logStartOffset={} logEndOffset={} recovered={}",
        id,
        segments.size(),
        logStartOffset,
        logEndOffset,
        recovered);
  }

  private List<Long> cleanDirectoryAndListSegments() throws IOException {
    completeSwaps();
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(LogSegment.DELETED_SUFFIX) || name.endsWith(AtomicFiles.TMP_SUFFIX)) {
          LOG.info("Deleting leftover file: topicPartition={} file={}", id, f);
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX)
            && name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
          bases.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    bases.sort(null);
    return bases;
  }

  /**
   * Finishes or rolls back a clean interrupted by a crash: {@code .cleaned} files (not committed)
   * are deleted; each {@code <base>.log.swap} (committed) replaces the segments whose base offsets
   * fall in {@code [base, swap's next offset)}, then takes the name {@code <base>.log}. Index swaps
   * are deleted and the indexes of the swapped segment are rebuilt.
   */
  private void completeSwaps() throws IOException {
    List<Path> logSwaps = new ArrayList<>();
    List<Long> segmentBases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(LogSegment.CLEANED_SUFFIX)) {
          LOG.info("Deleting uncommitted cleaner output: topicPartition={} file={}", id, f);
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)) {
          logSwaps.add(f);
        } else if (name.endsWith(LogSegment.SWAP_SUFFIX)) {
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX)
            && name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
          segmentBases.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    if (logSwaps.isEmpty()) {
      return;
    }
    logSwaps.sort(null);
    for (Path swap : logSwaps) {
      long base = Long.parseLong(swap.getFileName().toString().substring(0, 20));
      long next = Math.max(base + 1, nextOffsetOf(swap, base));
      for (long covered : segmentBases) {
        if (covered >= base && covered < next) {
          Files.deleteIfExists(dir.resolve(LogSegment.fileName(covered, LogSegment.LOG_SUFFIX)));
        }
      }
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
      Files.move(swap, dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
      LOG.warn(
          "Completed an interrupted clean: topicPartition={} file={} offset={} nextOffset={}",
          id,
          swap,
          base,
          next);
    }
    AtomicFiles.fsyncDirectory(dir);
  }

  /** The offset after the last whole batch of a segment file (its base if it has none). */
  private static long nextOffsetOf(Path logFile, long base) throws IOException {
    long next = base;
    try (FileChannel ch = FileChannel.open(logFile)) {
      long size = ch.size();
      long pos = 0;
      ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
      while (size - pos >= RecordBatchHeader.HEADER_SIZE) {
        header.clear();
        int n = 0;
        while (header.hasRemaining() && n >= 0) {
          n = ch.read(header, pos + header.position());
        }
        if (header.hasRemaining()) {
          break;
        }
        RecordBatchHeader h = RecordBatchHeader.parse(header, 0);
        if (h.batchLength() < 0 || pos + h.sizeInBytes() > size) {
          break;
        }
        next = h.nextOffset();
        pos += h.sizeInBytes();
      }
    }
    return next;
  }

  private void deleteSegmentFilesAfter(List<Long> bases) throws IOException {
    for (long base : bases) {
      LOG.warn(
          "Deleting segment after a truncated one: topicPartition={} file={} offset={}",
          id,
          dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)),
          base);
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
    }
  }

  /** Latest snapshot at or below the log end, then a replay of batch headers after it. */
  private void rebuildProducerState() throws IOException {
    producerState.deleteSnapshotsAbove(logEndOffset);
    long snapshot = producerState.loadLatestSnapshot(logEndOffset);
    long from = snapshot >= 0 ? snapshot : logStartOffset;
    for (LogSegment s : segments.values()) {
      if (s.nextOffset() <= from) {
        continue;
      }
      s.scanHeaders(
          s.offsetIndex().lookupPosition(from),
          (pos, h) -> {
            if (h.baseOffset() >= from) {
              producerState.update(h);
            }
          });
    }
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
    return flushedOffset;
  }

  public long highWatermark() {
    return highWatermark;
  }

  /** Sets the high watermark, clamped to {@code [logStartOffset, logEndOffset]}. */
  public void updateHighWatermark(long hw) {
    highWatermark = Math.max(logStartOffset, Math.min(hw, logEndOffset));
  }

  public long sizeInBytes() {
    long total = 0;
    for (LogSegment s : segments.values()) {
      total += s.sizeBytes();
    }
    return total;
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

  List<LogSegment> segmentsForTest() {
    return List.copyOf(segments.values());
  }

  /** The segments in offset order; the last one is the active segment. */
  List<LogSegment> segmentsSnapshot() {
    return List.copyOf(segments.values());
  }

  long truncations() {
    return truncations;
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
    long start = logStartOffset;
    long checkpoint = cleanerCheckpoint;
    return checkpoint < start || checkpoint > logEndOffset ? start : checkpoint;
  }

  /** The raw checkpoint for the checkpoint file: -1 if the log was never cleaned. */
  long cleanerCheckpointForFile() {
    return cleanerCheckpoint;
  }

  void updateCleanerCheckpoint(long offset) {
    cleanerCheckpoint = offset;
  }

  long earliestDeleteHorizonMs() {
    return earliestDeleteHorizonMs;
  }

  void updateEarliestDeleteHorizonMs(long ms) {
    earliestDeleteHorizonMs = ms;
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
      long next = logEndOffset;
      int pos = batches.position();
      int records = 0;
      List<RecordBatchHeader> assigned = new ArrayList<>(headers.size());
      for (RecordBatchHeader h : headers) {
        RecordBatchHeader.writeOffsetAndEpoch(batches, pos, next, leaderEpoch);
        RecordBatchHeader a = h.withOffsetAndEpoch(next, leaderEpoch);
        if (logAppendTime) {
          int crc = RecordBatchHeader.writeLogAppendTime(batches, pos, h.sizeInBytes(), nowMs);
          a = a.withLogAppendTime(nowMs, crc);
        }
        assigned.add(a);
        next = a.nextOffset();
        pos += h.sizeInBytes();
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
      long expected = logEndOffset;
      for (RecordBatchHeader h : headers) {
        if (h.baseOffset() < expected) {
          throw new InvalidBatchException(
              InvalidBatchException.Reason.INVALID_RECORD,
              id,
              "follower batch at offset " + h.baseOffset() + " is below the expected " + expected);
        }
        expected = h.nextOffset();
      }
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
    segments.lastEntry().getValue().append(batches, headers, nowMs);
    for (RecordBatchHeader h : headers) {
      producerState.update(h);
    }
    logEndOffset = last.nextOffset();
    for (RecordBatchHeader h : headers) {
      if (epochCache.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset())) {
        epochCacheDirty.set(true);
      }
    }
    LogConfig cfg = config;
    if (cfg.durabilityMode() == DurabilityMode.INTERVAL) {
      if (logEndOffset - flushedOffset >= cfg.flushMessages()) {
        requestFlush();
      }
    } else if (hasWaiters) {
      requestFlush();
    }
  }

  private void maybeRoll(int bytes, long firstOffset, long lastOffset, long nowMs)
      throws IOException {
    LogConfig cfg = config;
    LogSegment active = segments.lastEntry().getValue();
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
    LogSegment old = segments.lastEntry().getValue();
    if (segments.containsKey(newBaseOffset)) {
      throw new IllegalStateException(
          "cannot roll " + id + ": a segment with base offset " + newBaseOffset + " exists");
    }
    old.onBecomeInactive();
    // Captured here, written by the flush round this roll requests: no fsync under the append lock.
    pendingSnapshot.set(producerState.captureSnapshot(logEndOffset));
    LogSegment segment = LogSegment.create(id, dir, newBaseOffset, config);
    segments.put(newBaseOffset, segment);
    dirNeedsFsync = true;
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
    if (config.durabilityMode() == DurabilityMode.INTERVAL || offset <= flushedOffset) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    synchronized (waiters) {
      if (offset <= flushedOffset) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(new FlushWaiter(offset, future));
      hasWaiters = true;
    }
    requestFlush();
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
        && logEndOffset > flushedOffset
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
    List<FlushWaiter> done = List.of();
    IOException failure = null;
    flushLock.lock();
    try {
      long target = logEndOffset;
      flushSegments();
      done = advanceFlushed(target);
    } catch (IOException e) {
      LOG.error("Flush failed: topicPartition={} dir={} offset={}", id, dir, flushedOffset, e);
      failure = e;
    } finally {
      flushLock.unlock();
    }
    // Waiters complete outside the lock: their callbacks may take the caller's locks (a replicated
    // partition's monitor), and those callers may truncate, which takes the flush lock.
    if (failure != null) {
      failWaiters(failure);
    } else {
      completeAll(done);
    }
  }

  private void flushSegments() throws IOException {
    for (LogSegment s : segments.values()) {
      if (s.needsFlush()) {
        fsyncCount.addAndGet(s.flush(runtime.syncer()));
      }
    }
    if (dirNeedsFsync) {
      dirNeedsFsync = false;
      AtomicFiles.fsyncDirectory(dir);
      fsyncCount.incrementAndGet();
    }
    if (epochCacheDirty.getAndSet(false)) {
      try {
        epochCache.flush();
      } catch (IOException e) {
        epochCacheDirty.set(true);
        throw e;
      }
    }
    ProducerStateManager.Snapshot snapshot = pendingSnapshot.getAndSet(null);
    if (snapshot != null) {
      producerState.writeSnapshot(snapshot);
    }
    lastFlushMs = runtime.clock().millis();
  }

  private void completeWaiters(long target) {
    completeAll(advanceFlushed(target));
  }

  private void completeAll(List<FlushWaiter> done) {
    for (FlushWaiter w : done) {
      w.future().complete(null);
    }
  }

  /** Sets the flushed offset; returns the waiters it covers (to complete), in offset order. */
  private List<FlushWaiter> advanceFlushed(long target) {
    List<FlushWaiter> done = new ArrayList<>();
    boolean more;
    synchronized (waiters) {
      if (target > flushedOffset) {
        flushedOffset = target;
      }
      while (!waiters.isEmpty() && waiters.peek().offset() <= flushedOffset) {
        done.add(waiters.poll());
      }
      hasWaiters = !waiters.isEmpty();
      more = hasWaiters && waiters.peek().offset() <= logEndOffset;
    }
    if (more) {
      requestFlush();
    }
    return done;
  }

  private void failWaiters(IOException e) {
    List<FlushWaiter> failed;
    synchronized (waiters) {
      failed = new ArrayList<>(waiters);
      waiters.clear();
      hasWaiters = false;
    }
    failed.sort(Comparator.comparingLong(FlushWaiter::offset));
    for (FlushWaiter w : failed) {
      w.future().completeExceptionally(e);
    }
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
    long limit = Math.min(maxOffsetExclusive, end);
    Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
    if (entry == null) {
      entry = segments.firstEntry();
    }
    while (entry != null) {
      LogSlice slice = entry.getValue().read(offset, maxBytes, limit, minOneBatch);
      if (slice != null) {
        return slice;
      }
      entry = segments.higherEntry(entry.getKey());
    }
    return LogSlice.empty();
  }

  /** The first batch whose maxTimestamp is >= timestampMs, found through the time index. */
  public Optional<LogSlice> firstBatchWithMaxTimestampAtLeast(long timestampMs) throws IOException {
    long end = logEndOffset;
    for (LogSegment s : segments.values()) {
      if (s.maxTimestampSoFar() >= timestampMs) {
        LogSlice slice = s.firstBatchWithMaxTimestampAtLeast(timestampMs, end);
        if (slice != null) {
          return Optional.of(slice);
        }
      }
    }
    return Optional.empty();
  }

  /** The batch holding the largest timestamp (first such batch), for ListOffsets MAX_TIMESTAMP. */
  public Optional<LogSlice> batchWithLargestTimestamp() throws IOException {
    LogSegment best = null;
    for (LogSegment s : segments.values()) {
      if (s.sizeBytes() > 0 && (best == null || s.maxTimestampSoFar() > best.maxTimestampSoFar())) {
        best = s;
      }
    }
    if (best == null || best.offsetOfMaxTimestampSoFar() < 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(best.batchContaining(best.offsetOfMaxTimestampSoFar()));
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
      truncations++;
      if (cleanerCheckpoint > offset) {
        cleanerCheckpoint = offset;
      }
      if (offset < logStartOffset) {
        truncateFullyLocked(offset);
        return;
      }
      flushLock.lock();
      try {
        List<LogSegment> removed = new ArrayList<>(segments.tailMap(offset, false).values());
        for (LogSegment s : removed) {
          segments.remove(s.baseOffset());
        }
        long newEnd = segments.lastEntry().getValue().truncateTo(offset);
        logEndOffset = newEnd;
        pendingSnapshot.set(null);
        if (flushedOffset > newEnd) {
          flushedOffset = newEnd;
        }
        highWatermark = Math.min(highWatermark, newEnd);
        dirNeedsFsync |= !removed.isEmpty();
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
    truncations++;
    cleanerCheckpoint = -1L;
    flushLock.lock();
    try {
      List<LogSegment> removed = new ArrayList<>(segments.values());
      segments.clear();
      for (LogSegment s : removed) {
        s.renameToDeleted();
      }
      segments.put(offset, LogSegment.create(id, dir, offset, config));
      pendingSnapshot.set(null);
      logStartOffset = offset;
      logEndOffset = offset;
      highWatermark = offset;
      flushedOffset = offset;
      dirNeedsFsync = true;
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
      deleteOldSegments((s, next) -> next != null && next.baseOffset() <= offset, "log start");
      return logStartOffset;
    } finally {
      appendLock.unlock();
    }
  }

  /** Segment predicate: the segment and the one after it (null for the active segment). */
  @FunctionalInterface
  private interface SegmentPredicate {
    boolean test(LogSegment segment, LogSegment next);
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
            deleteOldSegments(
                (s, next) -> nowMs - largestTimestamp(s) > cfg.retentionMs(), "retention.ms");
      }
      if (delete && cfg.retentionBytes() >= 0) {
        long[] excess = {sizeInBytes() - cfg.retentionBytes()};
        deleted +=
            deleteOldSegments(
                (s, next) -> {
                  if (excess[0] - s.sizeBytes() >= 0) {
                    excess[0] -= s.sizeBytes();
                    return true;
                  }
                  return false;
                },
                "retention.bytes");
      }
      long start = logStartOffset;
      deleted +=
          deleteOldSegments((s, next) -> next != null && next.baseOffset() <= start, "log start");
      return deleted;
    } finally {
      appendLock.unlock();
    }
  }

  private static long largestTimestamp(LogSegment s) {
    return s.maxTimestampSoFar() >= 0 ? s.maxTimestampSoFar() : s.rollingStartMs();
  }

  private int deleteOldSegments(SegmentPredicate predicate, String reason) throws IOException {
    List<LogSegment> deletable = new ArrayList<>();
    boolean includesActive = false;
    for (Map.Entry<Long, LogSegment> e : segments.entrySet()) {
      LogSegment s = e.getValue();
      Map.Entry<Long, LogSegment> nextEntry = segments.higherEntry(e.getKey());
      LogSegment next = nextEntry == null ? null : nextEntry.getValue();
      long upperBound = next == null ? logEndOffset : next.baseOffset();
      if (upperBound > highWatermark || !predicate.test(s, next)) {
        break;
      }
      if (next == null) {
        if (s.sizeBytes() == 0) {
          break;
        }
        includesActive = true;
      }
      deletable.add(s);
    }
    if (deletable.isEmpty()) {
      return 0;
    }
    if (includesActive) {
      roll(logEndOffset, "expired active segment");
    }
    flushLock.lock();
    try {
      for (LogSegment s : deletable) {
        segments.remove(s.baseOffset());
      }
      dirNeedsFsync = true;
    } finally {
      flushLock.unlock();
    }
    long newStart = Math.max(logStartOffset, segments.firstKey());
    logStartOffset = newStart;
    highWatermark = Math.max(highWatermark, newStart);
    epochCache.truncateFromStart(newStart);
    for (LogSegment s : deletable) {
      LOG.info(
          "Deleting segment: topicPartition={} file={} offset={} reason={} logStartOffset={}",
          id,
          s.logFile(),
          s.baseOffset(),
          reason,
          newStart);
    }
    scheduleDeletion(deletable, reason);
    return deletable.size();
  }

  /**
   * The last step of a clean: replaces {@code olds} (contiguous non-active segments, in order) by
   * the cleaned segment written to {@code <base>.log.cleaned} (and index files), {@code base} being
   * the first old segment's base offset. The cleaned files must be fsynced and closed.
   *
   * <p>Swap protocol (see docs/storage-format.md): rename the index files, then the log, from
   * {@code .cleaned} to {@code .swap} and fsync the directory (the commit point: from here a crash
   * completes the swap at load); rename the old segments to {@code .deleted} (their channels stay
   * open for readers); rename the swap files to their final names, fsync the directory, publish the
   * new segment; delete the old files after {@code fileDeleteDelayMs}.
   *
   * @param truncationsAtStart {@link #truncations()} when the cleaner read the segments
   * @param crashPoint test hook: throw {@link LogCleaner.SimulatedCrashException} there
   * @return false (and the cleaned files deleted) if the log changed meanwhile
   */
  boolean replaceWithCleaned(
      List<LogSegment> olds, long truncationsAtStart, LogCleaner.CrashPoint crashPoint)
      throws IOException {
    long base = olds.get(0).baseOffset();
    Path log = dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX));
    Path index = dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX));
    Path timeIndex = dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX));
    appendLock.lock();
    try {
      boolean unchanged = !closed && truncations == truncationsAtStart;
      for (LogSegment old : olds) {
        unchanged &=
            segments.get(old.baseOffset()) == old && segments.lastEntry().getValue() != old;
      }
      if (!unchanged) {
        for (Path p : List.of(log, index, timeIndex)) {
          Files.deleteIfExists(withSuffix(p, LogSegment.CLEANED_SUFFIX));
        }
        LOG.info("Log changed during a clean, dropping its output: topicPartition={}", id);
        return false;
      }
      crashPoint.maybeCrash(LogCleaner.CrashPoint.BEFORE_SWAP);
      for (Path p : List.of(index, timeIndex, log)) {
        Files.move(withSuffix(p, LogSegment.CLEANED_SUFFIX), withSuffix(p, LogSegment.SWAP_SUFFIX));
      }
      AtomicFiles.fsyncDirectory(dir);
      crashPoint.maybeCrash(LogCleaner.CrashPoint.AFTER_SWAP);
      flushLock.lock();
      try {
        for (LogSegment old : olds) {
          old.renameToDeleted();
        }
        for (Path p : List.of(log, index, timeIndex)) {
          Files.move(withSuffix(p, LogSegment.SWAP_SUFFIX), p);
        }
        AtomicFiles.fsyncDirectory(dir);
        Map.Entry<Long, LogSegment> after =
            segments.higherEntry(olds.get(olds.size() - 1).baseOffset());
        LogSegment fresh = LogSegment.open(id, dir, base, config);
        if (!fresh.loadWithoutValidation(after == null ? Long.MAX_VALUE : after.getKey())) {
          fresh.rebuildIndexes();
        }
        segments.put(base, fresh);
        for (LogSegment old : olds.subList(1, olds.size())) {
          segments.remove(old.baseOffset());
        }
      } finally {
        flushLock.unlock();
      }
      scheduleDeletionOfRenamed(olds, "compaction");
      return true;
    } finally {
      appendLock.unlock();
    }
  }

  private static Path withSuffix(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + suffix);
  }

  private void scheduleDeletion(List<LogSegment> removed, String reason) throws IOException {
    for (LogSegment s : removed) {
      s.renameToDeleted();
    }
    scheduleDeletionOfRenamed(removed, reason);
  }

  private void scheduleDeletionOfRenamed(List<LogSegment> removed, String reason) {
    for (LogSegment s : removed) {
      runtime
          .deleter()
          .deleteLater(
              id + " segment " + s.baseOffset() + " (" + reason + ")",
              config.fileDeleteDelayMs(),
              s::closeAndDelete);
    }
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
        for (LogSegment s : segments.values()) {
          s.markIndexesDirty();
        }
        long target = logEndOffset;
        flushSegments();
        completeWaiters(target);
        producerState.takeSnapshot(logEndOffset);
        closed = true;
        closeSegments();
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
        closeSegments();
      } finally {
        flushLock.unlock();
      }
    } finally {
      appendLock.unlock();
    }
    failWaiters(new IOException("log of " + id + " was closed"));
  }

  /** Marks the log closed for a deletion; its files are closed later by the deleter. */
  void markDeleted() {
    appendLock.lock();
    try {
      closed = true;
    } finally {
      appendLock.unlock();
    }
    failWaiters(new IOException("log of " + id + " was deleted"));
  }

  void closeSegments() throws IOException {
    IOException first = null;
    for (LogSegment s : segments.values()) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "PartitionLog[" + id + " " + logStartOffset + ".." + logEndOffset + "]";
  }
}
