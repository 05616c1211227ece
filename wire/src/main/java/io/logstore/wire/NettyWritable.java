package io.logstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The {@link Writable} the generated message classes write responses into. Plain fields go into a
 * pooled {@link ByteBuf}; a {@link FileSliceRecords} field ends the current buffer and becomes a
 * file region, so the output is a list of buffer / file region / buffer parts.
 */
final class NettyWritable implements Writable {
  private final ByteBufAllocator allocator;
  private final List<Object> parts;
  private final int initialCapacity;
  private ByteBuf current;
  private ByteBufOutputStream stream;

  NettyWritable(ByteBufAllocator allocator, ByteBuf first, List<Object> parts) {
    this.allocator = allocator;
    this.parts = parts;
    this.initialCapacity = Math.max(64, Math.min(first.capacity(), 16 * 1024));
    this.current = first;
    this.stream = new ByteBufOutputStream(first);
  }

  /** Hands the last buffer to the parts list; the writable must not be used afterwards. */
  void finish() {
    if (current.isReadable()) {
      parts.add(current);
    } else {
      current.release();
    }
    current = null;
    stream = null;
  }

  /** Releases what was written so far, after a failure. */
  void abort() {
    if (current != null) {
      current.release();
      current = null;
    }
  }

  @Override
  public void writeByte(byte val) {
    current.writeByte(val);
  }

  @Override
  public void writeShort(short val) {
    current.writeShort(val);
  }

  @Override
  public void writeInt(int val) {
    current.writeInt(val);
  }

  @Override
  public void writeLong(long val) {
    current.writeLong(val);
  }

  @Override
  public void writeDouble(double val) {
    current.writeDouble(val);
  }

  @Override
  public void writeByteArray(byte[] arr) {
    current.writeBytes(arr);
  }

  @Override
  public void writeUnsignedVarint(int i) {
    try {
      ByteUtils.writeUnsignedVarint(i, stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void writeByteBuffer(ByteBuffer buf) {
    current.writeBytes(buf.duplicate());
  }

  @Override
  public void writeVarint(int i) {
    try {
      ByteUtils.writeVarint(i, stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void writeVarlong(long i) {
    try {
      ByteUtils.writeVarlong(i, stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void writeRecords(BaseRecords records) {
    if (records instanceof FileSliceRecords slice) {
      if (slice.sizeInBytes() == 0) {
        return;
      }
      parts.add(current);
      parts.add(new NonClosingFileRegion(slice.channel(), slice.position(), slice.sizeInBytes()));
      current = allocator.ioBuffer(initialCapacity);
      stream = new ByteBufOutputStream(current);
    } else if (records instanceof MemoryRecords memory) {
      writeByteBuffer(memory.buffer());
    } else {
      throw new IllegalStateException("cannot write records of type " + records.getClass());
    }
  }
}
