package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sparse time index of one segment ({@code <baseOffset>.timeindex}), Kafka's layout.
 *
 * <p>File: a sequence of 12-byte big-endian entries, no header:
 *
 * <pre>
 *   timestamp      int64   largest batch maxTimestamp seen so far in the segment
 *   relativeOffset int32   lastOffset of the batch that first reached it, minus the base offset
 * </pre>
 *
 * Timestamps strictly increase, offsets do not decrease. An entry is added at the same interval as
 * the offset index, only when the max timestamp grew, plus a final one when the segment is rolled
 * (so the last entry is the segment's largest timestamp). Derived data, rebuilt when in doubt. Same
 * publication scheme as {@link OffsetIndex}.
 */
final class TimeIndex {
  static final int ENTRY_SIZE = 12;

  private final Path file;
  private final long baseOffset;
  private final int maxEntries;
  private final FileChannel channel;
  private final boolean existedAtOpen;

  /** Both columns, replaced as a unit when they grow. */
  private record Columns(long[] timestamps, int[] relativeOffsets) {}

  private volatile Columns columns = new Columns(new long[16], new int[16]);
  private volatile int entries;

  /** Entries already written to the file; the rest are written by {@link #writePending}. */
  private int writtenEntries;

  TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
    this.file = file;
    this.baseOffset = baseOffset;
    this.maxEntries = Math.max(1, maxIndexBytes / ENTRY_SIZE);
    this.existedAtOpen = Files.exists(file);
    this.channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  Path file() {
    return file;
  }

  int entries() {
    return entries;
  }

  boolean isFull() {
    return entries >= maxEntries;
  }

  long lastTimestamp() {
    int n = entries;
    return n == 0 ? -1L : columns.timestamps()[n - 1];
  }

  long lastOffset() {
    int n = entries;
    return n == 0 ? -1L : baseOffset + columns.relativeOffsets()[n - 1];
  }

  /**
   * Loads and checks the file: size a multiple of 12, within the maximum, timestamps strictly
   * increasing, offsets not decreasing and below {@code nextSegmentBaseOffset}.
   *
   * @return a description of the problem, or null if usable
   */
  String load(long nextSegmentBaseOffset) throws IOException {
    if (!existedAtOpen) {
      return "file was missing";
    }
    long size = channel.size();
    if (size % ENTRY_SIZE != 0) {
      return "size " + size + " is not a multiple of " + ENTRY_SIZE;
    }
    if (size / ENTRY_SIZE > maxEntries) {
      return "has " + size / ENTRY_SIZE + " entries, more than the maximum " + maxEntries;
    }
    int count = (int) (size / ENTRY_SIZE);
    ByteBuffer buf = ByteBuffer.allocate(count * ENTRY_SIZE);
    long filePos = 0;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, filePos);
      if (n < 0) {
        throw new IOException("unexpected end of " + file);
      }
      filePos += n;
    }
    Columns loaded = new Columns(new long[Math.max(16, count)], new int[Math.max(16, count)]);
    long previousTimestamp = Long.MIN_VALUE;
    int previousRelative = -1;
    for (int i = 0; i < count; i++) {
      long timestamp = buf.getLong(i * ENTRY_SIZE);
      int relative = buf.getInt(i * ENTRY_SIZE + 8);
      if (timestamp <= previousTimestamp || relative < previousRelative || relative < 0) {
        return "entry " + i + " (" + timestamp + ", " + relative + ") is not increasing";
      }
      if (baseOffset + relative >= nextSegmentBaseOffset) {
        return "entry " + i + " points to offset " + (baseOffset + relative) + " past the segment";
      }
      loaded.timestamps()[i] = timestamp;
      loaded.relativeOffsets()[i] = relative;
      previousTimestamp = timestamp;
      previousRelative = relative;
    }
    columns = loaded;
    entries = count;
    writtenEntries = count;
    return null;
  }

  /** Appends (timestamp, offset) if the timestamp is larger than the last entry's. */
  void maybeAppend(long timestamp, long offset) throws IOException {
    int n = entries;
    if (n > 0 && timestamp <= columns.timestamps()[n - 1]) {
      return;
    }
    if (n >= maxEntries) {
      throw new IllegalStateException("time index " + file + " is full");
    }
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalStateException("offset " + offset + " does not fit " + file);
    }
    Columns current = columns;
    if (n == current.timestamps().length) {
      Columns grown = new Columns(new long[n * 2], new int[n * 2]);
      System.arraycopy(current.timestamps(), 0, grown.timestamps(), 0, n);
      System.arraycopy(current.relativeOffsets(), 0, grown.relativeOffsets(), 0, n);
      current = grown;
      columns = grown;
    }
    current.timestamps()[n] = timestamp;
    current.relativeOffsets()[n] = (int) relative;
    entries = n + 1;
  }

  /**
   * Offset of the last entry whose timestamp is strictly below {@code timestamp}, or the base
   * offset. Every batch up to that offset has a max timestamp below the target, so a forward scan
   * from its batch finds the first batch reaching the target.
   */
  long lookupOffsetBelow(long timestamp) {
    int n = entries;
    Columns c = columns;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (c.timestamps()[mid] < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? baseOffset : baseOffset + c.relativeOffsets()[found];
  }

  /** Drops entries whose offset is {@code >= offset}. */
  void truncateToOffset(long offset) throws IOException {
    int n = entries;
    Columns c = columns;
    while (n > 0 && baseOffset + c.relativeOffsets()[n - 1] >= offset) {
      n--;
    }
    entries = n;
    writtenEntries = Math.min(writtenEntries, n);
    channel.truncate((long) n * ENTRY_SIZE);
  }

  void reset() throws IOException {
    entries = 0;
    writtenEntries = 0;
    channel.truncate(0);
  }

  /**
   * Writes the entries appended since the last call in one positional write (see {@link
   * OffsetIndex#writePending}).
   */
  void writePending() throws IOException {
    int n = entries;
    int from = writtenEntries;
    if (from >= n) {
      return;
    }
    Columns c = columns;
    ByteBuffer buf = ByteBuffer.allocate((n - from) * ENTRY_SIZE);
    for (int i = from; i < n; i++) {
      buf.putLong(c.timestamps()[i]).putInt(c.relativeOffsets()[i]);
    }
    buf.flip();
    long filePos = (long) from * ENTRY_SIZE;
    while (buf.hasRemaining()) {
      filePos += channel.write(buf, filePos);
    }
    writtenEntries = n;
  }

  void flush() throws IOException {
    writePending();
    channel.force(true);
  }

  void close() throws IOException {
    if (channel.isOpen()) {
      writePending();
    }
    channel.close();
  }
}
