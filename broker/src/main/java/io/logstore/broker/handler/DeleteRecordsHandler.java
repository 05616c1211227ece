package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicManager;
import io.logstore.replication.ReplicationError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords v0-2: moves a partition's log start offset up to the given offset (-1 = the high
 * watermark); whole segments below it are deleted. The new start offset is checkpointed before the
 * answer, so it survives a crash. In a cluster only the leader moves it; the answer waits (up to
 * the request's timeout, then REQUEST_TIMED_OUT) until the ISR followers report a log start at or
 * past it in their fetches, and carries that low watermark, as Kafka's delete-records purgatory
 * does.
 */
public final class DeleteRecordsHandler extends AbstractApiHandler<DeleteRecordsRequestData> {
  private static final Logger log = LoggerFactory.getLogger(DeleteRecordsHandler.class);
  private static final long HIGH_WATERMARK = -1;

  private final TopicManager topics;

  public DeleteRecordsHandler(TopicManager topics) {
    super(ApiKeys.DELETE_RECORDS, 0, 2);
    this.topics = topics;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DeleteRecordsRequestData request) {
    DeleteRecordsResponseData response = new DeleteRecordsResponseData();
    boolean changed = false;
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (DeleteRecordsTopic topic : request.topics()) {
      DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
      response.topics().add(topicResult);
      for (DeleteRecordsPartition requested : topic.partitions()) {
        DeleteRecordsPartitionResult result =
            new DeleteRecordsPartitionResult()
                .setPartitionIndex(requested.partitionIndex())
                .setLowWatermark(-1);
        topicResult.partitions().add(result);
        Optional<Partition> partition = topics.partition(topic.name(), requested.partitionIndex());
        if (partition.isEmpty()) {
          boolean elsewhere =
              topics
                  .topic(topic.name())
                  .map(t -> t.hasPartition(requested.partitionIndex()))
                  .orElse(false);
          result.setErrorCode(
              elsewhere
                  ? Errors.NOT_LEADER_OR_FOLLOWER.code()
                  : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
          continue;
        }
        if (!partition.get().isLeader()) {
          // Only the leader moves the log start; followers adopt it from its fetch answers.
          result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
          continue;
        }
        long highWatermark = partition.get().highWatermark();
        long target = requested.offset() == HIGH_WATERMARK ? highWatermark : requested.offset();
        if (target < 0 || target > highWatermark) {
          result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
          continue;
        }
        try {
          long start = partition.get().log().deleteRecordsBefore(target);
          result.setLowWatermark(start).setErrorCode(Errors.NONE.code());
          changed = true;
          if (partition.get().replicated()) {
            waits.add(
                partition
                    .get()
                    .awaitLowWatermark(start, request.timeoutMs())
                    .thenAccept(
                        low ->
                            result
                                .setErrorCode(Errors.valueOf(low.error().name()).code())
                                .setLowWatermark(
                                    low.error() == ReplicationError.NONE ? low.offset() : -1)));
          }
        } catch (IOException e) {
          log.error("DeleteRecords failed topicPartition={}-{}", topic.name(), requested, e);
          result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
      }
    }
    if (changed) {
      try {
        topics.checkpoint();
      } catch (IOException e) {
        log.error("Cannot checkpoint log start offsets after DeleteRecords", e);
      }
    }
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> response);
  }
}
