package io.logstore.storage;

/**
 * Answer to OffsetsForLeaderEpoch: the largest epoch {@code <=} the requested one and the offset
 * where it ended. {@code (-1, -1)} means unknown.
 */
public record EpochEndOffset(int epoch, long endOffset) {
  /** The answer for an epoch the cache cannot place. */
  public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);
}
