package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.OffsetAnswer;
import io.logstore.broker.partition.PartitionService.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ListOffsets v1-11: earliest (-2), latest (-1, the high watermark), max timestamp (-3), earliest
 * local (-4), the tiered-storage specs (-5, -6), and the first offset whose timestamp is at or
 * after a given time ({@link PartitionService#listOffset}). The current leader epoch is checked and
 * the leader epoch answered from v4.
 */
public final class ListOffsetsHandler extends AbstractApiHandler<ListOffsetsRequestData> {
  private final PartitionService partitions;

  public ListOffsetsHandler(PartitionService partitions) {
    super(ApiKeys.LIST_OFFSETS, 1, 11);
    this.partitions = partitions;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, ListOffsetsRequestData request) {
    ListOffsetsResponseData response = new ListOffsetsResponseData();
    for (ListOffsetsTopic topic : request.topics()) {
      ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
      response.topics().add(topicResponse);
      for (ListOffsetsPartition partition : topic.partitions()) {
        topicResponse.partitions().add(lookup(context.version(), topic.name(), partition));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private ListOffsetsPartitionResponse lookup(
      short version, String topic, ListOffsetsPartition request) {
    ListOffsetsPartitionResponse result =
        new ListOffsetsPartitionResponse()
            .setPartitionIndex(request.partitionIndex())
            .setTimestamp(-1)
            .setOffset(-1);
    // Before v4 the request has no current leader epoch to check.
    int currentEpoch = version >= 4 ? request.currentLeaderEpoch() : -1;
    Target leader = partitions.leader(topic, request.partitionIndex(), currentEpoch);
    if (!leader.found()) {
      return result.setErrorCode(leader.error().code());
    }
    int leaderEpoch = leader.partition().leaderEpoch();
    OffsetAnswer answer = partitions.listOffset(leader.partition(), request.timestamp());
    result.setErrorCode(answer.error().code());
    if (version >= 4) {
      result.setLeaderEpoch(leaderEpoch);
    }
    if (answer.offset() >= 0) {
      result.setTimestamp(answer.timestamp()).setOffset(answer.offset());
      if (version >= 4 && answer.leaderEpoch() >= 0) {
        result.setLeaderEpoch(answer.leaderEpoch());
      }
    }
    return result;
  }
}
