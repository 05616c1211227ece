package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** Heartbeat v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS asks it to rejoin. */
public final class HeartbeatHandler extends AbstractApiHandler<HeartbeatRequestData> {
  private final GroupCoordinator coordinator;

  public HeartbeatHandler(GroupCoordinator coordinator) {
    super(ApiKeys.HEARTBEAT, 0, ApiKeys.HEARTBEAT.latestVersion(false));
    this.coordinator = coordinator;
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
