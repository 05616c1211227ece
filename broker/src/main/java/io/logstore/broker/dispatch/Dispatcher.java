package io.logstore.broker.dispatch;

import io.logstore.wire.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Routes a parsed request to its handler. A cluster member holds every request but ApiVersions
 * until its metadata has caught up with its own registration ({@link #holdUntil}), as Kafka's
 * broker does not process requests before its first metadata catch-up: a restarted broker would
 * otherwise answer Metadata from the image it replayed at start-up, which can be stale (showing
 * itself as a leader it no longer is).
 */
public final class Dispatcher {
  private final HandlerRegistry registry;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  public Dispatcher(HandlerRegistry registry) {
    this.registry = registry;
  }

  /**
   * Holds requests (other than ApiVersions) until {@code caughtUp} completes; each held request
   * then runs on its connection's event loop. Called before the listener starts.
   */
  public void holdUntil(CompletableFuture<Void> caughtUp) {
    this.gate = caughtUp;
  }

  /**
   * Whether {@code request} will run later than {@link #dispatch} returns (held): its caller must
   * keep what the body refers to (the network frame) until it is answered. Once false for a
   * request, false for every later one: the hold only ever ends.
   */
  public boolean defers(KafkaRequest request) {
    return !gate.isDone() && request.apiKey() != ApiKeys.API_VERSIONS;
  }

  public HandlerRegistry registry() {
    return registry;
  }

  /** Runs the handler; a handler that throws yields a failed stage rather than an exception. */
  public CompletionStage<ApiMessage> dispatch(RequestContext context, KafkaRequest request) {
    CompletableFuture<Void> held = gate;
    if (!held.isDone() && request.apiKey() != ApiKeys.API_VERSIONS) {
      return held.handle((ignored, error) -> null)
          .thenComposeAsync(ignored -> dispatchNow(context, request), context.connectionExecutor());
    }
    return dispatchNow(context, request);
  }

  private CompletionStage<ApiMessage> dispatchNow(RequestContext context, KafkaRequest request) {
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
