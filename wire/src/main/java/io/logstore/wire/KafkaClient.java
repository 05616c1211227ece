package io.logstore.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A Kafka protocol client for broker-to-broker requests (a follower's Fetch): Netty connections
 * with the same size-prefixed framing the server reads ({@link FrameDecoder}) and kafka-clients'
 * message classes for headers and bodies. One request in flight per {@link Connection}; the answer
 * is parsed off the event loop's buffer into a heap copy, so the message (and record bytes in it)
 * outlive the frame.
 *
 * <p>Threading: one NIO event loop group of {@code threads} daemon threads (named {@code
 * <threadPrefix>-N}) serves every connection; futures complete on those threads, so a caller that
 * does more than hand the answer on must hop to its own thread.
 */
public final class KafkaClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final String clientId;
  private final int maxResponseBytes;

  public KafkaClient(String clientId, String threadPrefix, int threads, int maxResponseBytes) {
    this.clientId = clientId;
    this.maxResponseBytes = maxResponseBytes;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.group = new NioEventLoopGroup(threads, factory);
  }

  /**
   * A connection to the node whose address {@code address} gives at connect time (null: unknown
   * yet); it connects on the first request and again after a failure.
   */
  public Connection connection(Supplier<InetSocketAddress> address, int connectTimeoutMs) {
    return new Connection(address, connectTimeoutMs);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One connection; not for concurrent requests (at most one in flight). */
  public final class Connection implements AutoCloseable {
    private final Supplier<InetSocketAddress> address;
    private final int connectTimeoutMs;
    private volatile Channel channel;
    private volatile boolean closed;
    private int correlationId;

    /** The request in flight (guarded by this). */
    private Pending pending;

    /** The timeout of the request in flight, cancelled when it ends. Guarded by this. */
    private ScheduledFuture<?> timeoutTask;

    private record Pending(
        int correlationId, ApiKeys api, short version, CompletableFuture<ApiMessage> result) {}

    private Connection(Supplier<InetSocketAddress> address, int connectTimeoutMs) {
      this.address = address;
      this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * Sends {@code body} as {@code api} at {@code version}; completes with the parsed answer, or
     * fails (and drops the connection) on a connect failure, a lost connection, a bad answer or
     * after {@code timeoutMs}.
     */
    public synchronized CompletableFuture<ApiMessage> send(
        ApiKeys api, short version, ApiMessage body, long timeoutMs) {
      CompletableFuture<ApiMessage> result = new CompletableFuture<>();
      if (closed) {
        result.completeExceptionally(new IOException("connection closed"));
        return result;
      }
      if (pending != null) {
        result.completeExceptionally(new IllegalStateException("a request is in flight"));
        return result;
      }
      int correlation = ++correlationId;
      pending = new Pending(correlation, api, version, result);
      RequestHeader header = new RequestHeader(api, version, clientId, correlation);
      ByteBuffer frame =
          RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
      Channel ch = channel;
      if (ch != null && ch.isActive()) {
        write(ch, frame, correlation, timeoutMs);
      } else {
        connect(frame, correlation, timeoutMs);
      }
      return result;
    }

    private void connect(ByteBuffer frame, int correlation, long timeoutMs) {
      InetSocketAddress target = address.get();
      if (target == null) {
        fail(correlation, new IOException("no known address"));
        return;
      }
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new FrameDecoder(maxResponseBytes), new ResponseHandler());
                    }
                  });
      ChannelFuture cf = b.connect(target);
      channel = cf.channel();
      cf.addListener(
          f -> {
            if (f.isSuccess()) {
              write(cf.channel(), frame, correlation, timeoutMs);
            } else {
              fail(correlation, new IOException("cannot connect to " + target, f.cause()));
            }
          });
    }

    private void write(Channel ch, ByteBuffer frame, int correlation, long timeoutMs) {
      ByteBuf out = ch.alloc().buffer(4 + frame.remaining());
      out.writeInt(frame.remaining()).writeBytes(frame);
      ch.writeAndFlush(out)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  fail(correlation, new IOException("send failed", f.cause()));
                }
              });
      ScheduledFuture<?> task =
          ch.eventLoop()
              .schedule(
                  () ->
                      fail(correlation, new TimeoutException("no answer in " + timeoutMs + " ms")),
                  timeoutMs,
                  TimeUnit.MILLISECONDS);
      synchronized (this) {
        if (pending != null && pending.correlationId() == correlation) {
          timeoutTask = task;
          return;
        }
      }
      task.cancel(false); // answered or failed already
    }

    /** Ends the request in flight (the caller completes its future); guarded by this. */
    private CompletableFuture<ApiMessage> takePending() {
      CompletableFuture<ApiMessage> result = pending == null ? null : pending.result();
      pending = null;
      if (timeoutTask != null) {
        timeoutTask.cancel(false);
        timeoutTask = null;
      }
      return result;
    }

    /** Fails request {@code correlation} if it is still in flight, and drops the connection. */
    private void fail(int correlation, Throwable cause) {
      CompletableFuture<ApiMessage> result;
      synchronized (this) {
        if (pending == null || pending.correlationId() != correlation) {
          return;
        }
        result = takePending();
        dropChannel();
      }
      result.completeExceptionally(cause);
    }

    private void dropChannel() {
      Channel ch = channel;
      channel = null;
      if (ch != null) {
        ch.close();
      }
    }

    private void onFrame(ByteBuf frame) {
      CompletableFuture<ApiMessage> result;
      ApiMessage message = null;
      Throwable error = null;
      synchronized (this) {
        Pending p = pending;
        if (p == null) {
          return; // an answer after its timeout: the connection is being dropped
        }
        result = takePending();
        try {
          byte[] copy = new byte[frame.readableBytes()];
          frame.readBytes(copy);
          ByteBuffer buf = ByteBuffer.wrap(copy);
          ResponseHeader header =
              ResponseHeader.parse(buf, p.api().responseHeaderVersion(p.version()));
          if (header.correlationId() != p.correlationId()) {
            throw new IOException(
                "correlation id " + header.correlationId() + " != " + p.correlationId());
          }
          message = ApiMessageType.fromApiKey(p.api().id).newResponse();
          message.read(new ByteBufferAccessor(buf), p.version());
        } catch (IOException | RuntimeException e) {
          error = e;
          dropChannel();
        }
      }
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(message);
      }
    }

    private void onInactive(Channel ch) {
      CompletableFuture<ApiMessage> result = null;
      synchronized (this) {
        if (channel != ch) {
          return; // a connection dropped earlier: the request in flight (if any) is on another
        }
        channel = null;
        result = takePending();
      }
      if (result != null) {
        result.completeExceptionally(new IOException("connection closed by the peer"));
      }
    }

    @Override
    public void close() {
      CompletableFuture<ApiMessage> result = null;
      synchronized (this) {
        closed = true;
        result = takePending();
        dropChannel();
      }
      if (result != null) {
        result.completeExceptionally(new IOException("connection closed"));
      }
    }

    private final class ResponseHandler extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
          onFrame(frame);
        } finally {
          frame.release();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        onInactive(ctx.channel());
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }
  }
}
