package io.logstore.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one log by base offset; the last one is the active segment. Reads run lock-free
 * over it (a segment publishes its size after writing); changes to the set are made by {@link
 * PartitionLog} under its locks (appends and rolls under the append lock, removals also under the
 * flush lock).
 */
final class SegmentSet {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentSet.class);

  private final ConcurrentSkipListMap<Long, LogSegment> byBase = new ConcurrentSkipListMap<>();

  /** A segment and the one after it (null for the active segment). */
  @FunctionalInterface
  interface SegmentPredicate {
    boolean test(LogSegment segment, LogSegment next);
  }

  /** Segments whose newest record (or, empty, whose creation) is older than {@code maxAgeMs}. */
  static SegmentPredicate olderThan(long maxAgeMs, long nowMs) {
    return (s, next) -> {
      long newest = s.maxTimestampSoFar() >= 0 ? s.maxTimestampSoFar() : s.rollingStartMs();
      return nowMs - newest > maxAgeMs;
    };
  }

  /** The oldest segments that together hold at most {@code excessBytes} (retention.bytes). */
  static SegmentPredicate oldestBytes(long excessBytes) {
    long[] excess = {excessBytes};
    return (s, next) -> {
      if (excess[0] - s.sizeBytes() >= 0) {
        excess[0] -= s.sizeBytes();
        return true;
      }
      return false;
    };
  }

  /** Segments wholly below the log start offset (DeleteRecords moved it past them). */
  static SegmentPredicate belowLogStart(long logStart) {
    return (s, next) -> next != null && next.baseOffset() <= logStart;
  }

  /** The oldest segments a deletion may take, and whether the active segment is among them. */
  record Deletable(List<LogSegment> segments, boolean includesActive) {}

  void put(LogSegment segment) {
    byBase.put(segment.baseOffset(), segment);
  }

  void remove(LogSegment segment) {
    byBase.remove(segment.baseOffset());
  }

  boolean isCurrent(LogSegment segment) {
    return byBase.get(segment.baseOffset()) == segment;
  }

  boolean containsBase(long baseOffset) {
    return byBase.containsKey(baseOffset);
  }

  LogSegment active() {
    return byBase.lastEntry().getValue();
  }

  long firstBase() {
    return byBase.firstKey();
  }

  /** The base offset of the first segment after {@code baseOffset}, or null. */
  Long nextBaseAfter(long baseOffset) {
    return byBase.higherKey(baseOffset);
  }

  /** Removes and returns the segments whose base offset is above {@code offset}. */
  List<LogSegment> removeAfter(long offset) {
    List<LogSegment> removed = new ArrayList<>(byBase.tailMap(offset, false).values());
    for (LogSegment s : removed) {
      byBase.remove(s.baseOffset());
    }
    return removed;
  }

  /** Removes and returns every segment. */
  List<LogSegment> removeAll() {
    List<LogSegment> removed = new ArrayList<>(byBase.values());
    byBase.clear();
    return removed;
  }

  Collection<LogSegment> all() {
    return byBase.values();
  }

  List<LogSegment> snapshot() {
    return List.copyOf(byBase.values());
  }

  int size() {
    return byBase.size();
  }

  long sizeInBytes() {
    long total = 0;
    for (LogSegment s : byBase.values()) {
      total += s.sizeBytes();
    }
    return total;
  }

  /** fsyncs every segment with unflushed bytes; returns the number of fsyncs. */
  long flush(ChannelSyncer syncer) throws IOException {
    long fsyncs = 0;
    for (LogSegment s : byBase.values()) {
      if (s.needsFlush()) {
        fsyncs += s.flush(syncer);
      }
    }
    return fsyncs;
  }

  /**
   * Whole batches from the segment holding {@code offset} (or the next one with any), below {@code
   * limit}; empty when none.
   */
  LogSlice read(long offset, int maxBytes, long limit, boolean minOneBatch) throws IOException {
    Map.Entry<Long, LogSegment> entry = byBase.floorEntry(offset);
    if (entry == null) {
      entry = byBase.firstEntry();
    }
    while (entry != null) {
      LogSlice slice = entry.getValue().read(offset, maxBytes, limit, minOneBatch);
      if (slice != null) {
        return slice;
      }
      entry = byBase.higherEntry(entry.getKey());
    }
    return LogSlice.empty();
  }

  /** The first batch whose maxTimestamp is >= timestampMs, found through the time indexes. */
  Optional<LogSlice> firstBatchWithMaxTimestampAtLeast(long timestampMs, long logEnd)
      throws IOException {
    for (LogSegment s : byBase.values()) {
      if (s.maxTimestampSoFar() >= timestampMs) {
        LogSlice slice = s.firstBatchWithMaxTimestampAtLeast(timestampMs, logEnd);
        if (slice != null) {
          return Optional.of(slice);
        }
      }
    }
    return Optional.empty();
  }

  /** The batch holding the largest timestamp (first such batch). */
  Optional<LogSlice> batchWithLargestTimestamp() throws IOException {
    LogSegment best = null;
    for (LogSegment s : byBase.values()) {
      if (s.sizeBytes() > 0 && (best == null || s.maxTimestampSoFar() > best.maxTimestampSoFar())) {
        best = s;
      }
    }
    if (best == null || best.offsetOfMaxTimestampSoFar() < 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(best.batchContaining(best.offsetOfMaxTimestampSoFar()));
  }

  /**
   * The oldest segments, in order, for which {@code predicate} holds and that lie entirely below
   * {@code highWatermark} (as Kafka: nothing a consumer may not have read yet); the active segment
   * only when non-empty (the caller rolls first).
   */
  Deletable deletablePrefix(SegmentPredicate predicate, long logEnd, long highWatermark) {
    List<LogSegment> deletable = new ArrayList<>();
    boolean includesActive = false;
    for (Map.Entry<Long, LogSegment> e : byBase.entrySet()) {
      LogSegment s = e.getValue();
      Map.Entry<Long, LogSegment> nextEntry = byBase.higherEntry(e.getKey());
      LogSegment next = nextEntry == null ? null : nextEntry.getValue();
      long upperBound = next == null ? logEnd : next.baseOffset();
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
    return new Deletable(deletable, includesActive);
  }

  /** Closes every segment's files; the first failure is thrown after all were tried. */
  void closeAll() throws IOException {
    IOException first = null;
    for (LogSegment s : byBase.values()) {
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

  /**
   * Logs and schedules the deletion of {@code removed} (renamed away already): closed and deleted
   * after {@code file.delete.delay.ms}, so readers holding their channels finish first.
   */
  static void deleteLater(
      List<LogSegment> removed,
      PartitionId id,
      String reason,
      LogRuntime.DelayedDeleter deleter,
      LogConfig config) {
    for (LogSegment s : removed) {
      LOG.info(
          "Deleting segment: topicPartition={} file={} offset={} reason={}",
          id,
          s.logFile(),
          s.baseOffset(),
          reason);
      deleter.deleteLater(
          id + " segment " + s.baseOffset() + " (" + reason + ")",
          config.fileDeleteDelayMs(),
          s::closeAndDelete);
    }
  }
}
