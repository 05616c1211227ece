package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.AppendOutcome;
import io.logstore.broker.partition.PartitionService.Target;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.wire.WireRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Produce v3-13 (v13 names topics by id). Translates each partition's records into a {@link
 * PartitionService#append} call (validated and appended on the event loop, a page-cache write) and
 * answers once every appended partition is durable, and for acks=all in a cluster replicated, so an
 * acknowledged record is on disk. acks=0 gets no response, but its records become visible the same
 * way.
 */
public final class ProduceHandler extends AbstractApiHandler<ProduceRequestData> {
  private final TopicManager topics;
  private final PartitionService partitions;
  private final LeaderHints hints;

  /** NOT_LEADER_OR_FOLLOWER answers carry KIP-951 leader hints ({@link LeaderHints#NONE}: none). */
  public ProduceHandler(TopicManager topics, PartitionService partitions, LeaderHints hints) {
    super(ApiKeys.PRODUCE, 3, 13);
    this.topics = topics;
    this.partitions = partitions;
    this.hints = hints;
  }

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
    List<Pending> pending = new ArrayList<>();
    for (TopicProduceData topicData : request.topicData()) {
      TopicProduceResponse topicResponse =
          new TopicProduceResponse().setName(topicData.name()).setTopicId(topicData.topicId());
      response.responses().add(topicResponse);
      Optional<TopicInfo> topic =
          version >= 13 ? topics.topic(topicData.topicId()) : topics.topic(topicData.name());
      topic.ifPresent(t -> topicResponse.setName(t.name()).setTopicId(t.topicId()));
      Errors unknown = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
      for (PartitionProduceData partitionData : topicData.partitionData()) {
        PartitionProduceResponse result =
            new PartitionProduceResponse().setIndex(partitionData.index()).setBaseOffset(-1);
        topicResponse.partitionResponses().add(result);
        if (requestError != Errors.NONE) {
          result.setErrorCode(requestError.code());
          continue;
        }
        Target target = partitions.replica(topic, partitionData.index(), unknown);
        CompletableFuture<AppendOutcome> appended =
            target.found()
                ? partitions.append(
                    target.partition(),
                    version,
                    WireRecords.bytesOf(partitionData.records()),
                    acks,
                    request.timeoutMs())
                : CompletableFuture.completedFuture(
                    new AppendOutcome(target.error(), null, -1, -1, -1));
        pending.add(new Pending(topicResponse, result, appended));
      }
    }
    if (acks == 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[pending.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = pending.get(i).outcome();
    }
    // The response is filled once, by whichever thread completes the last partition.
    return CompletableFuture.allOf(all)
        .thenApply(
            ignored -> {
              for (Pending p : pending) {
                answer(response, p.topic(), p.result(), p.outcome().join());
              }
              return response;
            });
  }

  /** A partition's answer to fill in once every partition of the request is done. */
  private record Pending(
      TopicProduceResponse topic,
      PartitionProduceResponse result,
      CompletableFuture<AppendOutcome> outcome) {}

  private void answer(
      ProduceResponseData response,
      TopicProduceResponse topic,
      PartitionProduceResponse result,
      AppendOutcome outcome) {
    result
        .setErrorCode(outcome.error().code())
        .setErrorMessage(outcome.message())
        .setBaseOffset(outcome.baseOffset())
        .setLogAppendTimeMs(outcome.logAppendTimeMs())
        .setLogStartOffset(outcome.logStartOffset());
    if (outcome.error() == Errors.NOT_LEADER_OR_FOLLOWER) {
      addLeaderHint(response, topic.name(), result);
    }
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
}
