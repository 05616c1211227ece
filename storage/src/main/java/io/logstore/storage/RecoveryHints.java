package io.logstore.storage;

import java.util.OptionalLong;

/**
 * What the data root's checkpoints say about one partition when it is loaded.
 *
 * @param cleanShutdown a valid clean-shutdown marker was found: trust the files
 * @param recoveryPoint offsets below it were fsynced; empty = validate everything
 * @param logStartOffset checkpointed log start offset, if any
 * @param highWatermark checkpointed high watermark, if any
 */
record RecoveryHints(
    boolean cleanShutdown,
    OptionalLong recoveryPoint,
    OptionalLong logStartOffset,
    OptionalLong highWatermark) {}
