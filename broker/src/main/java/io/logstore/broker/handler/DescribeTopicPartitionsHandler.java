package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
    extends AbstractApiHandler<DescribeTopicPartitionsRequestData> {
  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final ClusterView cluster;

  /** Topics, leaders, replicas and ISR come from the metadata image. */
  public DescribeTopicPartitionsHandler(ClusterView cluster) {
    super(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0);
    this.cluster = cluster;
  }

  /** One partition as described. */
  private record Layout(
      int leader, int epoch, List<Integer> replicas, List<Integer> isr, List<Integer> offline) {}

  /** The topic's id and partitions, from the metadata image. */
  private Optional<Map.Entry<Uuid, List<Layout>>> layout(String name) {
    MetadataImage image = cluster.image();
    Set<Integer> active = new HashSet<>();
    cluster.activeBrokers().forEach(b -> active.add(b.brokerId()));
    return image
        .topic(name)
        .map(
            t -> {
              List<Layout> out = new ArrayList<>();
              for (PartitionRecord p : t.partitions().values()) {
                List<Integer> offline =
                    p.replicas().stream().filter(r -> !active.contains(r)).toList();
                int leader = active.contains(p.leader()) ? p.leader() : -1;
                out.add(new Layout(leader, p.leaderEpoch(), p.replicas(), p.isr(), offline));
              }
              return Map.entry(ClusterView.toKafka(t.topicId()), out);
            });
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeTopicPartitionsRequestData request) {
    TreeSet<String> names = new TreeSet<>();
    if (request.topics().isEmpty()) {
      cluster.image().topicsById().values().forEach(t -> names.add(t.name()));
    } else {
      for (TopicRequest topic : request.topics()) {
        names.add(topic.name());
      }
    }
    DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
    int budget = Math.max(1, request.responsePartitionLimit());
    DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
    for (String name : cursor == null ? names : names.tailSet(cursor.topicName(), true)) {
      Optional<Map.Entry<Uuid, List<Layout>>> topic = layout(name);
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
              .setTopicId(topic.get().getKey())
              .setIsInternal(Topic.isInternal(name))
              .setErrorCode(Errors.NONE.code())
              .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
      response.topics().add(result);
      int first = cursor != null && cursor.topicName().equals(name) ? cursor.partitionIndex() : 0;
      List<Layout> partitions = topic.get().getValue();
      for (int p = first; p < partitions.size(); p++) {
        if (budget == 0) {
          response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(p));
          return CompletableFuture.completedFuture(response);
        }
        Layout partition = partitions.get(p);
        result
            .partitions()
            .add(
                new DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(p)
                    .setErrorCode(
                        partition.leader() < 0
                            ? Errors.LEADER_NOT_AVAILABLE.code()
                            : Errors.NONE.code())
                    .setLeaderId(partition.leader())
                    .setLeaderEpoch(partition.epoch())
                    .setReplicaNodes(partition.replicas())
                    .setIsrNodes(partition.isr())
                    .setEligibleLeaderReplicas(List.of())
                    .setLastKnownElr(List.of())
                    .setOfflineReplicas(partition.offline()));
        budget--;
      }
    }
    return CompletableFuture.completedFuture(response);
  }
}
