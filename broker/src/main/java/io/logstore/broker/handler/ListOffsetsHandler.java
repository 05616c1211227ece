package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicManager;
import io.logstore.storage.LogSlice;
import io.logstore.wire.WireRecords;
import io.logstore.wire.WireRecords.TimestampAndOffset;
import java.io.IOException;
import java.util.Optional;
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
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets v1-11: earliest (-2), latest (-1, the high watermark), max timestamp (-3), earliest
 * local (-4), the tiered-storage specs (-5, -6: no tiered storage, so none), and the first offset
 * whose timestamp is at or after a given time, found through the time index and refined within the
 * batch. Only offsets below the high watermark are ever returned.
 */
public final class ListOffsetsHandler extends AbstractApiHandler<ListOffsetsRequestData> {
  private static final Logger log = LoggerFactory.getLogger(ListOffsetsHandler.class);

  private final TopicManager topics;

  public ListOffsetsHandler(TopicManager topics) {
    super(ApiKeys.LIST_OFFSETS, 1, 11);
    this.topics = topics;
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
    Optional<Partition> found = topics.partition(topic, request.partitionIndex());
    if (found.isEmpty()) {
      boolean elsewhere =
          topics.topic(topic).map(t -> t.hasPartition(request.partitionIndex())).orElse(false);
      return result.setErrorCode(
          elsewhere
              ? Errors.NOT_LEADER_OR_FOLLOWER.code()
              : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
    Partition partition = found.get();
    if (!partition.isLeader()) {
      return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }
    int epoch = request.currentLeaderEpoch();
    if (version >= 4 && epoch >= 0 && epoch != partition.leaderEpoch()) {
      Errors error =
          epoch < partition.leaderEpoch()
              ? Errors.FENCED_LEADER_EPOCH
              : Errors.UNKNOWN_LEADER_EPOCH;
      return result.setErrorCode(error.code());
    }
    if (version >= 4) {
      result.setLeaderEpoch(partition.leaderEpoch());
    }
    long highWatermark = partition.highWatermark();
    long timestamp = request.timestamp();
    try {
      Optional<TimestampAndOffset> answer = resolve(partition, timestamp, highWatermark);
      if (answer.isPresent()) {
        result.setTimestamp(answer.get().timestamp()).setOffset(answer.get().offset());
        if (version >= 4 && answer.get().leaderEpoch() >= 0) {
          result.setLeaderEpoch(answer.get().leaderEpoch());
        }
      }
      return result.setErrorCode(Errors.NONE.code());
    } catch (IOException e) {
      log.error("ListOffsets failed topicPartition={}-{}", topic, request.partitionIndex(), e);
      return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
    }
  }

  private static Optional<TimestampAndOffset> resolve(
      Partition partition, long timestamp, long highWatermark) throws IOException {
    int epoch = partition.leaderEpoch();
    if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
      return Optional.of(new TimestampAndOffset(-1, highWatermark, epoch));
    }
    if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
        || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
      return Optional.of(new TimestampAndOffset(-1, partition.log().logStartOffset(), epoch));
    }
    if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
      Optional<LogSlice> batch = partition.log().batchWithLargestTimestamp();
      if (batch.isEmpty()) {
        return Optional.empty();
      }
      return WireRecords.recordWithLargestTimestamp(batch.get().readFully())
          .filter(t -> t.offset() < highWatermark);
    }
    if (timestamp < 0) {
      // Tiered-storage specs (-5 latest tiered, -6 earliest pending upload): nothing is tiered.
      return Optional.empty();
    }
    Optional<LogSlice> batch = partition.log().firstBatchWithMaxTimestampAtLeast(timestamp);
    if (batch.isEmpty()) {
      return Optional.empty();
    }
    return WireRecords.firstRecordAtOrAfter(batch.get().readFully(), timestamp)
        .filter(t -> t.offset() < highWatermark);
  }
}
