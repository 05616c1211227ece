package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.Target;
import java.util.ArrayList;
import java.util.List;
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

/**
 * DeleteRecords v0-2: moves a partition's log start offset up to the given offset (-1 = the high
 * watermark); whole segments below it are deleted. The new start offset is checkpointed before the
 * answer, so it survives a crash. In a cluster only the leader moves it; the answer waits (up to
 * the request's timeout, then REQUEST_TIMED_OUT) until the ISR followers report a log start at or
 * past it in their fetches, and carries that low watermark, as Kafka's delete-records purgatory
 * does.
 */
public final class DeleteRecordsHandler extends AbstractApiHandler<DeleteRecordsRequestData> {
  private final PartitionService partitions;

  public DeleteRecordsHandler(PartitionService partitions) {
    super(ApiKeys.DELETE_RECORDS, 0, 2);
    this.partitions = partitions;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DeleteRecordsRequestData request) {
    DeleteRecordsResponseData response = new DeleteRecordsResponseData();
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
        // Only the leader moves the log start; followers adopt it from its fetch answers.
        Target leader = partitions.leader(topic.name(), requested.partitionIndex(), -1);
        if (!leader.found()) {
          result.setErrorCode(leader.error().code());
          continue;
        }
        waits.add(
            partitions
                .deleteRecords(leader.partition(), requested.offset(), request.timeoutMs())
                .thenAccept(
                    outcome ->
                        result
                            .setErrorCode(outcome.error().code())
                            .setLowWatermark(outcome.lowWatermark())));
      }
    }
    if (!waits.isEmpty()) {
      partitions.checkpointLogStarts();
    }
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> response);
  }
}
