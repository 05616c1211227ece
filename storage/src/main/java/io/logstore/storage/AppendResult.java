package io.logstore.storage;

/**
 * The outcome of an append.
 *
 * @param firstOffset base offset of the first batch appended (or of the original duplicate)
 * @param lastOffset last offset of the last batch appended (or of the original duplicate)
 * @param logAppendTimeMs the append time written into the batches, {@code -1} for CREATE_TIME
 * @param logStartOffset the log start offset after the append
 * @param duplicate true if the batch was an idempotent-producer retry and nothing was appended
 * @param recordCount number of records appended (or in the duplicate batch)
 */
public record AppendResult(
    long firstOffset,
    long lastOffset,
    long logAppendTimeMs,
    long logStartOffset,
    boolean duplicate,
    int recordCount) {}
