package io.logstore.storage;

/**
 * What the partition knows of one idempotent producer, as of its last appended batch.
 *
 * @param lastSequence last sequence number of the last batch, -1 if none is cached
 * @param lastOffset last offset of the last batch, -1 if none is cached
 * @param lastTimestamp max timestamp of the last batch, -1 if none is cached
 */
public record ProducerStateEntry(
    long producerId, short epoch, int lastSequence, long lastOffset, long lastTimestamp) {}
