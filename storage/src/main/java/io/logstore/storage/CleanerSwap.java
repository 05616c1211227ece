package io.logstore.storage;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps a clean's output into a {@link PartitionLog} in place of the segments it compacted, with a
 * commit point that makes a crash at any step recoverable ({@link PartitionDirectory} finishes or
 * rolls back an interrupted swap at load).
 *
 * <p>Threading: the cleaner thread, under the log's append lock (and its flush lock while the
 * segment set changes).
 */
final class CleanerSwap {
  private static final Logger LOG = LoggerFactory.getLogger(CleanerSwap.class);

  private CleanerSwap() {}

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
   * @param truncationsAtStart {@link CleanerState#truncations()} when the cleaner read the segments
   * @param crashPoint test hook: throw {@link LogCleaner.SimulatedCrashException} there
   * @return false (and the cleaned files deleted) if the log changed meanwhile
   */
  static boolean replace(
      PartitionLog log,
      List<LogSegment> olds,
      long truncationsAtStart,
      LogCleaner.CrashPoint crashPoint)
      throws IOException {
    long base = olds.get(0).baseOffset();
    log.appendLock().lock();
    try {
      boolean unchanged = !log.isClosed() && log.cleanerState().truncations() == truncationsAtStart;
      for (LogSegment old : olds) {
        unchanged &= log.segmentSet().isCurrent(old) && log.segmentSet().active() != old;
      }
      if (!unchanged) {
        PartitionDirectory.deleteCleaned(log.dir(), base);
        LOG.info("Log changed during a clean, dropping its output: topicPartition={}", log.id());
        return false;
      }
      crashPoint.maybeCrash(LogCleaner.CrashPoint.BEFORE_SWAP);
      PartitionDirectory.commitCleaned(log.dir(), base);
      crashPoint.maybeCrash(LogCleaner.CrashPoint.AFTER_SWAP);
      log.flushLock().lock();
      try {
        for (LogSegment old : olds) {
          old.renameToDeleted();
        }
        PartitionDirectory.completeSwap(log.dir(), base);
        Long after = log.segmentSet().nextBaseAfter(olds.get(olds.size() - 1).baseOffset());
        LogSegment fresh = LogSegment.open(log.id(), log.dir(), base, log.config());
        if (!fresh.loadWithoutValidation(after == null ? Long.MAX_VALUE : after)) {
          fresh.rebuildIndexes();
        }
        log.segmentSet().put(fresh);
        olds.subList(1, olds.size()).forEach(log.segmentSet()::remove);
      } finally {
        log.flushLock().unlock();
      }
      log.scheduleDeletionOfRenamed(olds, "compaction");
      return true;
    } finally {
      log.appendLock().unlock();
    }
  }
}
