package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.GroupCoordinator.OffsetDeleteOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete v0: deletes committed offsets of an Empty group, or of topics a consumer-protocol
 * group does not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
 */
public final class OffsetDeleteHandler extends AbstractApiHandler<OffsetDeleteRequestData> {
  private final GroupCoordinator coordinator;
  private final TopicManager topics;

  public OffsetDeleteHandler(GroupCoordinator coordinator, TopicManager topics) {
    super(ApiKeys.OFFSET_DELETE, 0, ApiKeys.OFFSET_DELETE.latestVersion(false));
    this.coordinator = coordinator;
    this.topics = topics;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, OffsetDeleteRequestData request) {
    if (GroupRequests.invalidGroupId(request.groupId())) {
      return CompletableFuture.completedFuture(
          new OffsetDeleteResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
    }
    Map<TopicPartition, Errors> early = new HashMap<>();
    List<TopicPartition> partitions = new ArrayList<>();
    for (OffsetDeleteRequestTopic t : request.topics()) {
      Optional<TopicInfo> topic = topics.topic(t.name());
      for (OffsetDeleteRequestPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        if (topic.isEmpty()
            || p.partitionIndex() < 0
            || p.partitionIndex() >= topic.get().partitionCount()) {
          early.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        } else {
          partitions.add(tp);
        }
      }
    }
    return GroupRequests.respond(
        coordinator.deleteOffsets(request.groupId(), partitions),
        outcome -> response(request, early, outcome),
        error -> new OffsetDeleteResponseData().setErrorCode(error.code()));
  }

  private static ApiMessage response(
      OffsetDeleteRequestData request, Map<TopicPartition, Errors> early, OffsetDeleteOutcome o) {
    OffsetDeleteResponseData response = new OffsetDeleteResponseData();
    if (o.error() != Errors.NONE) {
      return response.setErrorCode(o.error().code());
    }
    for (OffsetDeleteRequestTopic t : request.topics()) {
      OffsetDeleteResponseTopic rt = new OffsetDeleteResponseTopic().setName(t.name());
      for (OffsetDeleteRequestPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        Errors error = early.getOrDefault(tp, o.partitions().getOrDefault(tp, Errors.NONE));
        rt.partitions()
            .add(
                new OffsetDeleteResponsePartition()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(error.code()));
      }
      response.topics().add(rt);
    }
    return response;
  }
}
