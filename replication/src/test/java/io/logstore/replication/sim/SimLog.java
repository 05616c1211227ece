package io.logstore.replication.sim;

import io.logstore.replication.ReplicaLog;
import io.logstore.storage.EpochEndOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * An in-memory partition log with a disk model: records are durable only after {@link #sync()};
 * {@link #crash()} loses everything after the last sync, as a power cut loses the page cache. The
 * high watermark checkpoint is written on sync (as the broker checkpoints it after fsyncs).
 */
final class SimLog implements ReplicaLog {

  /** One record: the leader epoch it was written in and a value that identifies it. */
  record Entry(int epoch, long value) {}

  private final List<Entry> entries = new ArrayList<>();
  private final TreeMap<Integer, Long> epochStarts = new TreeMap<>();
  private int synced;
  private long highWatermark;
  private long checkpointedHighWatermark;

  private long logStart;

  @Override
  public long logStartOffset() {
    return logStart;
  }

  /** DeleteRecords on this log: the log start moves (the entries stay; offsets are indexes). */
  void moveLogStart(long offset) {
    logStart = Math.max(logStart, offset);
  }

  @Override
  public long logEndOffset() {
    return entries.size();
  }

  @Override
  public long durableEndOffset() {
    return synced;
  }

  @Override
  public long highWatermark() {
    return highWatermark;
  }

  @Override
  public void updateHighWatermark(long hw) {
    if (hw > synced) {
      throw new IllegalStateException("high watermark " + hw + " above durable end " + synced);
    }
    highWatermark = hw;
  }

  @Override
  public OptionalInt latestEpoch() {
    return epochStarts.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochStarts.lastKey());
  }

  @Override
  public EpochEndOffset endOffsetForEpoch(int epoch) {
    if (epochStarts.isEmpty()) {
      return EpochEndOffset.UNDEFINED;
    }
    int latest = epochStarts.lastKey();
    if (epoch == latest) {
      return new EpochEndOffset(epoch, logEndOffset());
    }
    if (epoch > latest) {
      return EpochEndOffset.UNDEFINED;
    }
    Map.Entry<Integer, Long> higher = epochStarts.higherEntry(epoch);
    Map.Entry<Integer, Long> floor = epochStarts.floorEntry(epoch);
    return floor == null
        ? new EpochEndOffset(epoch, higher.getValue())
        : new EpochEndOffset(floor.getKey(), higher.getValue());
  }

  @Override
  public void assignEpochStartOffset(int epoch, long startOffset) {
    epochStarts.put(epoch, startOffset);
  }

  @Override
  public void truncateTo(long offset) {
    while (entries.size() > offset) {
      entries.remove(entries.size() - 1);
    }
    synced = (int) Math.min(synced, offset);
    epochStarts.values().removeIf(start -> start >= offset);
    highWatermark = Math.min(highWatermark, offset);
  }

  long appendAsLeader(int epoch, long value) {
    if (latestEpoch().orElse(-1) < epoch) {
      epochStarts.put(epoch, (long) entries.size());
    }
    entries.add(new Entry(epoch, value));
    return entries.size() - 1;
  }

  void appendAsFollower(List<Entry> batch) {
    for (Entry e : batch) {
      if (latestEpoch().orElse(-1) < e.epoch()) {
        epochStarts.put(e.epoch(), (long) entries.size());
      }
      entries.add(e);
    }
  }

  List<Entry> read(long fromOffset, int maxEntries) {
    int from = (int) fromOffset;
    return List.copyOf(entries.subList(from, Math.min(entries.size(), from + maxEntries)));
  }

  Entry entry(long offset) {
    return entries.get((int) offset);
  }

  void sync() {
    synced = entries.size();
    checkpointedHighWatermark = highWatermark;
  }

  /** Power loss: unsynced records and in-memory epochs go; the epoch cache is rebuilt. */
  void crash() {
    while (entries.size() > synced) {
      entries.remove(entries.size() - 1);
    }
    epochStarts.clear();
    for (int i = 0; i < entries.size(); i++) {
      int epoch = entries.get(i).epoch();
      if (latestEpoch().orElse(-1) < epoch) {
        epochStarts.put(epoch, (long) i);
      }
    }
    highWatermark = Math.min(checkpointedHighWatermark, synced);
  }
}
