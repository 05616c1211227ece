package io.logstore.wire;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * Records that stay in a segment file: {@code sizeInBytes} bytes at {@code position} of a shared
 * channel. {@link ResponseEncoder} turns them into a {@link NonClosingFileRegion}, so a plaintext
 * fetch is served by {@code sendfile} without copying through the heap.
 *
 * <p>The channel belongs to the segment and is never closed here.
 */
public final class FileSliceRecords implements TransferableRecords {
  private final FileChannel channel;
  private final long position;
  private final int sizeInBytes;

  public FileSliceRecords(FileChannel channel, long position, int sizeInBytes) {
    if (position < 0 || sizeInBytes < 0) {
      throw new IllegalArgumentException("position=" + position + " size=" + sizeInBytes);
    }
    this.channel = channel;
    this.position = position;
    this.sizeInBytes = sizeInBytes;
  }

  public FileChannel channel() {
    return channel;
  }

  public long position() {
    return position;
  }

  @Override
  public int sizeInBytes() {
    return sizeInBytes;
  }

  @Override
  public RecordsSend<? extends TransferableRecords> toSend() {
    return new DefaultRecordsSend<>(this);
  }

  @Override
  public int writeTo(TransferableChannel destination, int offset, int length) throws IOException {
    int count = Math.min(length, sizeInBytes - offset);
    return (int) destination.transferFrom(channel, position + offset, count);
  }
}
