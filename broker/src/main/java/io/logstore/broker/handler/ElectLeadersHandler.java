package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders v0-2 (Admin#electLeaders, kafka-leader-election). PREFERRED: each partition's first
 * assigned replica leads again if it is in the ISR and ACTIVE, committed as one controller command
 * per partition; the answer per partition is NONE, ELECTION_NOT_NEEDED or
 * PREFERRED_LEADER_NOT_AVAILABLE. With no partitions named, every partition whose preferred replica
 * does not lead is tried (and only those are reported, as Kafka does). UNCLEAN: a partition without
 * a leader gets an ACTIVE ISR member, else any ACTIVE replica (whatever {@code
 * unclean.leader.election.enable} says); NONE, ELECTION_NOT_NEEDED (it has a leader) or
 * ELIGIBLE_LEADERS_NOT_AVAILABLE; with no partitions named, every leaderless partition is tried. A
 * single broker (no cluster) answers every named partition with ELECTION_NOT_NEEDED. Blocking: runs
 * on the admin thread.
 */
public final class ElectLeadersHandler extends AbstractApiHandler<ElectLeadersRequestData> {
  private final ClusterView cluster;

  /** {@code cluster} null: a single broker. */
  public ElectLeadersHandler(ClusterView cluster) {
    super(ApiKeys.ELECT_LEADERS, 0, 2);
    this.cluster = cluster;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, ElectLeadersRequestData request) {
    MetadataImage image = cluster.image();
    boolean preferred =
        context.version() == 0 || request.electionType() == ElectionType.PREFERRED.value;
    Map<String, List<Integer>> targets = new LinkedHashMap<>();
    boolean all = request.topicPartitions() == null;
    if (all) {
      for (TopicImage t : image.topicsById().values()) {
        for (PartitionRecord p : t.partitions().values()) {
          if (preferred ? p.leader() != p.replicas().get(0) : p.leader() < 0) {
            targets.computeIfAbsent(t.name(), n -> new ArrayList<>()).add(p.partition());
          }
        }
      }
    } else {
      for (TopicPartitions tp : request.topicPartitions()) {
        targets.computeIfAbsent(tp.topic(), n -> new ArrayList<>()).addAll(tp.partitions());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.timeoutMs());
    ElectLeadersResponseData response =
        new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
    for (Map.Entry<String, List<Integer>> e : targets.entrySet()) {
      ReplicaElectionResult topicResult = new ReplicaElectionResult().setTopic(e.getKey());
      response.replicaElectionResults().add(topicResult);
      Optional<TopicImage> topic = image.topic(e.getKey());
      for (int index : e.getValue()) {
        Errors error = elect(topic, index, preferred, deadline);
        topicResult
            .partitionResult()
            .add(
                new PartitionResult()
                    .setPartitionId(index)
                    .setErrorCode(error.code())
                    .setErrorMessage(error == Errors.NONE ? null : error.message()));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private Errors elect(Optional<TopicImage> topic, int index, boolean preferred, long deadline) {
    PartitionRecord p = topic.map(t -> t.partitions().get(index)).orElse(null);
    if (p == null) {
      return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    long waitNanos = Math.max(1, deadline - System.nanoTime());
    try {
      CommandOutcome outcome =
          cluster
              .execute(
                  preferred
                      ? new ControllerCommand.ElectPreferredLeader(p.topicId(), index)
                      : new ControllerCommand.ElectUncleanLeader(p.topicId(), index))
              .get(waitNanos, TimeUnit.NANOSECONDS);
      return outcome.error() == ReplicationError.NONE
          ? Errors.NONE
          : Errors.valueOf(outcome.error().name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Errors.REQUEST_TIMED_OUT;
    } catch (ExecutionException | TimeoutException e) {
      return Errors.REQUEST_TIMED_OUT;
    }
  }
}
