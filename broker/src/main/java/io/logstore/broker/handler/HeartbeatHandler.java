package io.logstore.broker.handler;

import io.logstore.broker.dispatch.ApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** Heartbeat v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS asks it to rejoin. */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequestData> {
  private final GroupCoordinator coordinator;

  public HeartbeatHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.HEARTBEAT;
  }

  @Override
  public short minVersion() {
    return 0;
  }

  @Override
  public short maxVersion() {
    return ApiKeys.HEARTBEAT.latestVersion(false);
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, HeartbeatRequestData request) {
    if (GroupRequests.invalidGroupId(request.groupId())) {
      return CompletableFuture.completedFuture(response(Errors.INVALID_GROUP_ID));
    }
    return GroupRequests.respond(
        coordinator.heartbeat(
            request.groupId(),
            request.memberId(),
            request.groupInstanceId(),
            request.generationId()),
        HeartbeatHandler::response,
        HeartbeatHandler::response);
  }

  private static ApiMessage response(Errors error) {
    return new HeartbeatResponseData().setErrorCode(error.code());
  }
}
