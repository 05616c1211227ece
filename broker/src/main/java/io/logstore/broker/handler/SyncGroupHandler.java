package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * SyncGroup v0-5. Followers wait for the leader's assignments (bounded by the rebalance timeout);
 * the leader's assignments are durable in {@code __consumer_offsets} before anyone is answered.
 */
public final class SyncGroupHandler extends AbstractApiHandler<SyncGroupRequestData> {
  private final GroupCoordinator coordinator;

  public SyncGroupHandler(GroupCoordinator coordinator) {
    super(ApiKeys.SYNC_GROUP, 0, ApiKeys.SYNC_GROUP.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, SyncGroupRequestData request) {
    short version = context.version();
    if (GroupRequests.invalidGroupId(request.groupId())) {
      return CompletableFuture.completedFuture(error(Errors.INVALID_GROUP_ID));
    }
    return GroupRequests.respond(
        coordinator.syncGroup(request),
        response -> {
          if (version < 5) {
            response.setProtocolType(null).setProtocolName(null);
          }
          return response;
        },
        SyncGroupHandler::error);
  }

  private static SyncGroupResponseData error(Errors error) {
    return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
  }
}
