package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.EpochAnswer;
import io.logstore.broker.partition.PartitionService.Target;
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

/**
 * OffsetForLeaderEpoch v2-4 (KIP-101/KIP-320): the end offset of a leader epoch, from the log's
 * epoch cache. Consumers use it to detect log truncation after a leader change.
 */
public final class OffsetForLeaderEpochHandler
    extends AbstractApiHandler<OffsetForLeaderEpochRequestData> {
  private static final int UNDEFINED_EPOCH = -1;
  private static final long UNDEFINED_OFFSET = -1;

  private final PartitionService partitions;

  public OffsetForLeaderEpochHandler(PartitionService partitions) {
    super(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
    this.partitions = partitions;
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
    Target leader = partitions.leader(topic, request.partition(), request.currentLeaderEpoch());
    if (!leader.found()) {
      return result.setErrorCode(leader.error().code());
    }
    EpochAnswer answer = partitions.endOffsetForEpoch(leader.partition(), request.leaderEpoch());
    return result
        .setErrorCode(answer.error().code())
        .setLeaderEpoch(answer.leaderEpoch())
        .setEndOffset(answer.endOffset());
  }
}
