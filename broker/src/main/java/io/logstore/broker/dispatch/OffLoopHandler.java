package io.logstore.broker.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Runs a handler that does blocking file work (creating or deleting topics, fsyncing config and
 * checkpoint files) on a separate executor instead of the connection's event loop.
 *
 * <p>Only for APIs whose requests hold no views into the network frame (no record fields): the
 * frame is released as soon as {@link #handle} returns, before the delegate runs.
 */
public final class OffLoopHandler<R extends ApiMessage> implements ApiHandler<R> {
  private final ApiHandler<R> delegate;
  private final Executor executor;

  private OffLoopHandler(ApiHandler<R> delegate, Executor executor) {
    if (delegate.apiKey() == ApiKeys.PRODUCE || delegate.apiKey() == ApiKeys.FETCH) {
      throw new IllegalArgumentException(delegate.apiKey() + " requests hold frame views");
    }
    this.delegate = delegate;
    this.executor = executor;
  }

  public static <R extends ApiMessage> OffLoopHandler<R> on(
      Executor executor, ApiHandler<R> delegate) {
    return new OffLoopHandler<>(delegate, executor);
  }

  @Override
  public ApiKeys apiKey() {
    return delegate.apiKey();
  }

  @Override
  public short minVersion() {
    return delegate.minVersion();
  }

  @Override
  public short maxVersion() {
    return delegate.maxVersion();
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, R request) {
    return CompletableFuture.supplyAsync(() -> delegate.handle(context, request), executor)
        .thenCompose(Function.identity());
  }
}
