package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.GroupCoordinator.Description;
import io.logstore.coordinator.group.GroupCoordinator.MemberInfo;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeGroups v0-6. Members' metadata and assignments are shown only for a Stable group, as
 * Kafka does. An unknown group is Dead; from v6 it also carries GROUP_ID_NOT_FOUND.
 */
public final class DescribeGroupsHandler extends AbstractApiHandler<DescribeGroupsRequestData> {
  /** Without an authorizer every group operation is allowed. */
  private static final int GROUP_OPERATIONS =
      Utils.to32BitField(
          Set.of(
              AclOperation.READ.code(), AclOperation.DESCRIBE.code(), AclOperation.DELETE.code()));

  private final GroupCoordinator coordinator;

  public DescribeGroupsHandler(GroupCoordinator coordinator) {
    super(ApiKeys.DESCRIBE_GROUPS, 0, ApiKeys.DESCRIBE_GROUPS.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeGroupsRequestData request) {
    short version = context.version();
    boolean withOperations = request.includeAuthorizedOperations();
    return GroupRequests.respond(
        coordinator.describeGroups(request.groups()),
        groups -> response(version, withOperations, groups),
        error -> {
          DescribeGroupsResponseData response = new DescribeGroupsResponseData();
          for (String groupId : request.groups()) {
            response
                .groups()
                .add(new DescribedGroup().setGroupId(groupId).setErrorCode(error.code()));
          }
          return response;
        });
  }

  private static ApiMessage response(
      short version, boolean withOperations, Map<String, Description> groups) {
    DescribeGroupsResponseData response = new DescribeGroupsResponseData();
    groups.forEach(
        (groupId, d) -> {
          DescribedGroup group = new DescribedGroup().setGroupId(groupId);
          if (d == null) {
            group.setGroupState("Dead");
            if (version >= 6) {
              group
                  .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                  .setErrorMessage("Group " + groupId + " not found.");
            }
          } else {
            group
                .setGroupState(d.state())
                .setProtocolType(d.protocolType())
                .setProtocolData(d.protocolData());
            for (MemberInfo m : d.members()) {
              group
                  .members()
                  .add(
                      new DescribedGroupMember()
                          .setMemberId(m.memberId())
                          .setGroupInstanceId(version >= 4 ? m.groupInstanceId() : null)
                          .setClientId(m.clientId())
                          .setClientHost(m.clientHost())
                          .setMemberMetadata(m.metadata())
                          .setMemberAssignment(m.assignment()));
            }
            if (withOperations && version >= 3) {
              group.setAuthorizedOperations(GROUP_OPERATIONS);
            }
          }
          response.groups().add(group);
        });
    return response;
  }
}
