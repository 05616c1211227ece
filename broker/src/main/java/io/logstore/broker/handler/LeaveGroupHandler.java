package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.GroupCoordinator.LeaveOutcome;
import io.logstore.coordinator.group.GroupCoordinator.Leaving;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * LeaveGroup v0-5: one member (v0-2) or a batch of members, by member id or by group.instance.id
 * (v3+). The group rebalances without them at once, instead of after their session timeout.
 */
public final class LeaveGroupHandler extends AbstractApiHandler<LeaveGroupRequestData> {
  private final GroupCoordinator coordinator;

  public LeaveGroupHandler(GroupCoordinator coordinator) {
    super(ApiKeys.LEAVE_GROUP, 0, ApiKeys.LEAVE_GROUP.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, LeaveGroupRequestData request) {
    short version = context.version();
    List<MemberIdentity> members =
        version >= 3
            ? request.members()
            : List.of(new MemberIdentity().setMemberId(request.memberId()));
    if (GroupRequests.invalidGroupId(request.groupId())) {
      return CompletableFuture.completedFuture(
          new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
    }
    List<Leaving> leaving = new ArrayList<>();
    for (MemberIdentity m : members) {
      leaving.add(new Leaving(m.memberId(), m.groupInstanceId()));
    }
    return GroupRequests.respond(
        coordinator.leaveGroup(request.groupId(), leaving),
        outcome -> response(version, members, outcome),
        error -> new LeaveGroupResponseData().setErrorCode(error.code()));
  }

  private static ApiMessage response(
      short version, List<MemberIdentity> members, LeaveOutcome outcome) {
    LeaveGroupResponseData response = new LeaveGroupResponseData();
    if (outcome.error() != Errors.NONE) {
      return response.setErrorCode(outcome.error().code());
    }
    if (version < 3) {
      return response.setErrorCode(outcome.memberErrors().get(0).code());
    }
    for (int i = 0; i < members.size(); i++) {
      response
          .members()
          .add(
              new MemberResponse()
                  .setMemberId(members.get(i).memberId())
                  .setGroupInstanceId(members.get(i).groupInstanceId())
                  .setErrorCode(outcome.memberErrors().get(i).code()));
    }
    return response;
  }
}
