package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.ReassignmentRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartitionReassignments v0-1 (Admin#alterPartitionReassignments, kafka-reassign-partitions):
 * per partition, starts a move to the target replicas or cancels the one in progress (replicas
 * null), each as one controller command; the answer comes once the command is committed, the move
 * itself runs on (the added replicas copy the log, then the controller completes it, see
 * docs/replication.md). Targets are checked as manual assignments are (Kafka's messages); with
 * allowReplicationFactorChange false (v1) a target of another size than the original replicas is
 * INVALID_REPLICATION_FACTOR. Blocking: runs on the admin thread.
 */
public final class AlterPartitionReassignmentsHandler
    extends AbstractApiHandler<AlterPartitionReassignmentsRequestData> {
  private final ClusterView cluster;

  public AlterPartitionReassignmentsHandler(ClusterView cluster) {
    super(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1);
    this.cluster = cluster;
  }

  /** One partition's answer. */
  private record Answer(Errors error, String message) {
    static final Answer OK = new Answer(Errors.NONE, null);
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, AlterPartitionReassignmentsRequestData request) {
    boolean allowRfChange = context.version() < 1 || request.allowReplicationFactorChange();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.timeoutMs());
    AlterPartitionReassignmentsResponseData response =
        new AlterPartitionReassignmentsResponseData()
            .setErrorCode(Errors.NONE.code())
            .setAllowReplicationFactorChange(request.allowReplicationFactorChange());
    for (ReassignableTopic topic : request.topics()) {
      ReassignableTopicResponse topicResponse =
          new ReassignableTopicResponse().setName(topic.name());
      response.responses().add(topicResponse);
      for (ReassignablePartition partition : topic.partitions()) {
        Answer answer = reassign(topic.name(), partition, allowRfChange, deadline);
        topicResponse
            .partitions()
            .add(
                new ReassignablePartitionResponse()
                    .setPartitionIndex(partition.partitionIndex())
                    .setErrorCode(answer.error().code())
                    .setErrorMessage(answer.message()));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private Answer reassign(
      String topicName, ReassignablePartition partition, boolean allowRfChange, long deadline) {
    MetadataImage image = cluster.image();
    Optional<TopicImage> topic = image.topic(topicName);
    PartitionRecord state =
        topic.map(t -> t.partitions().get(partition.partitionIndex())).orElse(null);
    if (state == null) {
      return unknown();
    }
    List<Integer> target = partition.replicas() == null ? List.of() : partition.replicas();
    if (partition.replicas() != null) {
      String problem = ReplicaAssignments.check(target, id -> image.broker(id).isPresent(), -1);
      if (problem != null) {
        return new Answer(Errors.INVALID_REPLICA_ASSIGNMENT, problem);
      }
      int original = originalReplicas(topic.get(), state).size();
      if (!allowRfChange && target.size() != original) {
        return new Answer(
            Errors.INVALID_REPLICATION_FACTOR,
            "The replication factor is changed from "
                + original
                + " to "
                + target.size()
                + " but allowReplicationFactorChange is false.");
      }
    }
    try {
      CommandOutcome outcome =
          cluster
              .execute(
                  new ControllerCommand.AlterReassignment(
                      state.topicId(), partition.partitionIndex(), new ArrayList<>(target)))
              .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return outcome.error() == ReplicationError.NONE
          ? Answer.OK
          : new Answer(Errors.valueOf(outcome.error().name()), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(Errors.REQUEST_TIMED_OUT, null);
    } catch (ExecutionException | TimeoutException e) {
      return new Answer(Errors.REQUEST_TIMED_OUT, null);
    }
  }

  /** The replicas before the reassignment in progress (the current ones when none runs). */
  static List<Integer> originalReplicas(TopicImage topic, PartitionRecord state) {
    ReassignmentRecord running = topic.reassignments().get(state.partition());
    List<Integer> original = new ArrayList<>(state.replicas());
    if (running != null) {
      original.removeAll(running.adding());
    }
    return original;
  }

  private static Answer unknown() {
    return new Answer(
        Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
  }
}
