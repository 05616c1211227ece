package io.logstore.broker.partition;

import io.logstore.broker.partition.Partition.IsrProposal;
import io.logstore.replication.FetchValidation;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.storage.AppendResult;
import io.logstore.storage.InvalidBatchException;
import io.logstore.storage.InvalidProducerEpochException;
import io.logstore.storage.LogSlice;
import io.logstore.storage.OffsetOutOfRangeException;
import io.logstore.storage.OutOfOrderSequenceException;
import io.logstore.storage.RecordTooLargeException;
import io.logstore.wire.WireRecords;
import io.logstore.wire.WireRecords.TimestampAndOffset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions' side of Produce, Fetch, ListOffsets, DeleteRecords and OffsetForLeaderEpoch: what
 * a handler calls once it has translated a request. It owns the waits (durability, acks=all,
 * DeleteRecords' low watermark, parked fetches in a {@link DelayedFetches} purgatory), the
 * follower-fetch bookkeeping and the ISR proposals it triggers, and the storage calls; answers
 * carry Kafka's error codes and plain values (records as segment file slices), so a handler neither
 * imports storage nor waits for anything itself.
 *
 * <p>Threading: called on network threads; nothing here blocks. Durability completions arrive on
 * flusher threads and acks=all completions on whatever thread advanced the high watermark; a parked
 * fetch reads on its request's {@link RequestScheduler}.
 */
public final class PartitionService {
  private static final Logger log = LoggerFactory.getLogger(PartitionService.class);

  private final TopicManager topics;
  private final Consumer<IsrProposal> isrChanges;
  private final Clock clock;
  private final DelayedFetches delayedFetches = new DelayedFetches(this);

  /**
   * @param isrChanges receives the ISR expansions that follower fetches trigger (cluster only)
   */
  public PartitionService(TopicManager topics, Consumer<IsrProposal> isrChanges, Clock clock) {
    this.topics = topics;
    this.isrChanges = isrChanges;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- resolution

  /** A requested partition resolved on this broker: the local replica, or the error to answer. */
  public record Target(Partition partition, Errors error) {
    static Target of(Partition partition) {
      return new Target(partition, null);
    }

    static Target failed(Errors error) {
      return new Target(null, error);
    }

    public boolean found() {
      return partition != null;
    }
  }

  /**
   * The local replica of {@code topic}'s partition {@code index}: {@code unknownTopic} when there
   * is no such topic, UNKNOWN_TOPIC_OR_PARTITION for a partition it does not have,
   * NOT_LEADER_OR_FOLLOWER when this broker holds no replica of it.
   */
  public Target replica(Optional<TopicInfo> topic, int index, Errors unknownTopic) {
    if (topic.isEmpty()) {
      return Target.failed(unknownTopic);
    }
    if (!topic.get().hasPartition(index)) {
      return Target.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return topic.get().partition(index).map(Target::of).orElseGet(this::notHere);
  }

  private Target notHere() {
    return Target.failed(Errors.NOT_LEADER_OR_FOLLOWER);
  }

  /**
   * The partition if this broker leads it at {@code currentLeaderEpoch} (-1: any epoch), else
   * Kafka's error: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH (the
   * client's epoch is older) or UNKNOWN_LEADER_EPOCH (newer).
   */
  public Target leader(String topic, int index, int currentLeaderEpoch) {
    Target replica = replica(topics.topic(topic), index, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    if (!replica.found()) {
      return replica;
    }
    Partition partition = replica.partition();
    if (!partition.isLeader()) {
      return notHere();
    }
    Errors epochError = checkLeaderEpoch(partition, currentLeaderEpoch);
    return epochError == Errors.NONE ? replica : Target.failed(epochError);
  }

  private static Errors checkLeaderEpoch(Partition partition, int currentLeaderEpoch) {
    int epoch = partition.leaderEpoch();
    if (currentLeaderEpoch < 0 || currentLeaderEpoch == epoch) {
      return Errors.NONE;
    }
    return currentLeaderEpoch < epoch ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
  }

  // ---------------------------------------------------------------- append

  /** One partition's produce answer; {@code baseOffset} -1 unless the records were appended. */
  public record AppendOutcome(
      Errors error, String message, long baseOffset, long logAppendTimeMs, long logStartOffset) {
    static AppendOutcome failed(Errors error, String message, long logStartOffset) {
      return new AppendOutcome(error, message, -1, -1, logStartOffset);
    }
  }

  /**
   * Validates and appends {@code batches} (a produce request's records for one partition) as the
   * partition's leader, then completes once they are durable (fsync, group commit) and, with
   * acks=all in a cluster, covered by the high watermark. Never completes exceptionally: a failure
   * is the outcome's error (Kafka's code and message).
   */
  public CompletableFuture<AppendOutcome> append(
      Partition partition, short produceVersion, ByteBuffer batches, short acks, int timeoutMs) {
    return appendAndWait(partition, produceVersion, batches, acks, timeoutMs)
        .exceptionally(
            e -> {
              log.error(
                  "produce failed topicPartition={}-{}", partition.topic(), partition.index(), e);
              return AppendOutcome.failed(Errors.UNKNOWN_SERVER_ERROR, null, -1);
            });
  }

  private CompletableFuture<AppendOutcome> appendAndWait(
      Partition partition, short produceVersion, ByteBuffer batches, short acks, int timeoutMs) {
    if (!partition.isLeader()) {
      return done(AppendOutcome.failed(Errors.NOT_LEADER_OR_FOLLOWER, null, -1));
    }
    long logStart = partition.log().logStartOffset();
    try {
      ProduceRequest.validateRecords(produceVersion, WireRecords.ofBytes(batches));
    } catch (org.apache.kafka.common.errors.ApiException e) {
      return done(AppendOutcome.failed(Errors.forException(e), e.getMessage(), logStart));
    }
    if (WireRecords.hasTransactionalBatch(batches)) {
      return done(
          AppendOutcome.failed(
              Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
              "transactions not supported",
              logStart));
    }
    ProducePolicy policy = partition.producePolicy();
    if (policy.compacted() && WireRecords.hasRecordWithoutKey(batches)) {
      return done(
          AppendOutcome.failed(
              Errors.INVALID_RECORD,
              "Compacted topic cannot accept message without key in topic partition "
                  + partition.topic()
                  + "-"
                  + partition.index()
                  + ".",
              logStart));
    }
    ByteBuffer stored =
        policy.recompresses() ? WireRecords.recompress(batches, policy.compressionType()) : batches;
    boolean acksAll = acks == -1;
    if (acksAll) {
      ReplicationError before = partition.checkBeforeAcksAll();
      if (before != ReplicationError.NONE) {
        return done(AppendOutcome.failed(Errors.valueOf(before.name()), null, logStart));
      }
    }
    AppendResult appended;
    try {
      appended = partition.log().appendAsLeader(stored, partition.leaderEpoch());
    } catch (InvalidBatchException e) {
      Errors error =
          e.reason() == InvalidBatchException.Reason.CORRUPT_CRC
              ? Errors.CORRUPT_MESSAGE
              : Errors.INVALID_RECORD;
      return done(AppendOutcome.failed(error, e.getMessage(), logStart));
    } catch (RecordTooLargeException e) {
      return done(AppendOutcome.failed(Errors.MESSAGE_TOO_LARGE, e.getMessage(), logStart));
    } catch (OutOfOrderSequenceException e) {
      return done(
          AppendOutcome.failed(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, e.getMessage(), logStart));
    } catch (InvalidProducerEpochException e) {
      return done(AppendOutcome.failed(Errors.INVALID_PRODUCER_EPOCH, e.getMessage(), logStart));
    } catch (IOException e) {
      log.error("append failed topicPartition={}-{}", partition.topic(), partition.index(), e);
      return done(AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, null, logStart));
    } catch (RuntimeException e) {
      // A broken invariant in storage: answer this partition, keep the connection.
      log.error("append failed topicPartition={}-{}", partition.topic(), partition.index(), e);
      return done(AppendOutcome.failed(Errors.UNKNOWN_SERVER_ERROR, null, logStart));
    }
    AppendOutcome success =
        new AppendOutcome(
            Errors.NONE,
            null,
            appended.firstOffset(),
            appended.logAppendTimeMs(),
            appended.logStartOffset());
    long endOffset = appended.lastOffset() + 1;
    CompletableFuture<AppendOutcome> durable =
        partition
            .awaitDurable(endOffset)
            .handle(
                (ok, error) -> {
                  if (error == null) {
                    return success;
                  }
                  log.error(
                      "fsync failed topicPartition={}-{}",
                      partition.topic(),
                      partition.index(),
                      error);
                  return new AppendOutcome(
                      Errors.KAFKA_STORAGE_ERROR,
                      null,
                      -1,
                      appended.logAppendTimeMs(),
                      appended.logStartOffset());
                });
    if (!acksAll) {
      return durable;
    }
    long deadline = clock.millis() + Math.max(0, timeoutMs);
    return durable.thenCompose(
        outcome ->
            outcome.error() != Errors.NONE
                ? done(outcome)
                : partition
                    .awaitReplicated(endOffset, deadline)
                    .thenApply(replicated -> afterReplication(outcome, replicated)));
  }

  /** acks=all: NOT_ENOUGH_REPLICAS_AFTER_APPEND keeps the offset (the records are in the log). */
  private static AppendOutcome afterReplication(AppendOutcome appended, ReplicationError outcome) {
    if (outcome == ReplicationError.NONE) {
      return appended;
    }
    Errors error = Errors.valueOf(outcome.name());
    long baseOffset = error == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND ? appended.baseOffset() : -1;
    return new AppendOutcome(
        error, null, baseOffset, appended.logAppendTimeMs(), appended.logStartOffset());
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  // ---------------------------------------------------------------- fetch

  /**
   * A fetch request's parameters: {@code replicaId} >= 0 for a follower's fetch; {@code maxBytes}
   * for the whole response.
   */
  public record FetchSpec(
      int replicaId, int maxWaitMs, int minBytes, long maxBytes, byte isolationLevel) {
    boolean fromFollower() {
      return replicaId >= 0;
    }
  }

  /** One requested partition, resolved ({@link #replica}), with what the fetcher sent. */
  public record FetchPartitionSpec(
      Target target,
      long fetchOffset,
      int partitionMaxBytes,
      int currentLeaderEpoch,
      int lastFetchedEpoch,
      long logStartOffset) {}

  /**
   * One partition's fetch answer: the records (a slice of a segment file, sent zero-copy; null when
   * none) or the error; {@code divergingEpoch} set when a follower must truncate.
   */
  public record FetchedPartition(
      Errors error,
      long highWatermark,
      long lastStableOffset,
      long logStartOffset,
      RecordsSlice records,
      DivergingEpoch divergingEpoch) {
    static FetchedPartition failed(Errors error) {
      return new FetchedPartition(error, -1, -1, -1, null, null);
    }

    int sizeInBytes() {
      return records == null ? 0 : records.sizeInBytes();
    }
  }

  /** Whole batches in a segment file: {@code sizeInBytes} bytes from {@code position}. */
  public record RecordsSlice(FileChannel channel, long position, int sizeInBytes) {}

  /** KIP-320: where the follower's log diverges from the leader's. */
  public record DivergingEpoch(int epoch, long endOffset) {}

  /**
   * Reads every partition now; if that is less than {@code minBytes} (and no partition failed),
   * parks the fetch until an append or high watermark advance brings enough, or {@code maxWaitMs}
   * passes (then answers what there is). A follower's fetch is first validated and counted by each
   * partition's leader state (once per request), which may propose an ISR expansion.
   */
  public CompletionStage<List<FetchedPartition>> fetch(
      FetchSpec spec, List<FetchPartitionSpec> partitions, RequestScheduler scheduler) {
    List<FetchValidation> followerChecks =
        spec.fromFollower() ? validateFollowerFetch(spec.replicaId(), partitions) : null;
    FetchRead first = read(spec, partitions, followerChecks);
    if (spec.maxWaitMs() <= 0
        || first.bytes() >= spec.minBytes()
        || first.hasError()
        || partitions.isEmpty()) {
      return done(first.partitions());
    }
    return delayedFetches.park(spec, partitions, followerChecks, scheduler);
  }

  /** What one read pass over a fetch's partitions produced. */
  record FetchRead(List<FetchedPartition> partitions, long bytes, boolean hasError) {}

  /** Counts a follower's fetch at each partition's leader state; the validations, in order. */
  private List<FetchValidation> validateFollowerFetch(
      int replicaId, List<FetchPartitionSpec> partitions) {
    List<FetchValidation> out = new ArrayList<>(partitions.size());
    long now = clock.millis();
    for (FetchPartitionSpec p : partitions) {
      if (!p.target().found()) {
        out.add(null);
        continue;
      }
      Partition partition = p.target().partition();
      FetchValidation v =
          partition.onFollowerFetch(
              replicaId,
              p.currentLeaderEpoch(),
              p.fetchOffset(),
              p.lastFetchedEpoch(),
              p.logStartOffset(),
              now);
      if (v instanceof FetchValidation.Accept a && a.proposedIsr() != null) {
        IsrProposal proposal = partition.pendingIsrProposal();
        if (proposal != null) {
          isrChanges.accept(proposal);
        }
      }
      out.add(v);
    }
    return out;
  }

  /** One read pass: each partition in order, the response's byte budget shared. */
  FetchRead read(
      FetchSpec spec, List<FetchPartitionSpec> partitions, List<FetchValidation> followerChecks) {
    List<FetchedPartition> out = new ArrayList<>(partitions.size());
    long remaining = spec.maxBytes();
    long bytes = 0;
    boolean hasError = false;
    boolean minOneBatch = true;
    for (int i = 0; i < partitions.size(); i++) {
      FetchValidation check = followerChecks == null ? null : followerChecks.get(i);
      FetchedPartition data = readPartition(partitions.get(i), check, remaining, minOneBatch);
      out.add(data);
      hasError |= data.error() != Errors.NONE;
      int size = data.sizeInBytes();
      if (size > 0) {
        bytes += size;
        remaining -= size;
        minOneBatch = false;
      }
    }
    return new FetchRead(out, bytes, hasError);
  }

  private FetchedPartition readPartition(
      FetchPartitionSpec spec, FetchValidation followerCheck, long remaining, boolean minOneBatch) {
    if (!spec.target().found()) {
      return FetchedPartition.failed(spec.target().error());
    }
    Partition partition = spec.target().partition();
    if (partition.isDeleted()) {
      return FetchedPartition.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }
    long highWatermark = partition.highWatermark();
    long logStart = partition.log().logStartOffset();
    if (followerCheck != null) {
      return readForFollower(
          spec, partition, followerCheck, highWatermark, logStart, remaining, minOneBatch);
    }
    if (!partition.isLeader()) {
      return answer(Errors.NOT_LEADER_OR_FOLLOWER, highWatermark, logStart, null);
    }
    Errors epochError = checkLeaderEpoch(partition, spec.currentLeaderEpoch());
    if (epochError != Errors.NONE) {
      return answer(epochError, highWatermark, logStart, null);
    }
    return readRecords(partition, spec, highWatermark, logStart, remaining, minOneBatch);
  }

  private static FetchedPartition answer(
      Errors error, long highWatermark, long logStart, DivergingEpoch diverging) {
    return new FetchedPartition(error, highWatermark, highWatermark, logStart, null, diverging);
  }

  /** A follower's fetch: its validation's answer, records up to the log end (not the HW). */
  private FetchedPartition readForFollower(
      FetchPartitionSpec spec,
      Partition partition,
      FetchValidation check,
      long highWatermark,
      long logStart,
      long remaining,
      boolean minOneBatch) {
    if (check instanceof FetchValidation.Error e) {
      return answer(Errors.valueOf(e.error().name()), highWatermark, logStart, null);
    }
    if (check instanceof FetchValidation.Diverging d) {
      return answer(
          Errors.NONE,
          highWatermark,
          logStart,
          new DivergingEpoch(d.divergingEpoch().epoch(), d.divergingEpoch().endOffset()));
    }
    return readRecords(
        partition, spec, Long.MAX_VALUE, highWatermark, logStart, remaining, minOneBatch);
  }

  private FetchedPartition readRecords(
      Partition partition,
      FetchPartitionSpec spec,
      long highWatermark,
      long logStart,
      long remaining,
      boolean minOneBatch) {
    return readRecords(
        partition, spec, highWatermark, highWatermark, logStart, remaining, minOneBatch);
  }

  /** Records from the fetch offset below {@code maxOffset} as a zero-copy file slice. */
  private FetchedPartition readRecords(
      Partition partition,
      FetchPartitionSpec spec,
      long maxOffset,
      long highWatermark,
      long logStart,
      long remaining,
      boolean minOneBatch) {
    int maxBytes = (int) Math.max(0, Math.min(spec.partitionMaxBytes(), remaining));
    try {
      LogSlice slice = partition.log().read(spec.fetchOffset(), maxBytes, maxOffset, minOneBatch);
      RecordsSlice records =
          slice.isEmpty()
              ? null
              : new RecordsSlice(slice.channel(), slice.position(), slice.sizeInBytes());
      return new FetchedPartition(
          Errors.NONE, highWatermark, highWatermark, logStart, records, null);
    } catch (OffsetOutOfRangeException e) {
      return answer(Errors.OFFSET_OUT_OF_RANGE, highWatermark, logStart, null);
    } catch (IOException e) {
      log.error(
          "read failed topicPartition={}-{} offset={}",
          partition.topic(),
          partition.index(),
          spec.fetchOffset(),
          e);
      return answer(Errors.KAFKA_STORAGE_ERROR, highWatermark, logStart, null);
    }
  }

  // ---------------------------------------------------------------- offsets

  /**
   * ListOffsets' answer for one partition: {@code leaderEpoch} is the epoch of the offset found (-1
   * when unknown or nothing was found; the leader's current epoch is then the answer's).
   */
  public record OffsetAnswer(Errors error, long timestamp, long offset, int leaderEpoch) {
    static OffsetAnswer failed(Errors error) {
      return new OffsetAnswer(error, -1, -1, -1);
    }
  }

  /**
   * ListOffsets on a leader ({@link #leader}): earliest (-2) and earliest local (-4), latest (-1,
   * the high watermark), max timestamp (-3), the tiered-storage specs (-5, -6: nothing is tiered,
   * so none), or the first offset whose timestamp is at or after {@code timestamp}. Only offsets
   * below the high watermark are returned.
   */
  public OffsetAnswer listOffset(Partition partition, long timestamp) {
    long highWatermark = partition.highWatermark();
    int epoch = partition.leaderEpoch();
    try {
      Optional<TimestampAndOffset> found = lookup(partition, timestamp, highWatermark, epoch);
      return found
          .map(t -> new OffsetAnswer(Errors.NONE, t.timestamp(), t.offset(), t.leaderEpoch()))
          .orElse(new OffsetAnswer(Errors.NONE, -1, -1, -1));
    } catch (IOException e) {
      log.error("ListOffsets failed topicPartition={}-{}", partition.topic(), partition.index(), e);
      return OffsetAnswer.failed(Errors.KAFKA_STORAGE_ERROR);
    }
  }

  private static Optional<TimestampAndOffset> lookup(
      Partition partition, long timestamp, long highWatermark, int epoch) throws IOException {
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

  static final int UNDEFINED_EPOCH = -1;
  static final long UNDEFINED_OFFSET = -1;

  /** OffsetForLeaderEpoch's answer: {@code (-1, -1)} for an epoch above the leader's. */
  public record EpochAnswer(Errors error, int leaderEpoch, long endOffset) {}

  /**
   * Kafka's OffsetsForLeaderEpoch on a leader: for its current epoch (epoch, log end offset); for
   * an older one, (largest known epoch at or below it, start offset of the next higher epoch).
   */
  public EpochAnswer endOffsetForEpoch(Partition partition, int leaderEpoch) {
    if (leaderEpoch == partition.leaderEpoch()) {
      return new EpochAnswer(Errors.NONE, leaderEpoch, partition.log().logEndOffset());
    }
    return partition
        .log()
        .endOffsetForEpoch(leaderEpoch)
        .map(e -> new EpochAnswer(Errors.NONE, e.epoch(), e.endOffset()))
        .orElse(new EpochAnswer(Errors.NONE, UNDEFINED_EPOCH, UNDEFINED_OFFSET));
  }

  // ---------------------------------------------------------------- delete records

  /** DeleteRecords' answer for one partition: the low watermark, or the error. */
  public record DeleteOutcome(Errors error, long lowWatermark) {}

  /**
   * Moves a leader's log start to {@code offset} (-1: the high watermark); completes once every ISR
   * follower has too (in a cluster), with the low watermark, REQUEST_TIMED_OUT after {@code
   * timeoutMs}, or NOT_LEADER_OR_FOLLOWER when leadership is lost first. OFFSET_OUT_OF_RANGE for an
   * offset above the high watermark. Call {@link #checkpointLogStarts} after a request's
   * partitions.
   */
  public CompletableFuture<DeleteOutcome> deleteRecords(
      Partition partition, long offset, int timeoutMs) {
    long highWatermark = partition.highWatermark();
    long target = offset == -1 ? highWatermark : offset;
    if (target < 0 || target > highWatermark) {
      return done(new DeleteOutcome(Errors.OFFSET_OUT_OF_RANGE, -1));
    }
    long start;
    try {
      start = partition.log().deleteRecordsBefore(target);
    } catch (IOException e) {
      log.error(
          "DeleteRecords failed topicPartition={}-{} offset={}",
          partition.topic(),
          partition.index(),
          target,
          e);
      return done(new DeleteOutcome(Errors.KAFKA_STORAGE_ERROR, -1));
    }
    return partition
        .awaitLowWatermark(start, timeoutMs)
        .thenApply(
            low ->
                new DeleteOutcome(
                    Errors.valueOf(low.error().name()),
                    low.error() == ReplicationError.NONE ? low.offset() : -1));
  }

  /** Persists the log start offsets (after DeleteRecords moved some). */
  public void checkpointLogStarts() {
    try {
      topics.checkpoint();
    } catch (IOException e) {
      log.error("Cannot checkpoint log start offsets after DeleteRecords", e);
    }
  }
}
