package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.coordinator.group.OffsetAndMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch v1-10: one group (v1-7) or several (v8+), named partitions or all (null topics), by
 * topic name or by topic id (v10). A partition without a committed offset answers offset -1.
 * require_stable needs no wait: there are no pending transactional offsets.
 */
public final class OffsetFetchHandler extends AbstractApiHandler<OffsetFetchRequestData> {
  private final GroupCoordinator coordinator;
  private final TopicManager topics;

  public OffsetFetchHandler(GroupCoordinator coordinator, TopicManager topics) {
    super(ApiKeys.OFFSET_FETCH, 1, ApiKeys.OFFSET_FETCH.latestVersion(false));
    this.coordinator = coordinator;
    this.topics = topics;
  }

  /** One requested topic: the name used for lookups, the id to echo, whether it exists. */
  private record Requested(String name, Uuid id, boolean known, List<Integer> partitions) {}

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, OffsetFetchRequestData request) {
    short version = context.version();
    if (version < 8) {
      List<Requested> requested = null;
      if (request.topics() != null) {
        requested = new ArrayList<>();
        for (OffsetFetchRequestTopic t : request.topics()) {
          requested.add(new Requested(t.name(), Uuid.ZERO_UUID, true, t.partitionIndexes()));
        }
      }
      List<Requested> asked = requested;
      return GroupRequests.respond(
          fetch(request.groupId(), asked),
          offsets -> legacyResponse(asked, offsets, Errors.NONE),
          error -> legacyResponse(List.of(), Map.of(), error));
    }
    boolean byId = version >= 10;
    List<CompletableFuture<OffsetFetchResponseGroup>> groups = new ArrayList<>();
    for (OffsetFetchRequestGroup g : request.groups()) {
      List<Requested> requested = null;
      if (g.topics() != null) {
        requested = new ArrayList<>();
        for (OffsetFetchRequestTopics t : g.topics()) {
          Optional<TopicInfo> topic = byId ? topics.topic(t.topicId()) : Optional.empty();
          requested.add(
              byId
                  ? new Requested(
                      topic.map(TopicInfo::name).orElse(""),
                      t.topicId(),
                      topic.isPresent(),
                      t.partitionIndexes())
                  : new Requested(t.name(), Uuid.ZERO_UUID, true, t.partitionIndexes()));
        }
      }
      List<Requested> asked = requested;
      groups.add(
          fetch(g.groupId(), asked)
              .handle(
                  (offsets, error) ->
                      error != null
                          ? new OffsetFetchResponseGroup()
                              .setGroupId(g.groupId())
                              .setErrorCode(
                                  (error.getCause() instanceof NotCoordinatorException
                                              || error instanceof NotCoordinatorException
                                          ? Errors.NOT_COORDINATOR
                                          : Errors.COORDINATOR_NOT_AVAILABLE)
                                      .code())
                          : groupResponse(g.groupId(), asked, offsets, byId)));
    }
    return CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            ignored -> {
              OffsetFetchResponseData response = new OffsetFetchResponseData();
              groups.forEach(f -> response.groups().add(f.join()));
              return response;
            });
  }

  private CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetch(
      String groupId, List<Requested> requested) {
    if (requested == null) {
      return coordinator.fetchOffsets(groupId, null);
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (Requested t : requested) {
      if (t.known()) {
        for (int p : t.partitions()) {
          partitions.add(new TopicPartition(t.name(), p));
        }
      }
    }
    return coordinator.fetchOffsets(groupId, partitions);
  }

  private static ApiMessage legacyResponse(
      List<Requested> requested, Map<TopicPartition, OffsetAndMetadata> offsets, Errors error) {
    OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(error.code());
    Map<String, OffsetFetchResponseTopic> byName = new LinkedHashMap<>();
    if (requested != null) {
      for (Requested t : requested) {
        byName.computeIfAbsent(t.name(), n -> new OffsetFetchResponseTopic().setName(n));
      }
    }
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      OffsetAndMetadata o = e.getValue();
      byName
          .computeIfAbsent(e.getKey().topic(), n -> new OffsetFetchResponseTopic().setName(n))
          .partitions()
          .add(
              new OffsetFetchResponsePartition()
                  .setPartitionIndex(e.getKey().partition())
                  .setCommittedOffset(o == null ? -1 : o.offset())
                  .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                  .setMetadata(o == null ? "" : o.metadata()));
    }
    response.topics().addAll(byName.values());
    return response;
  }

  private OffsetFetchResponseGroup groupResponse(
      String groupId,
      List<Requested> requested,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      boolean byId) {
    OffsetFetchResponseGroup group = new OffsetFetchResponseGroup().setGroupId(groupId);
    if (requested != null) {
      for (Requested t : requested) {
        OffsetFetchResponseTopics rt =
            new OffsetFetchResponseTopics().setName(byId ? "" : t.name()).setTopicId(t.id());
        for (int p : t.partitions()) {
          OffsetAndMetadata o = t.known() ? offsets.get(new TopicPartition(t.name(), p)) : null;
          rt.partitions()
              .add(
                  partition(p, o)
                      .setErrorCode(
                          t.known() ? Errors.NONE.code() : Errors.UNKNOWN_TOPIC_ID.code()));
        }
        group.topics().add(rt);
      }
      return group;
    }
    Map<String, OffsetFetchResponseTopics> byName = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      String name = e.getKey().topic();
      Uuid id = Uuid.ZERO_UUID;
      if (byId) {
        Optional<TopicInfo> topic = topics.topic(name);
        if (topic.isEmpty()) {
          continue; // no id to name it by
        }
        id = topic.get().topicId();
      }
      Uuid topicId = id;
      byName
          .computeIfAbsent(
              name, n -> new OffsetFetchResponseTopics().setName(byId ? "" : n).setTopicId(topicId))
          .partitions()
          .add(partition(e.getKey().partition(), e.getValue()));
    }
    group.topics().addAll(byName.values());
    return group;
  }

  private static OffsetFetchResponsePartitions partition(int index, OffsetAndMetadata o) {
    return new OffsetFetchResponsePartitions()
        .setPartitionIndex(index)
        .setCommittedOffset(o == null ? -1 : o.offset())
        .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
        .setMetadata(o == null ? "" : o.metadata());
  }
}
