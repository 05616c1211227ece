package io.logstore.replication;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.storage.EpochEndOffset;

/** The leader's verdict on one follower fetch, before any bytes are read. */
public sealed interface FetchValidation {

  /**
   * Read from {@code fetchOffset}; {@code highWatermark} is the leader's after this fetch was
   * counted, and {@code proposedIsr}, when not null, is an ISR expansion to send to the controller.
   */
  record Accept(long highWatermark, java.util.List<Integer> proposedIsr)
      implements FetchValidation {}

  /**
   * The follower's log diverges from the leader's (KIP-320): answer with this diverging epoch and
   * no records; the follower truncates (see {@link FollowerTruncation}) and fetches again.
   */
  record Diverging(EpochEndOffset divergingEpoch) implements FetchValidation {}

  /** A Kafka error for the partition, no records. */
  record Error(ReplicationError error) implements FetchValidation {}
}
