package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch v2-4 (KIP-101/KIP-320): the end offset of a leader epoch, from the log's
 * epoch cache. Consumers use it to detect log truncation after a leader change.
 */
public final class OffsetForLeaderEpochHandler
    extends AbstractApiHandler<OffsetForLeaderEpochRequestData> {
  private static final int UNDEFINED_EPOCH = -1;
  private static final long UNDEFINED_OFFSET = -1;

  private final TopicManager topics;

  public OffsetForLeaderEpochHandler(TopicManager topics) {
    super(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
    this.topics = topics;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, OffsetForLeaderEpochRequestData request) {
    OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderTopic topic : request.topics()) {
      OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
      response.topics().add(result);
      for (OffsetForLeaderPartition partition : topic.partitions()) {
        result.partitions().add(endOffset(topic.topic(), partition));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private EpochEndOffset endOffset(String topic, OffsetForLeaderPartition request) {
    EpochEndOffset result =
        new EpochEndOffset()
            .setPartition(request.partition())
            .setLeaderEpoch(UNDEFINED_EPOCH)
            .setEndOffset(UNDEFINED_OFFSET);
    Optional<Partition> found = topics.partition(topic, request.partition());
    if (found.isEmpty()) {
      boolean elsewhere =
          topics.topic(topic).map(t -> t.hasPartition(request.partition())).orElse(false);
      return result.setErrorCode(
          elsewhere
              ? Errors.NOT_LEADER_OR_FOLLOWER.code()
              : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
    Partition partition = found.get();
    if (!partition.isLeader()) {
      return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }
    int current = request.currentLeaderEpoch();
    if (current >= 0 && current != partition.leaderEpoch()) {
      Errors error =
          current < partition.leaderEpoch()
              ? Errors.FENCED_LEADER_EPOCH
              : Errors.UNKNOWN_LEADER_EPOCH;
      return result.setErrorCode(error.code());
    }
    result.setErrorCode(Errors.NONE.code());
    if (request.leaderEpoch() == partition.leaderEpoch()) {
      return result
          .setLeaderEpoch(partition.leaderEpoch())
          .setEndOffset(partition.log().logEndOffset());
    }
    return partition
        .log()
        .endOffsetForEpoch(request.leaderEpoch())
        .map(e -> result.setLeaderEpoch(e.epoch()).setEndOffset(e.endOffset()))
        .orElse(result);
  }
}
