package io.logstore.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of a broker, spread over its data roots ({@code log.dirs}).
 *
 * <p>Each data root holds: {@value #LOCK_FILE} (held with a {@link FileLock} while open), {@value
 * #CLEAN_SHUTDOWN_FILE} (written last by {@link #close()}, deleted after startup; {@link
 * AtomicChecksummedFile} version 1, payload {@code int64 shutdown time ms}), the offset checkpoints
 * of {@link OffsetCheckpointFile}, one directory per partition and {@code
 * <topic>-<partition>.<uuid>-delete} directories of deleted partitions awaiting removal.
 *
 * <p>Threads: a scheduler thread ({@code logstore-scheduler}) runs retention, checkpoints, the
 * INTERVAL flush check and delayed file deletions; {@code flushThreads} flusher threads run group
 * commits; the {@code logstore-cleaner} thread compacts logs whose cleanup policy includes compact
 * (see {@link LogCleaner}) every {@code cleanerBackoffMs}, if a {@link RecordBatchCodec} was given.
 * Public methods are thread-safe.
 *
 * <p>Corrupt checkpoint files (bad CRC, length or version) are logged at WARN and ignored: a bad
 * recovery-point checkpoint means full recovery of every partition in that root, a bad log start
 * checkpoint means each log starts at its first segment, a bad high-watermark checkpoint means the
 * high watermark restarts at the log start offset, a bad clean-shutdown marker means recovery. A
 * bad {@code partition.metadata} cannot be repaired: {@link CorruptLogException}.
 */
public final class LogManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

  static final String LOCK_FILE = ".lock";
  static final String CLEAN_SHUTDOWN_FILE = ".logstore-clean-shutdown";
  static final short CLEAN_SHUTDOWN_VERSION = 1;
  static final String DELETE_DIR_SUFFIX = "-delete";
  private static final long INTERVAL_FLUSH_CHECK_MS = 100;

  private record DirLock(Path dir, FileChannel channel, FileLock lock) {}

  private final LogManagerConfig config;
  private final Clock clock;
  private final List<DirLock> locks;
  private final Map<PartitionId, PartitionLog> logs = new ConcurrentHashMap<>();
  private final Flusher flusher;
  private final ScheduledExecutorService scheduler;
  private final LogRuntime runtime;
  private final Map<Long, LogRuntime.IoTask> pendingDeletes = new ConcurrentHashMap<>();
  private final AtomicLong deleteIds = new AtomicLong();
  private final Object createLock = new Object();
  private final Object cleanerLock = new Object();
  private final Object cleanerCheckpointLock = new Object();
  private final LogCleaner cleaner;
  private final ScheduledExecutorService cleanerThread;
  private final Set<PartitionId> warnedWithoutCodec = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LogManager(
      LogManagerConfig config,
      Clock clock,
      ChannelSyncer syncer,
      List<DirLock> locks,
      RecordBatchCodec codec) {
    this.config = config;
    this.clock = clock;
    this.locks = locks;
    this.cleaner =
        codec == null
            ? null
            : new LogCleaner(codec, config.cleanerDedupeBufferBytes(), () -> closed);
    this.cleanerThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-cleaner");
              t.setDaemon(true);
              return t;
            });
    this.flusher = new Flusher(config.flushThreads());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-scheduler");
              t.setDaemon(true);
              return t;
            });
    this.runtime = new LogRuntime(clock, flusher, this::deleteLater, syncer);
  }

  /**
   * Locks each dir, creates missing ones, loads and recovers every partition directory (skipping
   * validation when a valid clean-shutdown marker is present, which is then deleted), and starts
   * the flusher and scheduler threads.
   *
   * @throws LogDirLockedException if another LogManager holds a dir
   */
  public static LogManager open(LogManagerConfig config, Clock clock) throws IOException {
    return open(config, clock, ChannelSyncer.DEFAULT, null);
  }

  /**
   * Like {@link #open(LogManagerConfig, Clock)}, with the codec the log cleaner reads records
   * through. With a null codec compaction is disabled (logs with a compact policy are logged at
   * WARN and left as they are).
   */
  public static LogManager open(LogManagerConfig config, Clock clock, RecordBatchCodec codec)
      throws IOException {
    return open(config, clock, ChannelSyncer.DEFAULT, codec);
  }

  static LogManager open(LogManagerConfig config, Clock clock, ChannelSyncer syncer)
      throws IOException {
    return open(config, clock, syncer, null);
  }

  static LogManager open(
      LogManagerConfig config, Clock clock, ChannelSyncer syncer, RecordBatchCodec codec)
      throws IOException {
    List<DirLock> locks = new ArrayList<>();
    try {
      for (Path dir : config.logDirs()) {
        Files.createDirectories(dir);
        locks.add(lock(dir));
      }
    } catch (IOException | RuntimeException e) {
      releaseLocks(locks);
      throw e;
    }
    LogManager manager = new LogManager(config, clock, syncer, locks, codec);
    try {
      for (Path dir : config.logDirs()) {
        manager.loadDir(dir);
      }
    } catch (IOException | RuntimeException e) {
      manager.abort();
      throw e;
    }
    manager.startTasks();
    return manager;
  }

  private static DirLock lock(Path dir) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new LogDirLockedException(dir);
    }
    return new DirLock(dir, channel, lock);
  }

  private static void releaseLocks(List<DirLock> locks) {
    for (DirLock l : locks) {
      try {
        l.lock().release();
        l.channel().close();
      } catch (IOException e) {
        LOG.error("Cannot release lock of log dir: dir={}", l.dir(), e);
      }
    }
  }

  private void loadDir(Path dir) throws IOException {
    Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
    boolean clean = false;
    try {
      clean = AtomicChecksummedFile.read(marker, CLEAN_SHUTDOWN_VERSION).isPresent();
    } catch (CorruptFileException e) {
      LOG.warn("Ignoring corrupt clean-shutdown marker, recovering: dir={}", dir, e);
    }
    Map<PartitionId, Long> recoveryPoints =
        readCheckpoint(dir, OffsetCheckpointFile.RECOVERY_POINT);
    Map<PartitionId, Long> logStarts = readCheckpoint(dir, OffsetCheckpointFile.LOG_START);
    Map<PartitionId, Long> highWatermarks =
        readCheckpoint(dir, OffsetCheckpointFile.HIGH_WATERMARK);
    Map<PartitionId, Long> cleanerOffsets = readCheckpoint(dir, OffsetCheckpointFile.CLEANER);
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        LOG.info("Deleting directory of a deleted partition: dir={}", child);
        deleteRecursively(child);
        continue;
      }
      PartitionId id;
      try {
        id = PartitionId.fromDirName(name);
      } catch (IllegalArgumentException e) {
        LOG.warn("Ignoring directory that is not a partition: dir={}", child);
        continue;
      }
      RecoveryHints hints =
          new RecoveryHints(
              clean,
              optional(recoveryPoints.get(id)),
              optional(logStarts.get(id)),
              optional(highWatermarks.get(id)));
      PartitionLog log = PartitionLog.load(child, config.defaultLogConfig(), runtime, hints);
      Long cleanedUpTo = cleanerOffsets.get(id);
      if (cleanedUpTo != null) {
        log.cleanerState().updateCheckpoint(cleanedUpTo);
      }
      PartitionLog previous = logs.putIfAbsent(id, log);
      if (previous != null) {
        log.closeWithoutFlush();
        throw new CorruptLogException(
            id + " exists in two log dirs: " + previous.dir() + " and " + child);
      }
    }
    if (Files.deleteIfExists(marker)) {
      AtomicFiles.fsyncDirectory(dir);
    }
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static Map<PartitionId, Long> readCheckpoint(Path dir, String name) throws IOException {
    try {
      return OffsetCheckpointFile.read(dir.resolve(name));
    } catch (CorruptFileException e) {
      LOG.warn("Ignoring corrupt checkpoint, falling back to recovery: file={}", e.file(), e);
      return Map.of();
    }
  }

  private void startTasks() {
    scheduler.scheduleWithFixedDelay(
        this::runRetentionOnce,
        config.retentionCheckIntervalMs(),
        config.retentionCheckIntervalMs(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::checkpointQuietly,
        config.checkpointIntervalMs(),
        config.checkpointIntervalMs(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::checkIntervalFlushes,
        INTERVAL_FLUSH_CHECK_MS,
        INTERVAL_FLUSH_CHECK_MS,
        TimeUnit.MILLISECONDS);
    cleanerThread.scheduleWithFixedDelay(
        this::runCleanerQuietly,
        config.cleanerBackoffMs(),
        config.cleanerBackoffMs(),
        TimeUnit.MILLISECONDS);
  }

  private void runCleanerQuietly() {
    try {
      runCleanerOnce();
    } catch (RuntimeException e) {
      LOG.error("Log cleaner pass failed", e);
    }
  }

  private void checkpointQuietly() {
    try {
      checkpointAll();
    } catch (IOException | RuntimeException e) {
      LOG.error("Periodic checkpoint failed", e);
    }
  }

  private void checkIntervalFlushes() {
    long nowMs = clock.millis();
    for (PartitionLog log : logs.values()) {
      log.maybeFlushOnInterval(nowMs);
    }
  }

  private void deleteLater(String description, long delayMs, LogRuntime.IoTask task) {
    long key = deleteIds.incrementAndGet();
    pendingDeletes.put(key, task);
    scheduler.schedule(() -> runPendingDelete(key, description), delayMs, TimeUnit.MILLISECONDS);
  }

  private void runPendingDelete(long key, String description) {
    LogRuntime.IoTask task = pendingDeletes.remove(key);
    if (task == null) {
      return;
    }
    try {
      task.run();
      LOG.debug("Deleted files: what={}", description);
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot delete files: what={}", description, e);
    }
  }

  /** Creates a log, or returns the existing one (with the new config) if the topic id matches. */
  public PartitionLog createLog(PartitionId id, UUID topicId, LogConfig logConfig)
      throws IOException {
    synchronized (createLock) {
      ensureOpen();
      PartitionLog existing = logs.get(id);
      if (existing != null) {
        if (!existing.topicId().equals(topicId)) {
          throw new IllegalStateException(
              id + " exists with topic id " + existing.topicId() + ", not " + topicId);
        }
        existing.updateConfig(logConfig);
        return existing;
      }
      Path root = leastLoadedDir();
      PartitionLog log =
          PartitionLog.create(id, topicId, root.resolve(id.dirName()), logConfig, runtime);
      logs.put(id, log);
      LOG.info("Created log: topicPartition={} topicId={} dir={}", id, topicId, log.dir());
      return log;
    }
  }

  private Path leastLoadedDir() {
    Map<Path, Integer> counts = new HashMap<>();
    for (Path d : config.logDirs()) {
      counts.put(d, 0);
    }
    for (PartitionLog log : logs.values()) {
      counts.merge(log.dir().getParent(), 1, Integer::sum);
    }
    return config.logDirs().stream()
        .min(Comparator.comparingInt(counts::get))
        .orElseThrow(() -> new IllegalStateException("no log dirs"));
  }

  public Optional<PartitionLog> getLog(PartitionId id) {
    return Optional.ofNullable(logs.get(id));
  }

  /** An unmodifiable snapshot of all logs. */
  public Map<PartitionId, PartitionLog> logs() {
    return Collections.unmodifiableMap(new HashMap<>(logs));
  }

  /**
   * Renames the partition directory to {@code <dir>.<uuid>-delete} at once and deletes its files
   * after {@code fileDeleteDelayMs}. No-op if the log does not exist.
   */
  public void deleteLog(PartitionId id) throws IOException {
    PartitionLog log;
    synchronized (createLock) {
      ensureOpen();
      log = logs.remove(id);
    }
    if (log == null) {
      return;
    }
    log.markDeleted();
    Path dir = log.dir();
    String suffix = UUID.randomUUID().toString().replace("-", "");
    Path target = dir.resolveSibling(dir.getFileName() + "." + suffix + DELETE_DIR_SUFFIX);
    Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.fsyncDirectory(dir.getParent());
    LOG.info("Deleted log: topicPartition={} dir={}", id, target);
    deleteLater(
        id + " directory " + target,
        log.config().fileDeleteDelayMs(),
        () -> {
          log.segmentSet().closeAll();
          deleteRecursively(target);
        });
  }

  /** Applies retention to every log (what the scheduler runs). */
  public void runRetentionOnce() {
    for (PartitionLog log : logs.values()) {
      try {
        int deleted = log.applyRetention();
        if (deleted > 0) {
          LOG.info("Retention deleted segments: topicPartition={} count={}", log.id(), deleted);
        }
      } catch (IOException | RuntimeException e) {
        LOG.error("Retention failed: topicPartition={}", log.id(), e);
      }
    }
  }

  /**
   * Compacts every log whose cleanup policy includes compact and that needs it (dirty ratio at
   * least minCleanableDirtyRatio, dirty records older than maxCompactionLagMs, or kept tombstones
   * past their delete horizon), then writes the cleaner checkpoint of its root. What the {@code
   * logstore-cleaner} thread runs every {@code cleanerBackoffMs}; calls are serialized.
   *
   * @return the number of logs cleaned
   */
  public int runCleanerOnce() {
    synchronized (cleanerLock) {
      int cleaned = 0;
      for (PartitionLog log : logs.values()) {
        if (closed) {
          break;
        }
        if (!log.config().cleanupPolicy().includesCompact()) {
          continue;
        }
        if (cleaner == null) {
          if (warnedWithoutCodec.add(log.id())) {
            LOG.warn(
                "Log has cleanup policy compact but no record codec was given, not compacting:"
                    + " topicPartition={}",
                log.id());
          }
          continue;
        }
        try {
          if (cleaner.clean(log, clock.millis())) {
            cleaned++;
            writeCleanerCheckpoint(log.dir().getParent());
          }
        } catch (LogCleaner.SimulatedCrashException e) {
          throw e;
        } catch (LogCleaner.CleanerStoppedException e) {
          LOG.info("Clean abandoned: topicPartition={}", log.id());
        } catch (IOException | RuntimeException e) {
          LOG.error("Clean failed: topicPartition={} dir={}", log.id(), log.dir(), e);
        }
      }
      return cleaned;
    }
  }

  /** Test hook: makes the next clean stop at {@code point} as if the process died there. */
  void crashCleanerAt(LogCleaner.CrashPoint point) {
    cleaner.crashAt(point);
  }

  private void writeCleanerCheckpoint(Path root) throws IOException {
    synchronized (cleanerCheckpointLock) {
      Map<PartitionId, Long> offsets = new HashMap<>();
      for (PartitionLog log : logs.values()) {
        if (log.dir().getParent().equals(root) && log.cleanerState().checkpointForFile() >= 0) {
          offsets.put(log.id(), log.cleanerState().checkpointForFile());
        }
      }
      OffsetCheckpointFile.write(root.resolve(OffsetCheckpointFile.CLEANER), offsets);
    }
  }

  /**
   * Writes the recovery point, log start offset, high watermark and cleaner checkpoints of every
   * root.
   */
  public void checkpointAll() throws IOException {
    Map<Path, List<PartitionLog>> byDir = new HashMap<>();
    for (Path d : config.logDirs()) {
      byDir.put(d, new ArrayList<>());
    }
    for (PartitionLog log : logs.values()) {
      byDir.computeIfAbsent(log.dir().getParent(), k -> new ArrayList<>()).add(log);
    }
    for (Map.Entry<Path, List<PartitionLog>> e : byDir.entrySet()) {
      Map<PartitionId, Long> recovery = new HashMap<>();
      Map<PartitionId, Long> starts = new HashMap<>();
      Map<PartitionId, Long> hws = new HashMap<>();
      for (PartitionLog log : e.getValue()) {
        recovery.put(log.id(), log.flushedOffset());
        starts.put(log.id(), log.logStartOffset());
        hws.put(log.id(), log.highWatermark());
      }
      Path dir = e.getKey();
      OffsetCheckpointFile.write(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT), recovery);
      OffsetCheckpointFile.write(dir.resolve(OffsetCheckpointFile.LOG_START), starts);
      OffsetCheckpointFile.write(dir.resolve(OffsetCheckpointFile.HIGH_WATERMARK), hws);
      writeCleanerCheckpoint(dir);
    }
  }

  /**
   * Flushes everything, writes producer snapshots and checkpoints, fsyncs indexes, writes the
   * clean-shutdown marker of each dir and releases the locks.
   *
   * @throws UncheckedIOException if any step failed (the marker is then not written)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopScheduler();
    IOException failure = null;
    for (PartitionLog log : logs.values()) {
      try {
        log.closeCleanly();
      } catch (IOException e) {
        LOG.error("Clean close failed: topicPartition={}", log.id(), e);
        failure = addFailure(failure, e);
      }
    }
    failure = stopFlusher(failure);
    if (failure == null) {
      try {
        checkpointAll();
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    failure = runPendingDeletes(failure);
    if (failure == null) {
      for (Path dir : config.logDirs()) {
        try {
          ByteBuffer payload = ByteBuffer.allocate(8).putLong(clock.millis()).flip();
          AtomicChecksummedFile.write(
              dir.resolve(CLEAN_SHUTDOWN_FILE), CLEAN_SHUTDOWN_VERSION, payload);
        } catch (IOException e) {
          failure = addFailure(failure, e);
        }
      }
    }
    releaseLocks(locks);
    LOG.info("Log manager closed: dirs={} clean={}", config.logDirs(), failure == null);
    if (failure != null) {
      throw new UncheckedIOException("log manager did not close cleanly", failure);
    }
  }

  /** Simulates a crash: closes files without flushing, checkpointing or writing the marker. */
  void closeWithoutCleanShutdown() {
    if (closed) {
      return;
    }
    closed = true;
    stopScheduler();
    IOException failure = null;
    for (PartitionLog log : logs.values()) {
      try {
        log.closeWithoutFlush();
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    failure = stopFlusher(failure);
    releaseLocks(locks);
    if (failure != null) {
      throw new UncheckedIOException("log manager did not close", failure);
    }
  }

  private void abort() {
    closeWithoutCleanShutdown();
  }

  private void stopScheduler() {
    // No interrupt for the cleaner: an interrupted FileChannel read closes the segment's channel
    // for every reader. It sees closed == true between two reads and abandons its clean.
    cleanerThread.shutdown();
    try {
      if (!cleanerThread.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.error("Log cleaner did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("Interrupted while stopping the log cleaner", e);
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.error("Scheduler did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("Interrupted while stopping the scheduler", e);
    }
  }

  private IOException stopFlusher(IOException failure) {
    try {
      flusher.stop();
      return failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return addFailure(failure, new IOException("interrupted while stopping flushers", e));
    }
  }

  private IOException runPendingDeletes(IOException failure) {
    IOException result = failure;
    for (Long key : List.copyOf(pendingDeletes.keySet())) {
      LogRuntime.IoTask task = pendingDeletes.remove(key);
      if (task == null) {
        continue;
      }
      try {
        task.run();
      } catch (IOException e) {
        result = addFailure(result, e);
      }
    }
    return result;
  }

  private static IOException addFailure(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("log manager is closed");
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
