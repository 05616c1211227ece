package io.logstore.replication.fetch;

import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.storage.EpochEndOffset;
import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * One partition as the replica fetch loop sees it: the broker's {@code Partition}, the simulation's
 * replica. Every mutating call names the {@link PartitionFollower} state the loop fetched for; the
 * partition ignores the call (returns false or null) when its role changed since (new leader or
 * epoch, leadership, deletion), so a late answer never touches a log that is now led or follows
 * someone else. The partition serialises these calls with its own role changes.
 *
 * @param <R> the record bytes of the transport
 */
public interface FollowedPartition<R> {

  String topic();

  int index();

  /** The current follower state, or null when this replica does not follow now. */
  PartitionFollower follower();

  long logStartOffset();

  long logEndOffset();

  /** Appends the leader's records as they are; false when skipped (the role changed). */
  boolean appendAsFollower(PartitionFollower follower, R records) throws IOException;

  /**
   * Completes once the log is durable up to {@code endOffset} (fsynced); fails when the fsync
   * failed or took too long. The leader counts a fetch offset as this replica's durable log end, so
   * the loop never fetches past what this returned for.
   */
  CompletionStage<Void> awaitDurable(long endOffset);

  /** Truncates for the leader's diverging epoch; null when skipped. */
  FollowerTruncation truncateAsFollower(PartitionFollower follower, EpochEndOffset diverging);

  /** Adopts the leader's high watermark, capped at the durable end here. */
  void followerHighWatermark(PartitionFollower follower, long leaderHighWatermark);

  /** Moves this log's start up to the leader's (retention, DeleteRecords there). */
  void followerLogStart(PartitionFollower follower, long leaderLogStart) throws IOException;

  /**
   * The leader no longer has what this replica lacks: empty the log and start at {@code offset}.
   */
  void restartFollowerAt(PartitionFollower follower, long offset) throws IOException;
}
