package io.logstore.replication;

import io.logstore.storage.EpochEndOffset;
import java.util.OptionalInt;

/**
 * What replication needs from one partition's log, whoever holds the bytes: the storage module's
 * {@code PartitionLog} in the broker, an in-memory log that loses unsynced writes in the
 * simulation. Moving record bytes (reads for a fetch, appends) stays with the caller; this
 * interface carries the offsets and epochs that decide what moves.
 */
public interface ReplicaLog {

  long logStartOffset();

  /** The offset the next appended record gets. */
  long logEndOffset();

  /**
   * The end of the fsynced prefix: records below it survive a crash. A leader counts only this
   * towards the high watermark, so every acknowledged record is on the disks of the whole ISR.
   */
  long durableEndOffset();

  long highWatermark();

  void updateHighWatermark(long highWatermark);

  OptionalInt latestEpoch();

  /**
   * Kafka's OffsetsForLeaderEpoch answer, with Kafka's semantics: for the latest epoch, (epoch, log
   * end offset); for an older one, (largest known epoch at or below it, start offset of the next
   * higher epoch); for an epoch below every known one, (that epoch, start offset of the first known
   * epoch); {@link EpochEndOffset#UNDEFINED} for an epoch above the latest or when no epoch is
   * known.
   */
  EpochEndOffset endOffsetForEpoch(int epoch);

  /** Records that {@code epoch} starts at {@code startOffset} (a new leader does this first). */
  void assignEpochStartOffset(int epoch, long startOffset);

  /**
   * Removes every record at or above {@code offset} and the epochs that start there, also when
   * {@code offset} is the log end (an epoch assigned there without records goes).
   */
  void truncateTo(long offset);
}
