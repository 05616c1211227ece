package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.Partition.IsrProposal;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.replication.FetchValidation;
import io.logstore.replication.ReplicationError;
import io.logstore.storage.LogSlice;
import io.logstore.storage.OffsetOutOfRangeException;
import io.logstore.wire.WireRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch v4-18, sessionless (a request for a new session gets session id 0, so clients keep sending
 * full fetches). Records are served as file slices, so a plaintext response goes out with {@code
 * sendfile}. When less than {@code min_bytes} is available the request parks until a high watermark
 * advance on one of its partitions or {@code max_wait_ms}.
 *
 * <p>Threading: reads and parked-fetch bookkeeping run on the request's event loop; high watermark
 * notifications arrive on the flusher thread and hop to that loop.
 */
public final class FetchHandler extends AbstractApiHandler<FetchRequestData> {
  private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

  private final TopicManager topics;
  private final Consumer<IsrProposal> isrChanges;
  private final LeaderHints hints;

  /** A single broker's Fetch. */
  public FetchHandler(TopicManager topics) {
    this(topics, proposal -> {}, LeaderHints.NONE);
  }

  /**
   * In a cluster: follower fetches (replica id set) are counted by the partition's leader state;
   * ISR expansions they trigger go to {@code isrChanges}; errors carry KIP-951 leader hints.
   */
  public FetchHandler(TopicManager topics, Consumer<IsrProposal> isrChanges, LeaderHints hints) {
    super(ApiKeys.FETCH, 4, 18);
    this.topics = topics;
    this.isrChanges = isrChanges;
    this.hints = hints;
  }

  /** One requested partition, resolved once. */
  private record Target(
      String topicName,
      FetchTopic topic,
      FetchPartition request,
      Partition partition,
      Errors error,
      FetchValidation follower) {
    Target(String topicName, FetchTopic topic, FetchPartition request, Partition p, Errors e) {
      this(topicName, topic, request, p, e, null);
    }
  }

  /** What one read pass produced. */
  private record ReadResult(FetchResponseData response, long bytes, boolean hasError) {}

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, FetchRequestData request) {
    short version = context.version();
    if (version >= 7 && request.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
      return CompletableFuture.completedFuture(
          new FetchResponseData()
              .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
              .setSessionId(FetchMetadata.INVALID_SESSION_ID));
    }
    if (version >= 7
        && request.sessionEpoch() != FetchMetadata.INITIAL_EPOCH
        && request.sessionEpoch() != FetchMetadata.FINAL_EPOCH) {
      return CompletableFuture.completedFuture(
          new FetchResponseData()
              .setErrorCode(Errors.INVALID_FETCH_SESSION_EPOCH.code())
              .setSessionId(FetchMetadata.INVALID_SESSION_ID));
    }
    int replicaId = version >= 15 ? request.replicaState().replicaId() : request.replicaId();
    List<Target> targets = resolve(version, request);
    if (replicaId >= 0) {
      targets = validateFollowerFetch(replicaId, targets);
    }
    ReadResult first = read(version, request, targets);
    if (request.maxWaitMs() <= 0
        || first.bytes() >= request.minBytes()
        || first.hasError()
        || targets.isEmpty()) {
      return CompletableFuture.completedFuture(first.response());
    }
    DelayedFetch parked = new DelayedFetch(context.connectionExecutor(), version, request, targets);
    parked.park(request.maxWaitMs());
    return parked.result;
  }

  private List<Target> resolve(short version, FetchRequestData request) {
    List<Target> targets = new ArrayList<>();
    for (FetchTopic topic : request.topics()) {
      Optional<TopicInfo> info =
          version >= 13 ? topics.topic(topic.topicId()) : topics.topic(topic.topic());
      for (FetchPartition partition : topic.partitions()) {
        if (info.isEmpty()) {
          Errors error =
              version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
          targets.add(new Target(topic.topic(), topic, partition, null, error));
          continue;
        }
        int index = partition.partition();
        if (!info.get().hasPartition(index)) {
          targets.add(
              new Target(
                  info.get().name(), topic, partition, null, Errors.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        Optional<Partition> local = info.get().partition(index);
        if (local.isEmpty()) {
          targets.add(
              new Target(info.get().name(), topic, partition, null, Errors.NOT_LEADER_OR_FOLLOWER));
          continue;
        }
        targets.add(new Target(info.get().name(), topic, partition, local.get(), null));
      }
    }
    return targets;
  }

  /** Counts a follower's fetch at each partition's leader state (once per request). */
  private List<Target> validateFollowerFetch(int replicaId, List<Target> targets) {
    List<Target> out = new ArrayList<>(targets.size());
    long now = System.currentTimeMillis();
    for (Target t : targets) {
      if (t.partition() == null) {
        out.add(t);
        continue;
      }
      FetchPartition r = t.request();
      FetchValidation v =
          t.partition()
              .onFollowerFetch(
                  replicaId,
                  r.currentLeaderEpoch(),
                  r.fetchOffset(),
                  r.lastFetchedEpoch(),
                  r.logStartOffset(),
                  now);
      if (v instanceof FetchValidation.Accept a && a.proposedIsr() != null) {
        IsrProposal proposal = t.partition().pendingIsrProposal();
        if (proposal != null) {
          isrChanges.accept(proposal);
        }
      }
      out.add(new Target(t.topicName(), t.topic(), r, t.partition(), null, v));
    }
    return out;
  }

  private ReadResult read(short version, FetchRequestData request, List<Target> targets) {
    FetchResponseData response =
        new FetchResponseData()
            .setErrorCode(Errors.NONE.code())
            .setSessionId(FetchMetadata.INVALID_SESSION_ID);
    long remaining = version >= 3 ? request.maxBytes() : Integer.MAX_VALUE;
    long bytes = 0;
    boolean hasError = false;
    boolean minOneBatch = true;
    FetchableTopicResponse current = null;
    FetchTopic currentTopic = null;
    for (Target target : targets) {
      if (current == null || currentTopic != target.topic()) {
        current =
            new FetchableTopicResponse()
                .setTopic(target.topicName())
                .setTopicId(target.topic().topicId());
        currentTopic = target.topic();
        response.responses().add(current);
      }
      PartitionData data = readPartition(target, remaining, minOneBatch, request.isolationLevel());
      current.partitions().add(data);
      if (data.errorCode() != Errors.NONE.code()) {
        hasError = true;
      }
      int size = data.records() == null ? 0 : data.records().sizeInBytes();
      if (size > 0) {
        bytes += size;
        remaining -= size;
        minOneBatch = false;
      }
    }
    if (version >= 16) {
      addNodeEndpoints(response);
    }
    return new ReadResult(response, bytes, hasError);
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

  private PartitionData readPartition(
      Target target, long remainingBytes, boolean minOneBatch, byte isolationLevel) {
    FetchPartition request = target.request();
    PartitionData data =
        new PartitionData().setPartitionIndex(request.partition()).setRecords(WireRecords.empty());
    if (isolationLevel == 0) {
      data.setAbortedTransactions(null);
    }
    if (target.error() != null) {
      if (target.error() == Errors.NOT_LEADER_OR_FOLLOWER) {
        hints.fill(target.topicName(), request.partition(), data);
      }
      return data.setErrorCode(target.error().code())
          .setHighWatermark(-1)
          .setLastStableOffset(-1)
          .setLogStartOffset(-1);
    }
    Partition partition = target.partition();
    if (partition.isDeleted()) {
      return data.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
          .setHighWatermark(-1)
          .setLastStableOffset(-1)
          .setLogStartOffset(-1);
    }
    long highWatermark = partition.highWatermark();
    data.setHighWatermark(highWatermark)
        .setLastStableOffset(highWatermark)
        .setLogStartOffset(partition.log().logStartOffset());
    if (target.follower() != null) {
      return readForFollower(target, partition, data, remainingBytes, minOneBatch);
    }
    if (!partition.isLeader()) {
      hints.fill(target.topicName(), request.partition(), data);
      return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }
    int epoch = request.currentLeaderEpoch();
    if (epoch >= 0 && epoch != partition.leaderEpoch()) {
      Errors error =
          epoch < partition.leaderEpoch()
              ? Errors.FENCED_LEADER_EPOCH
              : Errors.UNKNOWN_LEADER_EPOCH;
      return data.setErrorCode(error.code());
    }
    return readRecords(partition, request, data, highWatermark, remainingBytes, minOneBatch);
  }

  /** Records from {@code fetchOffset} below {@code maxOffset} as a zero-copy file slice. */
  private static PartitionData readRecords(
      Partition partition,
      FetchPartition request,
      PartitionData data,
      long maxOffset,
      long remainingBytes,
      boolean minOneBatch) {
    int maxBytes = (int) Math.max(0, Math.min(request.partitionMaxBytes(), remainingBytes));
    try {
      LogSlice slice =
          partition.log().read(request.fetchOffset(), maxBytes, maxOffset, minOneBatch);
      if (!slice.isEmpty()) {
        data.setRecords(
            WireRecords.fileSlice(slice.channel(), slice.position(), slice.sizeInBytes()));
      }
      return data.setErrorCode(Errors.NONE.code());
    } catch (OffsetOutOfRangeException e) {
      return data.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
    } catch (IOException e) {
      log.error(
          "read failed topicPartition={}-{} offset={}",
          partition.topic(),
          partition.index(),
          request.fetchOffset(),
          e);
      return data.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
    }
  }

  /** A follower's fetch: its validation's answer, records up to the log end. */
  private PartitionData readForFollower(
      Target target,
      Partition partition,
      PartitionData data,
      long remainingBytes,
      boolean minOneBatch) {
    FetchPartition request = target.request();
    if (target.follower() instanceof FetchValidation.Error e) {
      if (e.error() == ReplicationError.NOT_LEADER_OR_FOLLOWER) {
        hints.fill(target.topicName(), request.partition(), data);
      }
      return data.setErrorCode(Errors.valueOf(e.error().name()).code());
    }
    if (target.follower() instanceof FetchValidation.Diverging d) {
      data.divergingEpoch()
          .setEpoch(d.divergingEpoch().epoch())
          .setEndOffset(d.divergingEpoch().endOffset());
      return data.setErrorCode(Errors.NONE.code());
    }
    // A follower reads up to the log end, not the high watermark.
    return readRecords(partition, request, data, Long.MAX_VALUE, remainingBytes, minOneBatch);
  }

  /**
   * A fetch waiting for data. Lives on one event loop: parked, then completed once by a high
   * watermark advance that brings enough bytes, or by its timer.
   */
  private final class DelayedFetch {
    final CompletableFuture<ApiMessage> result = new CompletableFuture<>();
    private final ScheduledExecutorService eventLoop;
    private final short version;
    private final FetchRequestData request;
    private final List<Target> targets;
    private final Runnable watcher = this::onAdvance;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private ScheduledFuture<?> timer;

    DelayedFetch(
        ScheduledExecutorService eventLoop,
        short version,
        FetchRequestData request,
        List<Target> targets) {
      this.eventLoop = eventLoop;
      this.version = version;
      this.request = request;
      this.targets = targets;
    }

    void park(long maxWaitMs) {
      for (Target target : targets) {
        if (target.partition() != null) {
          target.partition().watch(watcher);
        }
      }
      timer = eventLoop.schedule(this::expire, maxWaitMs, TimeUnit.MILLISECONDS);
      // An append may have landed between the first read and the watch.
      tryComplete();
    }

    /** Called on the flusher thread: coalesce wake-ups into one task on the event loop. */
    private void onAdvance() {
      if (wakeupPending.compareAndSet(false, true)) {
        eventLoop.execute(
            () -> {
              wakeupPending.set(false);
              tryComplete();
            });
      }
    }

    private void tryComplete() {
      if (result.isDone()) {
        return;
      }
      ReadResult attempt = read(version, request, targets);
      if (attempt.bytes() >= request.minBytes() || attempt.hasError()) {
        finish(attempt);
      }
    }

    private void expire() {
      if (!result.isDone()) {
        finish(read(version, request, targets));
      }
    }

    private void finish(ReadResult outcome) {
      for (Target target : targets) {
        if (target.partition() != null) {
          target.partition().unwatch(watcher);
        }
      }
      if (timer != null) {
        timer.cancel(false);
      }
      result.complete(outcome.response());
    }
  }
}
