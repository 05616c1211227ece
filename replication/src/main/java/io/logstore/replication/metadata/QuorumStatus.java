package io.logstore.replication.metadata;

import java.util.List;

/**
 * The metadata quorum as its Raft leader sees it, for DescribeQuorum: the leader, its term (the
 * leader epoch), the commit point (high watermark) and, per voter, how far its log reaches. Offsets
 * are exclusive ends (last Raft index + 1), as Kafka reports them; timestamps are epoch
 * milliseconds, -1 when unknown.
 */
public record QuorumStatus(int leaderId, long leaderEpoch, long highWatermark, List<Voter> voters) {
  public QuorumStatus {
    voters = List.copyOf(voters);
  }

  /** One voter: its log end, when the leader last heard from it, when it was last caught up. */
  public record Voter(
      int nodeId, long logEndOffset, long lastFetchTimestampMs, long lastCaughtUpTimestampMs) {}
}
