package io.logstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the inbound byte stream into Kafka request frames: a 4-byte big-endian size followed by
 * that many bytes. Emits each frame (without the size prefix) as a retained slice.
 *
 * <p>A negative size or a size above {@code maxFrameBytes} ({@code socket.request.max.bytes}) fails
 * the channel with {@link InvalidFrameException} before anything is allocated for the frame; the
 * connection handler closes the connection, as Kafka does.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int SIZE_PREFIX_BYTES = 4;
  private final int maxFrameBytes;

  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < SIZE_PREFIX_BYTES) {
      return;
    }
    int size = in.getInt(in.readerIndex());
    if (size < 0 || size > maxFrameBytes) {
      in.skipBytes(in.readableBytes());
      throw new InvalidFrameException(
          "Invalid request size " + size + " (socket.request.max.bytes=" + maxFrameBytes + ")");
    }
    if (in.readableBytes() < SIZE_PREFIX_BYTES + size) {
      return;
    }
    in.skipBytes(SIZE_PREFIX_BYTES);
    out.add(in.readRetainedSlice(size));
  }

  /** A frame whose size prefix is negative or too large; the connection must be closed. */
  public static final class InvalidFrameException extends CorruptedFrameException {
    public InvalidFrameException(String message) {
      super(message);
    }
  }
}
