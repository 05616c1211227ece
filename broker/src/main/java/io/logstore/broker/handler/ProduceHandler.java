package io.logstore.broker.handler;

import io.logstore.broker.dispatch.ApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.ProducePolicy;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.storage.AppendResult;
import io.logstore.storage.InvalidBatchException;
import io.logstore.storage.InvalidProducerEpochException;
import io.logstore.storage.OutOfOrderSequenceException;
import io.logstore.storage.RecordTooLargeException;
import io.logstore.wire.WireRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce v3-13 (v13 names topics by id). Each partition's batch is validated and appended on the
 * event loop (a page-cache write); the response waits until every appended partition is durable
 * (group commit on the flusher thread), so an acknowledged record is on disk. acks=0 gets no
 * response, but its records become visible the same way.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

  private final TopicManager topics;

  public ProduceHandler(TopicManager topics) {
    this.topics = topics;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.PRODUCE;
  }

  @Override
  public short minVersion() {
    return 3;
  }

  @Override
  public short maxVersion() {
    return 13;
  }

  /** One partition's outcome: an error now, or an append waiting to become durable. */
  private record Pending(PartitionProduceResponse response, CompletableFuture<Void> durable) {}

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, ProduceRequestData request) {
    short version = context.version();
    short acks = request.acks();
    Errors requestError = Errors.NONE;
    if (acks != -1 && acks != 0 && acks != 1) {
      requestError = Errors.INVALID_REQUIRED_ACKS;
    } else if (request.transactionalId() != null) {
      requestError = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    }
    ProduceResponseData response = new ProduceResponseData();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (TopicProduceData topicData : request.topicData()) {
      TopicProduceResponse topicResponse =
          new TopicProduceResponse().setName(topicData.name()).setTopicId(topicData.topicId());
      response.responses().add(topicResponse);
      Optional<TopicInfo> topic =
          version >= 13 ? topics.topic(topicData.topicId()) : topics.topic(topicData.name());
      topic.ifPresent(t -> topicResponse.setName(t.name()).setTopicId(t.topicId()));
      for (PartitionProduceData partitionData : topicData.partitionData()) {
        Pending pending = produce(version, requestError, topic, topicData, partitionData);
        topicResponse.partitionResponses().add(pending.response());
        if (pending.durable() != null) {
          waits.add(pending.durable());
        }
      }
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
    if (acks == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return all.handle((ignored, error) -> response);
  }

  private Pending produce(
      short version,
      Errors requestError,
      Optional<TopicInfo> topic,
      TopicProduceData topicData,
      PartitionProduceData partitionData) {
    PartitionProduceResponse result =
        new PartitionProduceResponse().setIndex(partitionData.index()).setBaseOffset(-1);
    if (requestError != Errors.NONE) {
      return failed(result, requestError, null);
    }
    if (topic.isEmpty()) {
      return failed(
          result,
          version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION,
          null);
    }
    int index = partitionData.index();
    if (index < 0 || index >= topic.get().partitions().size()) {
      return failed(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
    }
    Partition partition = topic.get().partitions().get(index);
    result.setLogStartOffset(partition.log().logStartOffset());
    try {
      ProduceRequest.validateRecords(version, partitionData.records());
    } catch (ApiException e) {
      return failed(result, Errors.forException(e), e.getMessage());
    }
    ByteBuffer batches = WireRecords.bytesOf(partitionData.records());
    if (WireRecords.hasTransactionalBatch(batches)) {
      return failed(
          result, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "transactions not supported");
    }
    ProducePolicy policy = partition.producePolicy();
    if (policy.compacted() && WireRecords.hasRecordWithoutKey(batches)) {
      return failed(
          result,
          Errors.INVALID_RECORD,
          "Compacted topic cannot accept message without key in topic partition "
              + partition.topic()
              + "-"
              + index
              + ".");
    }
    if (policy.recompresses()) {
      batches = WireRecords.recompress(batches, policy.compressionType());
    }
    try {
      AppendResult appended = partition.log().appendAsLeader(batches, partition.leaderEpoch());
      result
          .setBaseOffset(appended.firstOffset())
          .setLogAppendTimeMs(appended.logAppendTimeMs())
          .setLogStartOffset(appended.logStartOffset());
      CompletableFuture<Void> durable =
          partition
              .awaitDurable(appended.lastOffset() + 1)
              .whenComplete(
                  (ok, error) -> {
                    if (error != null) {
                      log.error(
                          "fsync failed topicPartition={}-{}", partition.topic(), index, error);
                      result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setBaseOffset(-1);
                    }
                  });
      return new Pending(result, durable);
    } catch (InvalidBatchException e) {
      Errors error =
          e.reason() == InvalidBatchException.Reason.CORRUPT_CRC
              ? Errors.CORRUPT_MESSAGE
              : Errors.INVALID_RECORD;
      return failed(result, error, e.getMessage());
    } catch (RecordTooLargeException e) {
      return failed(result, Errors.MESSAGE_TOO_LARGE, e.getMessage());
    } catch (OutOfOrderSequenceException e) {
      return failed(result, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, e.getMessage());
    } catch (InvalidProducerEpochException e) {
      return failed(result, Errors.INVALID_PRODUCER_EPOCH, e.getMessage());
    } catch (IOException e) {
      log.error("append failed topicPartition={}-{}", partition.topic(), index, e);
      return failed(result, Errors.KAFKA_STORAGE_ERROR, null);
    } catch (RuntimeException e) {
      // A broken invariant in storage: answer this partition, keep the connection.
      log.error("append failed topicPartition={}-{}", partition.topic(), index, e);
      return failed(result, Errors.UNKNOWN_SERVER_ERROR, null);
    }
  }

  private static Pending failed(PartitionProduceResponse result, Errors error, String message) {
    result.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1);
    return new Pending(result, null);
  }
}
