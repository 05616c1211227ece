package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.ProducePolicy;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.replication.ReplicationError;
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
public final class ProduceHandler extends AbstractApiHandler<ProduceRequestData> {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

  private final TopicManager topics;
  private final LeaderHints hints;

  public ProduceHandler(TopicManager topics) {
    this(topics, LeaderHints.NONE);
  }

  /** In a cluster: NOT_LEADER_OR_FOLLOWER answers carry KIP-951 leader hints. */
  public ProduceHandler(TopicManager topics, LeaderHints hints) {
    super(ApiKeys.PRODUCE, 3, 13);
    this.topics = topics;
    this.hints = hints;
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
        Pending pending =
            produce(
                version, requestError, acks, request.timeoutMs(), topic, topicData, partitionData);
        if (pending.response().errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code()
            && topic.isPresent()) {
          addLeaderHint(response, topic.get().name(), pending.response());
        }
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

  /** KIP-951: the partition's current leader and its endpoint in a NOT_LEADER answer. */
  private void addLeaderHint(
      ProduceResponseData response, String topic, PartitionProduceResponse partition) {
    hints
        .leader(topic, partition.index())
        .ifPresent(
            l -> {
              partition.currentLeader().setLeaderId(l.id()).setLeaderEpoch(l.epoch());
              if (response.nodeEndpoints().find(l.id()) == null) {
                response
                    .nodeEndpoints()
                    .add(
                        new ProduceResponseData.NodeEndpoint()
                            .setNodeId(l.id())
                            .setHost(l.host())
                            .setPort(l.port()));
              }
            });
  }

  private Pending produce(
      short version,
      Errors requestError,
      short acks,
      int timeoutMs,
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
    if (!topic.get().hasPartition(index)) {
      return failed(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
    }
    Optional<Partition> local = topic.get().partition(index);
    if (local.isEmpty() || !local.get().isLeader()) {
      return failed(result, Errors.NOT_LEADER_OR_FOLLOWER, null);
    }
    Partition partition = local.get();
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
    boolean acksAll = acks == -1 && partition.replicated();
    if (acksAll) {
      ReplicationError before = partition.checkBeforeAcksAll();
      if (before != ReplicationError.NONE) {
        return failed(result, Errors.valueOf(before.name()), null);
      }
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
      if (acksAll) {
        long required = appended.lastOffset() + 1;
        long deadline = System.currentTimeMillis() + Math.max(0, timeoutMs);
        durable =
            durable
                .thenCompose(ok -> partition.awaitReplicated(required, deadline))
                .thenAccept(
                    outcome -> {
                      if (outcome != ReplicationError.NONE) {
                        Errors error = Errors.valueOf(outcome.name());
                        result.setErrorCode(error.code());
                        if (error != Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
                          result.setBaseOffset(-1);
                        }
                      }
                    });
      }
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
