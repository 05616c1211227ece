package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.QuorumStatus;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeQuorum v0-2 (Admin#describeMetadataQuorum, kafka-metadata-quorum), cluster only: the
 * metadata quorum (an Apache Ratis group) described as Kafka describes its KRaft quorum - topic
 * {@code __cluster_metadata} partition 0, the Raft leader, its term as the leader epoch, the commit
 * point as the high watermark, and per voter the log end (last Raft index + 1) with the times the
 * leader last heard from it and last saw it caught up. The answer comes from the Raft leader (asked
 * through the quorum from any node). Voters have no directory id (zero) and one listener,
 * "CONTROLLER", their Raft address; there are no observers. Blocking: runs on the admin thread.
 */
public final class DescribeQuorumHandler extends AbstractApiHandler<DescribeQuorumRequestData> {
  static final String METADATA_TOPIC = "__cluster_metadata";
  private static final long TIMEOUT_MS = 10_000;

  private final ClusterView cluster;
  private final Map<Integer, InetSocketAddress> voters;

  public DescribeQuorumHandler(ClusterView cluster, Map<Integer, InetSocketAddress> voters) {
    super(ApiKeys.DESCRIBE_QUORUM, 0, 2);
    this.cluster = cluster;
    this.voters = Map.copyOf(voters);
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeQuorumRequestData request) {
    DescribeQuorumResponseData response =
        new DescribeQuorumResponseData().setErrorCode(Errors.NONE.code());
    QuorumStatus status = null;
    Errors failure = Errors.NONE;
    try {
      status = cluster.describeQuorum().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = Errors.REQUEST_TIMED_OUT;
    } catch (ExecutionException e) {
      failure = Errors.NOT_LEADER_OR_FOLLOWER;
    } catch (TimeoutException e) {
      failure = Errors.REQUEST_TIMED_OUT;
    }
    for (DescribeQuorumRequestData.TopicData topic : request.topics()) {
      TopicData topicOut = new TopicData().setTopicName(topic.topicName());
      response.topics().add(topicOut);
      for (DescribeQuorumRequestData.PartitionData partition : topic.partitions()) {
        PartitionData out = new PartitionData().setPartitionIndex(partition.partitionIndex());
        topicOut.partitions().add(out);
        if (!METADATA_TOPIC.equals(topic.topicName()) || partition.partitionIndex() != 0) {
          out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
              .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
        } else if (status == null) {
          out.setErrorCode(failure.code()).setErrorMessage(failure.message());
        } else {
          describe(status, out);
        }
      }
    }
    if (context.version() >= 2) {
      for (Map.Entry<Integer, InetSocketAddress> v : new TreeMap<>(voters).entrySet()) {
        ListenerCollection listeners = new ListenerCollection();
        listeners.add(
            new Listener()
                .setName("CONTROLLER")
                .setHost(v.getValue().getHostString())
                .setPort(v.getValue().getPort()));
        response.nodes().add(new Node().setNodeId(v.getKey()).setListeners(listeners));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private static void describe(QuorumStatus status, PartitionData out) {
    List<ReplicaState> current = new ArrayList<>();
    for (QuorumStatus.Voter v : status.voters()) {
      current.add(
          new ReplicaState()
              .setReplicaId(v.nodeId())
              .setReplicaDirectoryId(Uuid.ZERO_UUID)
              .setLogEndOffset(v.logEndOffset())
              .setLastFetchTimestamp(v.lastFetchTimestampMs())
              .setLastCaughtUpTimestamp(v.lastCaughtUpTimestampMs()));
    }
    out.setErrorCode(Errors.NONE.code())
        .setLeaderId(status.leaderId())
        .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, status.leaderEpoch()))
        .setHighWatermark(status.highWatermark())
        .setCurrentVoters(current)
        .setObservers(new ArrayList<>());
  }
}
