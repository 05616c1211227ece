package io.logstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Writes a {@link KafkaResponse} as size, header, body. The size is computed first with the same
 * {@link ObjectSerializationCache} the write then uses (the generated classes cache encoded strings
 * between the two calls). Records held in files go out as file regions.
 */
@ChannelHandler.Sharable
public final class ResponseEncoder extends MessageToMessageEncoder<KafkaResponse> {
  private static final int MAX_INITIAL_BUFFER_BYTES = 64 * 1024;

  @Override
  protected void encode(ChannelHandlerContext ctx, KafkaResponse response, List<Object> out) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(response.correlationId());
    int headerBytes = header.size(cache, response.headerVersion());
    int bodyBytes = response.body().size(cache, response.version());
    int totalBytes = headerBytes + bodyBytes;
    ByteBuf first = ctx.alloc().ioBuffer(Math.min(4 + totalBytes, MAX_INITIAL_BUFFER_BYTES));
    first.writeInt(totalBytes);
    NettyWritable writable = new NettyWritable(ctx.alloc(), first, out);
    try {
      header.write(writable, cache, response.headerVersion());
      response.body().write(writable, cache, response.version());
      writable.finish();
    } catch (RuntimeException e) {
      writable.abort();
      for (Object part : out) {
        ReferenceCountUtil.release(part);
      }
      out.clear();
      throw e;
    }
  }
}
