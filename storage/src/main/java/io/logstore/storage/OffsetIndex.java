package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sparse offset index of one segment ({@code <baseOffset>.index}), Kafka's layout.
 *
 * <p>File: a sequence of 8-byte big-endian entries, no header:
 *
 * <pre>
 *   relativeOffset int32   lastOffset of an indexed batch minus the segment base offset
 *   position       int32   byte position of that batch in the .log file
 * </pre>
 *
 * Both columns strictly increase. An entry is added when more than {@code indexIntervalBytes} of
 * log were written since the previous one. The file is derived data: written with plain writes,
 * fsynced on roll and clean close, and rebuilt from the log when in doubt.
 *
 * <p>Entries are also held in memory. One appender thread (holding the partition append lock)
 * mutates; readers use the volatile {@code entries} count and array reference, which the appender
 * publishes after writing the slots they cover.
 */
final class OffsetIndex {
  static final int ENTRY_SIZE = 8;

  private final Path file;
  private final long baseOffset;
  private final int maxEntries;
  private final FileChannel channel;
  private final boolean existedAtOpen;
  private volatile long[] slots = new long[16];
  private volatile int entries;

  /** Entries already written to the file; the rest are written by {@link #writePending}. */
  private int writtenEntries;

  OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
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

  /**
   * Loads the file and checks it: size a multiple of 8, within the maximum, both columns strictly
   * increasing, positions inside the log.
   *
   * @return a description of the problem, or null if the index is usable
   */
  String load(long logSizeBytes) throws IOException {
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
    readFully(buf);
    long[] loaded = new long[Math.max(16, count)];
    int previousRelative = -1;
    int previousPosition = -1;
    for (int i = 0; i < count; i++) {
      int relative = buf.getInt(i * ENTRY_SIZE);
      int position = buf.getInt(i * ENTRY_SIZE + 4);
      if (relative <= previousRelative || position <= previousPosition) {
        return "entry " + i + " (" + relative + ", " + position + ") is not increasing";
      }
      if (position >= logSizeBytes) {
        return "entry " + i + " points to position " + position + " past the log end";
      }
      loaded[i] = pack(relative, position);
      previousRelative = relative;
      previousPosition = position;
    }
    slots = loaded;
    entries = count;
    writtenEntries = count;
    return null;
  }

  private void readFully(ByteBuffer buf) throws IOException {
    long filePos = 0;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, filePos);
      if (n < 0) {
        throw new IOException("unexpected end of " + file);
      }
      filePos += n;
    }
  }

  void append(long offset, int position) throws IOException {
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "offset " + offset + " does not fit the index of segment " + baseOffset);
    }
    int n = entries;
    if (n > 0 && (relative <= relativeAt(n - 1) || position <= positionAt(n - 1))) {
      throw new IllegalStateException(
          "non-increasing entry (" + offset + ", " + position + ") appended to " + file);
    }
    if (n >= maxEntries) {
      throw new IllegalStateException("index " + file + " is full");
    }
    long[] current = slots;
    if (n == current.length) {
      long[] grown = new long[current.length * 2];
      System.arraycopy(current, 0, grown, 0, n);
      current = grown;
      slots = grown;
    }
    current[n] = pack((int) relative, position);
    entries = n + 1;
  }

  /** Position of the last indexed batch whose last offset is {@code <= offset}, or 0. */
  int lookupPosition(long offset) {
    int n = entries;
    long[] s = slots;
    long relative = offset - baseOffset;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (unpackRelative(s[mid]) <= relative) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : unpackPosition(s[found]);
  }

  /** Drops entries pointing at or past {@code logPosition}. */
  void truncateToPosition(int logPosition) throws IOException {
    int n = entries;
    while (n > 0 && positionAt(n - 1) >= logPosition) {
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
   * Writes the entries appended since the last call in one positional write. Appends only update
   * memory: the file is derived data, brought up to date by the flusher, at roll and at close; a
   * crash leaves at most a shorter index, which loading tolerates (it scans the log after the last
   * entry).
   */
  void writePending() throws IOException {
    int n = entries;
    int from = writtenEntries;
    if (from >= n) {
      return;
    }
    long[] s = slots;
    ByteBuffer buf = ByteBuffer.allocate((n - from) * ENTRY_SIZE);
    for (int i = from; i < n; i++) {
      buf.putInt(unpackRelative(s[i])).putInt(unpackPosition(s[i]));
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

  private int relativeAt(int i) {
    return unpackRelative(slots[i]);
  }

  private int positionAt(int i) {
    return unpackPosition(slots[i]);
  }

  private static long pack(int relative, int position) {
    return ((long) relative << 32) | (position & 0xffffffffL);
  }

  private static int unpackRelative(long slot) {
    return (int) (slot >>> 32);
  }

  private static int unpackPosition(long slot) {
    return (int) slot;
  }
}
