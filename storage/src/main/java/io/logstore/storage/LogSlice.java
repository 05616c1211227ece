package io.logstore.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A zero-copy view of a byte range of one segment file: whole record batches.
 *
 * <p>The channel is the segment's shared FileChannel: readers must NOT close it (and must not hand
 * it to something that closes it, such as Netty's {@code DefaultFileRegion(FileChannel, ...)}). The
 * segment's files may be renamed to {@code .deleted} and removed {@code fileDeleteDelayMs} after
 * retention or truncation; the channel stays readable until then.
 */
public final class LogSlice {
  private static final LogSlice EMPTY = new LogSlice(null, null, 0L, 0, -1L);

  private final FileChannel channel;
  private final Path file;
  private final long position;
  private final int sizeInBytes;
  private final long firstOffset;

  LogSlice(FileChannel channel, Path file, long position, int sizeInBytes, long firstOffset) {
    this.channel = channel;
    this.file = file;
    this.position = position;
    this.sizeInBytes = sizeInBytes;
    this.firstOffset = firstOffset;
  }

  /** The empty slice: no channel, no file, size 0, first offset -1. */
  public static LogSlice empty() {
    return EMPTY;
  }

  public boolean isEmpty() {
    return sizeInBytes == 0;
  }

  /** The segment's shared channel (null for the empty slice). Do not close it. */
  public FileChannel channel() {
    return channel;
  }

  /** The segment file (null for the empty slice). */
  public Path file() {
    return file;
  }

  public long position() {
    return position;
  }

  public int sizeInBytes() {
    return sizeInBytes;
  }

  /** Base offset of the first batch in the slice (may be below the offset asked for), or -1. */
  public long firstOffset() {
    return firstOffset;
  }

  /** Copies the slice into a new heap buffer (position 0, limit size). */
  public ByteBuffer readFully() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(sizeInBytes);
    long filePos = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, filePos);
      if (n < 0) {
        throw new EOFException(
            "end of "
                + file
                + " at position "
                + filePos
                + " while reading a slice of "
                + sizeInBytes
                + " bytes from "
                + position);
      }
      filePos += n;
    }
    return buf.flip();
  }

  @Override
  public String toString() {
    return "LogSlice[" + file + " @" + position + " +" + sizeInBytes + " from " + firstOffset + "]";
  }
}
