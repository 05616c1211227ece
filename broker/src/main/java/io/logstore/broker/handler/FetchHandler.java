package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.FetchPartitionSpec;
import io.logstore.broker.partition.PartitionService.FetchSpec;
import io.logstore.broker.partition.PartitionService.FetchedPartition;
import io.logstore.broker.partition.PartitionService.Target;
import io.logstore.broker.partition.RequestScheduler;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.wire.WireRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * Fetch v4-18, sessionless (a request for a new session gets session id 0, so clients keep sending
 * full fetches). Translates the request into a {@link PartitionService#fetch} call and its answer
 * back: records go out as file slices, so a plaintext response is sent with {@code sendfile}; the
 * service parks the fetch while less than {@code min_bytes} is available. Errors naming another
 * leader carry KIP-951 leader hints.
 *
 * <p>Threading: called on the request's event loop; a parked fetch completes there too.
 */
public final class FetchHandler extends AbstractApiHandler<FetchRequestData> {
  private final TopicManager topics;
  private final PartitionService partitions;
  private final LeaderHints hints;

  /**
   * @param hints KIP-951 leader hints for NOT_LEADER_OR_FOLLOWER answers ({@link LeaderHints#NONE}
   *     on a single broker)
   */
  public FetchHandler(TopicManager topics, PartitionService partitions, LeaderHints hints) {
    super(ApiKeys.FETCH, 4, 18);
    this.topics = topics;
    this.partitions = partitions;
    this.hints = hints;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, FetchRequestData request) {
    short version = context.version();
    if (version >= 7 && request.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
      return CompletableFuture.completedFuture(sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND));
    }
    if (version >= 7
        && request.sessionEpoch() != FetchMetadata.INITIAL_EPOCH
        && request.sessionEpoch() != FetchMetadata.FINAL_EPOCH) {
      return CompletableFuture.completedFuture(sessionError(Errors.INVALID_FETCH_SESSION_EPOCH));
    }
    int replicaId = version >= 15 ? request.replicaState().replicaId() : request.replicaId();
    FetchSpec spec =
        new FetchSpec(
            replicaId,
            request.maxWaitMs(),
            request.minBytes(),
            version >= 3 ? request.maxBytes() : Integer.MAX_VALUE,
            request.isolationLevel());
    List<Requested> requested = resolve(version, request);
    List<FetchPartitionSpec> specs = new ArrayList<>(requested.size());
    for (Requested r : requested) {
      specs.add(r.spec());
    }
    return partitions
        .fetch(spec, specs, RequestScheduler.of(context.connectionExecutor()))
        .thenApply(answers -> response(version, request, requested, answers));
  }

  private static FetchResponseData sessionError(Errors error) {
    return new FetchResponseData()
        .setErrorCode(error.code())
        .setSessionId(FetchMetadata.INVALID_SESSION_ID);
  }

  /** One requested partition: its topic as the response names it, and what the service gets. */
  private record Requested(
      String topicName, FetchTopic topic, int partitionIndex, FetchPartitionSpec spec) {}

  private List<Requested> resolve(short version, FetchRequestData request) {
    List<Requested> out = new ArrayList<>();
    for (FetchTopic topic : request.topics()) {
      Optional<TopicInfo> info =
          version >= 13 ? topics.topic(topic.topicId()) : topics.topic(topic.topic());
      Errors unknown = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
      String name = info.map(TopicInfo::name).orElse(topic.topic());
      for (FetchPartition p : topic.partitions()) {
        Target target = partitions.replica(info, p.partition(), unknown);
        out.add(
            new Requested(
                name,
                topic,
                p.partition(),
                new FetchPartitionSpec(
                    target,
                    p.fetchOffset(),
                    p.partitionMaxBytes(),
                    p.currentLeaderEpoch(),
                    p.lastFetchedEpoch(),
                    p.logStartOffset())));
      }
    }
    return out;
  }

  private FetchResponseData response(
      short version,
      FetchRequestData request,
      List<Requested> requested,
      List<FetchedPartition> answers) {
    FetchResponseData response =
        new FetchResponseData()
            .setErrorCode(Errors.NONE.code())
            .setSessionId(FetchMetadata.INVALID_SESSION_ID);
    FetchableTopicResponse current = null;
    FetchTopic currentTopic = null;
    for (int i = 0; i < requested.size(); i++) {
      Requested r = requested.get(i);
      if (current == null || currentTopic != r.topic()) {
        current =
            new FetchableTopicResponse().setTopic(r.topicName()).setTopicId(r.topic().topicId());
        currentTopic = r.topic();
        response.responses().add(current);
      }
      current.partitions().add(partitionData(r, answers.get(i), request.isolationLevel()));
    }
    if (version >= 16) {
      addNodeEndpoints(response);
    }
    return response;
  }

  private PartitionData partitionData(Requested r, FetchedPartition answer, byte isolationLevel) {
    PartitionData data =
        new PartitionData()
            .setPartitionIndex(r.partitionIndex())
            .setErrorCode(answer.error().code())
            .setHighWatermark(answer.highWatermark())
            .setLastStableOffset(answer.lastStableOffset())
            .setLogStartOffset(answer.logStartOffset())
            .setRecords(
                answer.records() == null
                    ? WireRecords.empty()
                    : WireRecords.fileSlice(
                        answer.records().channel(),
                        answer.records().position(),
                        answer.records().sizeInBytes()));
    if (isolationLevel == 0) {
      data.setAbortedTransactions(null);
    }
    if (answer.divergingEpoch() != null) {
      data.divergingEpoch()
          .setEpoch(answer.divergingEpoch().epoch())
          .setEndOffset(answer.divergingEpoch().endOffset());
    }
    if (answer.error() == Errors.NOT_LEADER_OR_FOLLOWER) {
      hints.fill(r.topicName(), data.partitionIndex(), data);
    }
    return data;
  }

  /** The endpoints of the leaders named in current-leader hints (KIP-951, v16+). */
  private void addNodeEndpoints(FetchResponseData response) {
    for (FetchableTopicResponse t : response.responses()) {
      for (PartitionData p : t.partitions()) {
        int leader = p.currentLeader().leaderId();
        if (leader < 0 || response.nodeEndpoints().find(leader) != null) {
          continue;
        }
        hints
            .leader(t.topic(), p.partitionIndex())
            .filter(l -> l.id() == leader)
            .ifPresent(
                l ->
                    response
                        .nodeEndpoints()
                        .add(
                            new FetchResponseData.NodeEndpoint()
                                .setNodeId(l.id())
                                .setHost(l.host())
                                .setPort(l.port())));
      }
    }
  }
}
