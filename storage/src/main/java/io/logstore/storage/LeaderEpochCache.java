package io.logstore.storage;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Leader epoch cache of one partition: for each leader epoch, the first offset written in it.
 *
 * <p>File {@code leader-epoch-checkpoint}, written with {@link AtomicChecksummedFile} (version
 * {@value #VERSION}) whenever the cache changes. Payload, big-endian:
 *
 * <pre>
 *   count int32
 *   count times: epoch int32 | startOffset int64     (both strictly increasing)
 * </pre>
 *
 * <p>Thread-safe (synchronized): appends write it, fetch/OffsetsForLeaderEpoch handlers read it.
 */
final class LeaderEpochCache {
  static final String FILE_NAME = "leader-epoch-checkpoint";
  static final short VERSION = 1;

  record Entry(int epoch, long startOffset) {}

  private final Path file;
  private final List<Entry> entries = new ArrayList<>();

  private LeaderEpochCache(Path file) {
    this.file = file;
  }

  static LeaderEpochCache empty(Path dir) {
    return new LeaderEpochCache(dir.resolve(FILE_NAME));
  }

  /**
   * Loads the checkpoint.
   *
   * @throws CorruptFileException if it is unreadable; the caller rebuilds from the log
   */
  static LeaderEpochCache load(Path dir) throws IOException {
    LeaderEpochCache cache = empty(dir);
    Optional<ByteBuffer> payload = AtomicChecksummedFile.read(cache.file, VERSION);
    if (payload.isEmpty()) {
      return cache;
    }
    ByteBuffer buf = payload.get();
    try {
      int count = buf.getInt();
      for (int i = 0; i < count; i++) {
        Entry e = new Entry(buf.getInt(), buf.getLong());
        if (!cache.entries.isEmpty()) {
          Entry last = cache.entries.get(cache.entries.size() - 1);
          if (e.epoch() <= last.epoch() || e.startOffset() < last.startOffset()) {
            throw new CorruptFileException(cache.file, "entries not increasing at " + e);
          }
        }
        cache.entries.add(e);
      }
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException(cache.file, "payload shorter than its count");
    }
    return cache;
  }

  Path file() {
    return file;
  }

  /** Records that {@code epoch} starts at {@code startOffset} if it is newer than the latest. */
  synchronized boolean assign(int epoch, long startOffset) throws IOException {
    if (epoch < 0) {
      return false;
    }
    if (!entries.isEmpty() && epoch <= entries.get(entries.size() - 1).epoch()) {
      return false;
    }
    entries.removeIf(e -> e.startOffset() >= startOffset);
    entries.add(new Entry(epoch, startOffset));
    write();
    return true;
  }

  /** Adds entries without writing (during recovery replay); call {@link #flush} after. */
  synchronized boolean assignWithoutFlush(int epoch, long startOffset) {
    if (epoch < 0 || (!entries.isEmpty() && epoch <= entries.get(entries.size() - 1).epoch())) {
      return false;
    }
    entries.removeIf(e -> e.startOffset() >= startOffset);
    entries.add(new Entry(epoch, startOffset));
    return true;
  }

  synchronized void flush() throws IOException {
    write();
  }

  synchronized OptionalInt latestEpoch() {
    return entries.isEmpty()
        ? OptionalInt.empty()
        : OptionalInt.of(entries.get(entries.size() - 1).epoch());
  }

  synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Kafka's OffsetsForLeaderEpoch semantics: for the latest epoch, (epoch, logEndOffset); for an
   * older one, (largest known epoch <= requested, start offset of the next higher epoch); for an
   * epoch below the first known one, (that epoch, start offset of the first known epoch); for an
   * epoch above the latest, {@link EpochEndOffset#UNDEFINED}.
   *
   * @return empty if the cache holds no epoch at all
   */
  synchronized Optional<EpochEndOffset> endOffsetFor(int epoch, long logEndOffset) {
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    Entry latest = entries.get(entries.size() - 1);
    if (epoch == latest.epoch()) {
      return Optional.of(new EpochEndOffset(epoch, logEndOffset));
    }
    if (epoch > latest.epoch()) {
      return Optional.of(EpochEndOffset.UNDEFINED);
    }
    if (epoch < entries.get(0).epoch()) {
      // As Kafka: the records of that epoch are gone (retention); a follower that asks replicates
      // from where the known history starts.
      return Optional.of(new EpochEndOffset(epoch, entries.get(0).startOffset()));
    }
    Entry floor = null;
    for (Entry e : entries) {
      if (e.epoch() > epoch) {
        return Optional.of(new EpochEndOffset(floor.epoch(), e.startOffset()));
      }
      floor = e;
    }
    throw new IllegalStateException("unreachable: epoch " + epoch + " in " + entries);
  }

  /** Removes epochs starting at or after {@code endOffset} (log truncation). */
  synchronized void truncateFromEnd(long endOffset) throws IOException {
    if (entries.removeIf(e -> e.startOffset() >= endOffset)) {
      write();
    }
  }

  /**
   * Drops epochs entirely below {@code startOffset}; the one containing it now starts there
   * (retention, DeleteRecords).
   */
  synchronized void truncateFromStart(long startOffset) throws IOException {
    int lastBelow = -1;
    for (int i = 0; i < entries.size() && entries.get(i).startOffset() < startOffset; i++) {
      lastBelow = i;
    }
    if (lastBelow < 0) {
      return;
    }
    Entry kept = new Entry(entries.get(lastBelow).epoch(), startOffset);
    entries.subList(0, lastBelow + 1).clear();
    if (entries.isEmpty() || entries.get(0).startOffset() > startOffset) {
      entries.add(0, kept);
    }
    write();
  }

  synchronized void clear() throws IOException {
    entries.clear();
    write();
  }

  private void write() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 + entries.size() * 12);
    buf.putInt(entries.size());
    for (Entry e : entries) {
      buf.putInt(e.epoch()).putLong(e.startOffset());
    }
    AtomicChecksummedFile.write(file, VERSION, buf.flip());
  }
}
