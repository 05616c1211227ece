package io.logstore.broker.handler;

import io.logstore.broker.dispatch.ApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator v0-6 (v4+ batches keys). This single broker coordinates every group. Transaction
 * coordinators (key type 1) are not served: COORDINATOR_NOT_AVAILABLE.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
  private final Supplier<BrokerIdentity> identity;

  public FindCoordinatorHandler(Supplier<BrokerIdentity> identity) {
    this.identity = identity;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.FIND_COORDINATOR;
  }

  @Override
  public short minVersion() {
    return 0;
  }

  @Override
  public short maxVersion() {
    return ApiKeys.FIND_COORDINATOR.latestVersion(false);
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, FindCoordinatorRequestData request) {
    BrokerIdentity self = identity.get();
    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
    if (context.version() >= 4) {
      for (String key : request.coordinatorKeys()) {
        Errors error = errorFor(request.keyType(), key);
        response
            .coordinators()
            .add(
                new Coordinator()
                    .setKey(key)
                    .setErrorCode(error.code())
                    .setErrorMessage(error == Errors.NONE ? null : error.message())
                    .setNodeId(error == Errors.NONE ? self.nodeId() : -1)
                    .setHost(error == Errors.NONE ? self.host() : "")
                    .setPort(error == Errors.NONE ? self.port() : -1));
      }
      return CompletableFuture.completedFuture(response);
    }
    Errors error = errorFor(request.keyType(), request.key());
    response.setErrorCode(error.code());
    if (error == Errors.NONE) {
      response.setNodeId(self.nodeId()).setHost(self.host()).setPort(self.port());
    } else {
      response.setErrorMessage(error.message()).setNodeId(-1).setHost("").setPort(-1);
    }
    return CompletableFuture.completedFuture(response);
  }

  private static Errors errorFor(byte keyType, String key) {
    if (keyType == CoordinatorType.GROUP.id()) {
      return Errors.NONE;
    }
    if (keyType == CoordinatorType.TRANSACTION.id()) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    return Errors.INVALID_REQUEST;
  }
}
