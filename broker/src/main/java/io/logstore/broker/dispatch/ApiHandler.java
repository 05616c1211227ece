package io.logstore.broker.dispatch;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one API key over the version range it really implements. One class per API; the {@link
 * HandlerRegistry} derives the ApiVersions table from these ranges.
 *
 * <p>Threading: {@link #handle} runs on the event loop of the request's connection and must not
 * block. The request body may hold views into the network frame, which is released as soon as
 * {@code handle} returns: copy (or append to storage) anything needed later before returning.
 *
 * @param <R> the generated request data class
 */
public interface ApiHandler<R extends ApiMessage> {
  ApiKeys apiKey();

  short minVersion();

  short maxVersion();

  /**
   * Serves {@code request}. The stage completes with the response body, or with {@code null} when
   * no response is sent (a produce with acks=0). It may complete on any thread.
   */
  CompletionStage<ApiMessage> handle(RequestContext context, R request);
}
