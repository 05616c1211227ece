package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DeleteGroups v0-2: an Empty group and its offsets are deleted (tombstones, durable before the
 * answer); a group with members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 */
public final class DeleteGroupsHandler extends AbstractApiHandler<DeleteGroupsRequestData> {
  private final GroupCoordinator coordinator;

  public DeleteGroupsHandler(GroupCoordinator coordinator) {
    super(ApiKeys.DELETE_GROUPS, 0, ApiKeys.DELETE_GROUPS.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DeleteGroupsRequestData request) {
    return GroupRequests.respond(
        coordinator.deleteGroups(request.groupsNames()),
        results -> {
          DeleteGroupsResponseData response = new DeleteGroupsResponseData();
          results.forEach(
              (groupId, error) ->
                  response
                      .results()
                      .add(
                          new DeletableGroupResult()
                              .setGroupId(groupId)
                              .setErrorCode(error.code())));
          return response;
        },
        error -> {
          DeleteGroupsResponseData response = new DeleteGroupsResponseData();
          for (String groupId : request.groupsNames()) {
            response
                .results()
                .add(new DeletableGroupResult().setGroupId(groupId).setErrorCode(error.code()));
          }
          return response;
        });
  }
}
