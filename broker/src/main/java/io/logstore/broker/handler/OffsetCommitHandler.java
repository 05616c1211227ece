package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.GroupCoordinator.PartitionCommit;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit v2-10 (v10 names topics by id). Unknown topics and partitions and oversized metadata
 * are answered here; the rest goes to the coordinator, which answers once the commit is durable.
 */
public final class OffsetCommitHandler extends AbstractApiHandler<OffsetCommitRequestData> {
  private final GroupCoordinator coordinator;
  private final TopicManager topics;
  private final int metadataMaxBytes;

  public OffsetCommitHandler(
      GroupCoordinator coordinator, TopicManager topics, int metadataMaxBytes) {
    super(ApiKeys.OFFSET_COMMIT, 2, ApiKeys.OFFSET_COMMIT.latestVersion(false));
    this.coordinator = coordinator;
    this.topics = topics;
    this.metadataMaxBytes = metadataMaxBytes;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, OffsetCommitRequestData request) {
    boolean byId = context.version() >= 10;
    Map<TopicPartition, Errors> early = new HashMap<>();
    Map<TopicPartition, PartitionCommit> commits = new LinkedHashMap<>();
    boolean invalidGroup = GroupRequests.invalidGroupId(request.groupId());
    for (OffsetCommitRequestTopic t : request.topics()) {
      Optional<TopicInfo> topic = byId ? topics.topic(t.topicId()) : topics.topic(t.name());
      String name = topic.map(TopicInfo::name).orElse(t.name());
      for (OffsetCommitRequestPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(name == null ? "" : name, p.partitionIndex());
        Errors error = Errors.NONE;
        if (invalidGroup) {
          error = Errors.INVALID_GROUP_ID;
        } else if (topic.isEmpty()) {
          error = byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitionCount()) {
          error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (p.committedMetadata() != null
            && p.committedMetadata().getBytes(StandardCharsets.UTF_8).length > metadataMaxBytes) {
          error = Errors.OFFSET_METADATA_TOO_LARGE;
        }
        if (error != Errors.NONE) {
          early.put(tp, error);
        } else {
          commits.put(
              tp,
              new PartitionCommit(
                  p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
        }
      }
    }
    CompletableFuture<Map<TopicPartition, Errors>> answer =
        commits.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : coordinator.commitOffsets(
                request.groupId(),
                request.generationIdOrMemberEpoch(),
                request.memberId(),
                request.groupInstanceId(),
                context.version() >= 9,
                commits);
    return GroupRequests.respond(
        answer,
        errors -> response(request, byId, early, errors, null),
        error -> response(request, byId, early, Map.of(), error));
  }

  private ApiMessage response(
      OffsetCommitRequestData request,
      boolean byId,
      Map<TopicPartition, Errors> early,
      Map<TopicPartition, Errors> committed,
      Errors failure) {
    OffsetCommitResponseData response = new OffsetCommitResponseData();
    for (OffsetCommitRequestTopic t : request.topics()) {
      Optional<TopicInfo> topic = byId ? topics.topic(t.topicId()) : topics.topic(t.name());
      String name = topic.map(TopicInfo::name).orElse(t.name());
      OffsetCommitResponseTopic rt =
          new OffsetCommitResponseTopic().setName(byId ? "" : t.name()).setTopicId(t.topicId());
      for (OffsetCommitRequestPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(name == null ? "" : name, p.partitionIndex());
        Errors error = early.get(tp);
        if (error == null) {
          error =
              failure != null ? failure : committed.getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
        }
        rt.partitions()
            .add(
                new OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(error.code()));
      }
      response.topics().add(rt);
    }
    return response;
  }
}
