package io.logstore.broker.handler;

import io.logstore.broker.dispatch.ApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeTopicPartitions v0 (KIP-966), as {@code kafka-topics --describe} uses it: topics in name
 * order from the cursor, at most {@code responsePartitionLimit} partitions, with a cursor to the
 * rest. An empty topic list means every topic.
 */
public final class DescribeTopicPartitionsHandler
    implements ApiHandler<DescribeTopicPartitionsRequestData> {
  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final TopicManager topics;
  private final Supplier<BrokerIdentity> identity;

  public DescribeTopicPartitionsHandler(TopicManager topics, Supplier<BrokerIdentity> identity) {
    this.topics = topics;
    this.identity = identity;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
  }

  @Override
  public short minVersion() {
    return 0;
  }

  @Override
  public short maxVersion() {
    return 0;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeTopicPartitionsRequestData request) {
    TreeSet<String> names = new TreeSet<>();
    if (request.topics().isEmpty()) {
      topics.topics().forEach(t -> names.add(t.name()));
    } else {
      for (TopicRequest topic : request.topics()) {
        names.add(topic.name());
      }
    }
    DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
    int budget = Math.max(1, request.responsePartitionLimit());
    int nodeId = identity.get().nodeId();
    DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
    for (String name : cursor == null ? names : names.tailSet(cursor.topicName(), true)) {
      Optional<TopicInfo> topic = topics.topic(name);
      if (topic.isEmpty()) {
        response
            .topics()
            .add(
                new DescribeTopicPartitionsResponseTopic()
                    .setName(name)
                    .setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
        continue;
      }
      DescribeTopicPartitionsResponseTopic result =
          new DescribeTopicPartitionsResponseTopic()
              .setName(name)
              .setTopicId(topic.get().topicId())
              .setIsInternal(Topic.isInternal(name))
              .setErrorCode(Errors.NONE.code())
              .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
      response.topics().add(result);
      int first = cursor != null && cursor.topicName().equals(name) ? cursor.partitionIndex() : 0;
      List<Partition> partitions = topic.get().partitions();
      for (int p = first; p < partitions.size(); p++) {
        if (budget == 0) {
          response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(p));
          return CompletableFuture.completedFuture(response);
        }
        Partition partition = partitions.get(p);
        result
            .partitions()
            .add(
                new DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(p)
                    .setErrorCode(Errors.NONE.code())
                    .setLeaderId(nodeId)
                    .setLeaderEpoch(partition.leaderEpoch())
                    .setReplicaNodes(List.of(nodeId))
                    .setIsrNodes(List.of(nodeId))
                    .setEligibleLeaderReplicas(List.of())
                    .setLastKnownElr(List.of())
                    .setOfflineReplicas(List.of()));
        budget--;
      }
    }
    return CompletableFuture.completedFuture(response);
  }
}
