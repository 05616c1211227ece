package io.logstore.replication;

import io.logstore.storage.EpochEndOffset;

/**
 * Where a follower truncates when the leader reports a diverging epoch (KIP-279 and KIP-320,
 * Kafka's {@code getOffsetTruncationState}). After truncating, the follower fetches again with its
 * new latest epoch; the leader checks again, so a truncation that is not {@code complete} simply
 * takes another round.
 *
 * @param offset truncate the log to this offset (remove records at and above it)
 * @param complete whether the follower's log now matches the leader's up to {@code offset}
 */
public record FollowerTruncation(long offset, boolean complete) {

  /**
   * @param log the follower's log
   * @param diverging the leader's (epoch, end offset) for the follower's last fetched epoch
   */
  public static FollowerTruncation forDivergingEpoch(ReplicaLog log, EpochEndOffset diverging) {
    long followerEnd = log.logEndOffset();
    if (diverging.endOffset() < 0) {
      // The leader cannot place the epoch at all: keep only what is known to be committed.
      return new FollowerTruncation(Math.min(log.highWatermark(), followerEnd), true);
    }
    if (diverging.epoch() < 0) {
      return new FollowerTruncation(Math.min(diverging.endOffset(), followerEnd), true);
    }
    EpochEndOffset local = log.endOffsetForEpoch(diverging.epoch());
    if (local.endOffset() < 0) {
      // The follower knows no epoch at or below the leader's: keep at most the leader's end.
      return new FollowerTruncation(Math.min(diverging.endOffset(), followerEnd), true);
    }
    if (local.epoch() != diverging.epoch()) {
      // The follower's matching epoch is older than the leader's: cut to where it ended here and
      // let the leader judge that epoch on the next fetch.
      return new FollowerTruncation(Math.min(local.endOffset(), followerEnd), false);
    }
    return new FollowerTruncation(
        Math.min(Math.min(local.endOffset(), diverging.endOffset()), followerEnd), true);
  }
}
