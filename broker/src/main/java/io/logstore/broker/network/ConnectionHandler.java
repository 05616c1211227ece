package io.logstore.broker.network;

import io.logstore.broker.dispatch.Dispatcher;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.wire.KafkaRequest;
import io.logstore.wire.KafkaResponse;
import io.logstore.wire.ParseResult;
import io.logstore.wire.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: parses each frame, dispatches it, and writes responses strictly in request
 * order, whatever order the handlers complete in (a parked long-poll fetch holds back the responses
 * behind it, as in Kafka).
 *
 * <p>Requests are pipelined: up to {@code maxInflightRequests} may be in progress at once (so one
 * producer's in-flight batches share an fsync); past that, reading from the socket pauses until
 * responses drain. Kafka itself reads one request per connection at a time.
 *
 * <p>Threading: every method runs on the connection's event loop; handler completions are handed
 * back to it. No state is shared between connections.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final RequestParser parser;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final int maxInflightRequests;
  private final String connectionId = "c" + CONNECTION_IDS.incrementAndGet();
  private final ArrayDeque<Slot> inflight = new ArrayDeque<>();
  private boolean closed;
  private String clientHost;

  ConnectionHandler(Dispatcher dispatcher, Clock clock, int maxInflightRequests) {
    this.parser = new RequestParser(dispatcher.registry());
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.maxInflightRequests = maxInflightRequests;
  }

  /** A request awaiting its turn to answer; {@code response == null} once done means no reply. */
  private static final class Slot {
    boolean done;
    KafkaResponse response;
  }

  /**
   * The frame is released when {@code dispatch} returns, unless the dispatcher defers the request
   * (held until the metadata caught up, see {@link Dispatcher#holdUntil}): then the request keeps
   * it until it is answered, since a parsed body holds views into the frame (produce records).
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (closed) {
        return;
      }
      onFrame(ctx, frame);
    } finally {
      frame.release();
    }
  }

  private void onFrame(ChannelHandlerContext ctx, ByteBuf frame) {
    ParseResult result = parser.parse(frame.nioBuffer());
    if (result instanceof ParseResult.Parsed parsed) {
      dispatch(ctx, parsed.request(), frame);
    } else if (result instanceof ParseResult.UnsupportedApiVersions unsupported) {
      ApiVersionsResponseData body =
          new ApiVersionsResponseData()
              .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
              .setApiKeys(apiVersionCollection());
      Slot slot = enqueue(ctx);
      complete(
          ctx,
          slot,
          new KafkaResponse(unsupported.header().correlationId(), (short) 0, body, (short) 0));
    } else if (result instanceof ParseResult.Rejected rejected) {
      log.debug("Closing connection {}: {}", connectionId, rejected.reason());
      close(ctx);
    } else {
      throw new IllegalStateException("unknown parse result " + result);
    }
  }

  /**
   * The KIP-511 fallback lists only ApiVersions' own range, as Kafka 4.x does: enough for the
   * client to pick a version and ask again.
   */
  private ApiVersionsResponseData.ApiVersionCollection apiVersionCollection() {
    ApiVersionsResponseData.ApiVersionCollection keys =
        new ApiVersionsResponseData.ApiVersionCollection();
    dispatcher.registry().advertisedVersions().stream()
        .filter(v -> v.apiKey() == ApiKeys.API_VERSIONS.id)
        .forEach(v -> keys.add(v.duplicate()));
    return keys;
  }

  private void dispatch(ChannelHandlerContext ctx, KafkaRequest request, ByteBuf frame) {
    if (log.isTraceEnabled()) {
      log.trace(
          "connectionId={} apiKey={} version={} correlationId={}",
          connectionId,
          request.apiKey(),
          request.version(),
          request.correlationId());
    }
    RequestContext context =
        new RequestContext(
            request.header(),
            connectionId,
            clientHost(ctx),
            ctx.channel().eventLoop(),
            clock.millis());
    Slot slot = enqueue(ctx);
    // A deferred request runs after channelRead released the frame, and its body holds views into
    // it: it keeps the frame until answered, released on this event loop (the pooled allocator's
    // thread cache takes it back). Requests handled at once leave the frame to channelRead, which
    // releases it right away for the next read.
    boolean deferred = dispatcher.defers(request);
    if (deferred) {
      frame.retain();
    }
    CompletionStage<ApiMessage> stage = dispatcher.dispatch(context, request);
    stage.whenComplete(
        (body, error) -> {
          if (ctx.executor().inEventLoop()) {
            answered(ctx, slot, request, body, error, deferred ? frame : null);
          } else {
            try {
              ctx.executor()
                  .execute(
                      () -> answered(ctx, slot, request, body, error, deferred ? frame : null));
            } catch (RejectedExecutionException e) {
              if (deferred) {
                frame.release(); // the event loop is shutting down
              }
            }
          }
        });
  }

  private void answered(
      ChannelHandlerContext ctx,
      Slot slot,
      KafkaRequest request,
      ApiMessage body,
      Throwable error,
      ByteBuf heldFrame) {
    if (heldFrame != null) {
      heldFrame.release();
    }
    onHandled(ctx, slot, request, body, error);
  }

  private void onHandled(
      ChannelHandlerContext ctx,
      Slot slot,
      KafkaRequest request,
      ApiMessage body,
      Throwable error) {
    if (error != null) {
      log.error(
          "Handler failed connectionId={} apiKey={} version={} correlationId={}; closing",
          connectionId,
          request.apiKey(),
          request.version(),
          request.correlationId(),
          error);
      close(ctx);
      return;
    }
    complete(ctx, slot, body == null ? null : KafkaResponse.to(request.header(), body));
  }

  private String clientHost(ChannelHandlerContext ctx) {
    if (clientHost == null) {
      clientHost =
          ctx.channel().remoteAddress() instanceof InetSocketAddress address
                  && address.getAddress() != null
              ? address.getAddress().toString()
              : "";
    }
    return clientHost;
  }

  private Slot enqueue(ChannelHandlerContext ctx) {
    Slot slot = new Slot();
    inflight.addLast(slot);
    if (inflight.size() >= maxInflightRequests) {
      ctx.channel().config().setAutoRead(false);
    }
    return slot;
  }

  private void complete(ChannelHandlerContext ctx, Slot slot, KafkaResponse response) {
    if (closed) {
      return;
    }
    slot.done = true;
    slot.response = response;
    boolean wrote = false;
    while (!inflight.isEmpty() && inflight.peekFirst().done) {
      Slot head = inflight.pollFirst();
      if (head.response != null) {
        ctx.write(head.response, ctx.voidPromise());
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (inflight.size() < maxInflightRequests && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void close(ChannelHandlerContext ctx) {
    closed = true;
    inflight.clear();
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Closing connection {}: {}", connectionId, cause.toString());
    close(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    inflight.clear();
    ctx.fireChannelInactive();
  }
}
