package io.logstore.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory's segments at start-up: every segment below the recovery point is
 * trusted with its indexes (unless they look damaged); from the recovery point on (or everywhere
 * after an unclean shutdown without one) each batch is CRC-validated, a torn tail is truncated and
 * the segments after it deleted, and the leader epochs of the recovered batches are re-derived
 * (Kafka's {@code LogLoader} and {@code LogSegment.recover}). Also rebuilds producer state from the
 * newest snapshot plus the batch headers after it.
 *
 * <p>Runs on the thread loading the log, before any other thread sees it.
 */
final class LogLoader {
  private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

  private LogLoader() {}

  /** What loading found; the caller adopts it and flushes what recovery rewrote. */
  record Loaded(
      LeaderEpochCache epochCache,
      long logStartOffset,
      long logEndOffset,
      long highWatermark,
      boolean recovered,
      boolean createdFirstSegment) {}

  /** Opens (and where needed recovers) the segments of {@code dir} into {@code segments}. */
  static Loaded load(
      PartitionId id, Path dir, LogConfig config, RecoveryHints hints, SegmentSet segments)
      throws IOException {
    List<Long> bases = PartitionDirectory.cleanAndListSegments(dir, id);
    LeaderEpochCache epochCache;
    boolean rebuildEpochs = false;
    try {
      epochCache = LeaderEpochCache.load(dir);
    } catch (CorruptFileException e) {
      LOG.warn(
          "Rebuilding leader epoch cache from the log: topicPartition={} file={}", id, e.file(), e);
      epochCache = LeaderEpochCache.empty(dir);
      rebuildEpochs = true;
    }
    boolean created = bases.isEmpty();
    if (created) {
      segments.put(LogSegment.create(id, dir, hints.logStartOffset().orElse(0L), config));
    }
    long recoveryPoint = hints.cleanShutdown() ? Long.MAX_VALUE : hints.recoveryPoint().orElse(-1L);
    boolean recovered = false;
    LeaderEpochCache epochs = epochCache;
    for (int i = 0; i < bases.size(); i++) {
      long base = bases.get(i);
      long nextBase = i + 1 < bases.size() ? bases.get(i + 1) : Long.MAX_VALUE;
      LogSegment segment = LogSegment.open(id, dir, base, config);
      segments.put(segment);
      if (nextBase <= recoveryPoint && segment.loadWithoutValidation(nextBase)) {
        continue;
      }
      recovered = true;
      long truncated =
          segment.recover(
              (pos, h) -> epochs.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset()));
      if (truncated > 0 || segment.nextOffset() > nextBase) {
        PartitionDirectory.deleteSegmentFiles(dir, id, bases.subList(i + 1, bases.size()));
        break;
      }
    }
    long logEnd = segments.active().nextOffset();
    if (rebuildEpochs) {
      for (LogSegment s : segments.all()) {
        s.scanHeaders(
            0, (pos, h) -> epochs.assignWithoutFlush(h.partitionLeaderEpoch(), h.baseOffset()));
      }
    }
    epochCache.truncateFromEnd(logEnd);
    epochCache.flush();
    long firstBase = segments.firstBase();
    long logStart = Math.min(Math.max(hints.logStartOffset().orElse(firstBase), firstBase), logEnd);
    long highWatermark =
        Math.max(logStart, Math.min(hints.highWatermark().orElse(logStart), logEnd));
    return new Loaded(epochCache, logStart, logEnd, highWatermark, recovered, created);
  }

  /** The newest snapshot at or below the log end, then a replay of batch headers after it. */
  static void rebuildProducerState(
      ProducerStateManager producerState, SegmentSet segments, long logStart, long logEnd)
      throws IOException {
    producerState.deleteSnapshotsAbove(logEnd);
    long snapshot = producerState.loadLatestSnapshot(logEnd);
    long from = snapshot >= 0 ? snapshot : logStart;
    for (LogSegment s : segments.all()) {
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
}
