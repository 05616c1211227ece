package io.logstore.broker.dispatch;

import io.logstore.wire.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiMessage;

/** Routes a parsed request to its handler. */
public final class Dispatcher {
  private final HandlerRegistry registry;

  public Dispatcher(HandlerRegistry registry) {
    this.registry = registry;
  }

  public HandlerRegistry registry() {
    return registry;
  }

  /** Runs the handler; a handler that throws yields a failed stage rather than an exception. */
  public CompletionStage<ApiMessage> dispatch(RequestContext context, KafkaRequest request) {
    try {
      return invoke(registry.handlerFor(request.apiKey()), context, request.body());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <R extends ApiMessage> CompletionStage<ApiMessage> invoke(
      ApiHandler<R> handler, RequestContext context, ApiMessage body) {
    return handler.handle(context, (R) body);
  }
}
