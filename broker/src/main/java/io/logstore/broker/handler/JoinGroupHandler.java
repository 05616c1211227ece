package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup v0-9. The response waits (on the coordinator thread, never on the event loop) until the
 * join phase of the rebalance ends; the wait is bounded by the rebalance timeout. From v4 a first
 * join without a member id gets MEMBER_ID_REQUIRED and an id.
 */
public final class JoinGroupHandler extends AbstractApiHandler<JoinGroupRequestData> {
  private final GroupCoordinator coordinator;

  public JoinGroupHandler(GroupCoordinator coordinator) {
    super(ApiKeys.JOIN_GROUP, 0, ApiKeys.JOIN_GROUP.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, JoinGroupRequestData request) {
    short version = context.version();
    if (version == 0) {
      request.setRebalanceTimeoutMs(request.sessionTimeoutMs());
    }
    if (GroupRequests.invalidGroupId(request.groupId())) {
      return CompletableFuture.completedFuture(
          forVersion(error(Errors.INVALID_GROUP_ID, request.memberId()), version));
    }
    String clientId = context.clientId() == null ? "" : context.clientId();
    return GroupRequests.respond(
        coordinator.joinGroup(request, version >= 4, version >= 9, clientId, context.clientHost()),
        response -> forVersion(response, version),
        error -> forVersion(error(error, request.memberId()), version));
  }

  private static JoinGroupResponseData error(Errors error, String memberId) {
    return new JoinGroupResponseData()
        .setErrorCode(error.code())
        .setGenerationId(-1)
        .setLeader("")
        .setMemberId(memberId == null ? "" : memberId);
  }

  /** ProtocolName is nullable only from v7; ProtocolType exists only from v7. */
  private static JoinGroupResponseData forVersion(JoinGroupResponseData response, short version) {
    if (version < 7) {
      response.setProtocolType(null);
      if (response.protocolName() == null) {
        response.setProtocolName("");
      }
    }
    return response;
  }
}
