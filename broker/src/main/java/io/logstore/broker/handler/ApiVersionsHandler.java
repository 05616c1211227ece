package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.HandlerRegistry;
import io.logstore.broker.dispatch.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions v0-4, derived from the handler registry. A too-new ApiVersions request never gets
 * here: the connection answers it with a v0 UNSUPPORTED_VERSION response (KIP-511).
 */
public final class ApiVersionsHandler extends AbstractApiHandler<ApiVersionsRequestData> {
  private final HandlerRegistry registry;

  public ApiVersionsHandler(HandlerRegistry registry) {
    super(ApiKeys.API_VERSIONS, 0, 4);
    this.registry = registry;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, ApiVersionsRequestData request) {
    ApiVersionsResponseData response = new ApiVersionsResponseData();
    if (!new ApiVersionsRequest(request, context.version()).isValid()) {
      return CompletableFuture.completedFuture(
          response.setErrorCode(Errors.INVALID_REQUEST.code()));
    }
    ApiVersionCollection keys = new ApiVersionCollection();
    registry.advertisedVersions().forEach(keys::add);
    return CompletableFuture.completedFuture(
        response.setErrorCode(Errors.NONE.code()).setApiKeys(keys));
  }
}
