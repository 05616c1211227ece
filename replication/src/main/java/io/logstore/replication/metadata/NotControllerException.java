package io.logstore.replication.metadata;

import java.util.OptionalInt;

/** A write was sent to a metadata quorum node that is not the Raft leader. */
public final class NotControllerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final OptionalInt leaderHint;

  public NotControllerException(int nodeId, OptionalInt leaderHint) {
    super(
        "node "
            + nodeId
            + " is not the controller"
            + (leaderHint.isPresent() ? ", the leader is " + leaderHint.getAsInt() : ""));
    this.leaderHint = leaderHint;
  }

  /** The leader's node id if this node knows it. */
  public OptionalInt leaderHint() {
    return leaderHint;
  }
}
