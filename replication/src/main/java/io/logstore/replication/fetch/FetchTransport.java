package io.logstore.replication.fetch;

import io.logstore.replication.PartitionFollower.FetchPosition;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.storage.EpochEndOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Carries a follower's Fetch to its leader and the answer back (Kafka's Fetch with a replica id).
 * The loop has at most one request in flight per transport. The stage fails when the request could
 * not be sent or answered in time (connection refused or lost, timeout, a malformed answer); the
 * transport then reconnects on the next request. Completion may happen on any thread: the loop hops
 * back to its scheduler.
 *
 * @param <R> how the transport hands over record bytes (the broker: a buffer of Kafka batches; the
 *     simulation: a list of entries)
 */
public interface FetchTransport<R> extends AutoCloseable {

  /** One partition's part of a fetch. */
  record PartitionFetch(String topic, int partition, FetchPosition position, long logStartOffset) {}

  /** One fetch round to leader {@code leaderId}. */
  record Request(int replicaId, int leaderId, List<PartitionFetch> partitions) {}

  /**
   * One partition's answer: {@code error} NONE with records (null when there were none), the
   * leader's high watermark and log start; or a diverging epoch (KIP-279); or an error.
   */
  record PartitionAnswer<R>(
      String topic,
      int partition,
      ReplicationError error,
      EpochEndOffset divergingEpoch,
      R records,
      long highWatermark,
      long logStartOffset) {}

  /**
   * The answer: {@code error} is the top-level error (NONE when the partitions carry their own);
   * partitions the leader did not mention are retried in the next round.
   */
  record Answer<R>(ReplicationError error, List<PartitionAnswer<R>> partitions) {}

  CompletionStage<Answer<R>> fetch(Request request);

  /** Closes the connection; a later {@link #fetch} may not be called. */
  @Override
  void close();
}
