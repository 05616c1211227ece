package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.ReassignmentRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListPartitionReassignments v0: the reassignments in progress in the metadata image (all, or those
 * of the named partitions; partitions not being reassigned are left out, as Kafka does), each with
 * its replicas, the replicas being added and those being removed. A single broker has none.
 */
public final class ListPartitionReassignmentsHandler
    extends AbstractApiHandler<ListPartitionReassignmentsRequestData> {
  private final ClusterView cluster;

  /** {@code cluster} null: a single broker. */
  public ListPartitionReassignmentsHandler(ClusterView cluster) {
    super(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0);
    this.cluster = cluster;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, ListPartitionReassignmentsRequestData request) {
    ListPartitionReassignmentsResponseData response =
        new ListPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code());
    MetadataImage image = cluster.image();
    if (request.topics() == null) {
      List<TopicImage> all = new ArrayList<>(image.topicsById().values());
      all.sort(Comparator.comparing(TopicImage::name));
      for (TopicImage topic : all) {
        add(response, topic, new ArrayList<>(topic.reassignments().keySet()));
      }
    } else {
      for (ListPartitionReassignmentsTopics wanted : request.topics()) {
        Optional<TopicImage> topic = image.topic(wanted.name());
        if (topic.isPresent()) {
          add(response, topic.get(), wanted.partitionIndexes());
        }
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private static void add(
      ListPartitionReassignmentsResponseData response, TopicImage topic, List<Integer> indexes) {
    Map<Integer, ReassignmentRecord> running = topic.reassignments();
    OngoingTopicReassignment out = new OngoingTopicReassignment().setName(topic.name());
    for (int index : indexes) {
      ReassignmentRecord r = running.get(index);
      PartitionRecord state = topic.partitions().get(index);
      if (r != null && state != null) {
        out.partitions()
            .add(
                new OngoingPartitionReassignment()
                    .setPartitionIndex(index)
                    .setReplicas(new ArrayList<>(state.replicas()))
                    .setAddingReplicas(new ArrayList<>(r.adding()))
                    .setRemovingReplicas(new ArrayList<>(r.removing())));
      }
    }
    if (!out.partitions().isEmpty()) {
      response.topics().add(out);
    }
  }
}
