package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.GroupCoordinator.Listing;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ListGroups v0-5, with the state filter (v4+) and the type filter (v5+; all groups are classic).
 */
public final class ListGroupsHandler extends AbstractApiHandler<ListGroupsRequestData> {
  private final GroupCoordinator coordinator;

  public ListGroupsHandler(GroupCoordinator coordinator) {
    super(ApiKeys.LIST_GROUPS, 0, ApiKeys.LIST_GROUPS.latestVersion(false));
    this.coordinator = coordinator;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, ListGroupsRequestData request) {
    short version = context.version();
    return GroupRequests.respond(
        coordinator.listGroups(lower(request.statesFilter()), lower(request.typesFilter())),
        listings -> response(version, listings),
        error -> new ListGroupsResponseData().setErrorCode(error.code()));
  }

  private static Set<String> lower(List<String> values) {
    Set<String> lower = new HashSet<>();
    if (values != null) {
      values.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
    }
    return lower;
  }

  private static ApiMessage response(short version, List<Listing> listings) {
    ListGroupsResponseData response = new ListGroupsResponseData();
    for (Listing l : listings) {
      ListedGroup group =
          new ListedGroup().setGroupId(l.groupId()).setProtocolType(l.protocolType());
      if (version >= 4) {
        group.setGroupState(l.state());
      }
      if (version >= 5) {
        group.setGroupType("classic");
      }
      response.groups().add(group);
    }
    return response;
  }
}
