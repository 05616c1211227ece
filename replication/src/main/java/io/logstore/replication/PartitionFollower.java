package io.logstore.replication;

import io.logstore.storage.EpochEndOffset;

/**
 * The follower side of one partition for one leader epoch: what to fetch next, how to truncate on a
 * diverging epoch, how far the high watermark may go here. The fetcher (broker or simulation) moves
 * the bytes and must fsync what it appended before it asks for the next fetch, because the leader
 * counts a fetch offset as this replica's durable log end.
 *
 * <p>Threading: not thread-safe; confined to the fetcher thread of the partition.
 */
public final class PartitionFollower {

  /** The fields of the next follower Fetch for this partition. */
  public record FetchPosition(long fetchOffset, int lastFetchedEpoch, int currentLeaderEpoch) {}

  private final ReplicaLog log;
  private final int leaderId;
  private final int leaderEpoch;

  public PartitionFollower(ReplicaLog log, int leaderId, int leaderEpoch) {
    this.log = log;
    this.leaderId = leaderId;
    this.leaderEpoch = leaderEpoch;
  }

  public int leaderId() {
    return leaderId;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /**
   * Whether the log is durable to its end, so it may fetch: a former leader's unsynced tail must be
   * fsynced first.
   */
  public boolean durableToEnd() {
    return log.durableEndOffset() == log.logEndOffset();
  }

  /** The next fetch; the log must be durable to its end (see the class comment). */
  public FetchPosition nextFetch() {
    if (log.durableEndOffset() != log.logEndOffset()) {
      throw new IllegalStateException(
          "fetch before fsync: durable end "
              + log.durableEndOffset()
              + " < log end "
              + log.logEndOffset());
    }
    return new FetchPosition(log.logEndOffset(), log.latestEpoch().orElse(-1), leaderEpoch);
  }

  /** Truncates as the leader's diverging epoch says; returns what was done. */
  public FollowerTruncation onDivergingEpoch(EpochEndOffset diverging) {
    FollowerTruncation t = FollowerTruncation.forDivergingEpoch(log, diverging);
    // Also at the log end: an epoch this replica assigned as a leader but never wrote must go, or
    // it would be sent again as the last fetched epoch (found by the simulation, seed 8786).
    log.truncateTo(t.offset());
    return t;
  }

  /**
   * After appending a fetch response (and fsyncing it): the high watermark here is the leader's,
   * capped by what this log durably holds. It only moves forward.
   */
  public void onLeaderHighWatermark(long leaderHighWatermark) {
    long hw = Math.min(leaderHighWatermark, log.durableEndOffset());
    if (hw > log.highWatermark()) {
      log.updateHighWatermark(hw);
    }
  }
}
