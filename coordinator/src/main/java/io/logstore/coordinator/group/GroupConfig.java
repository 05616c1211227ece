package io.logstore.coordinator.group;

/**
 * The group coordinator's settings (Kafka's names in {@code BrokerConfig}).
 *
 * @param offsetsTopicPartitions partitions of {@code __consumer_offsets}
 * @param initialRebalanceDelayMs how long the first rebalance of an empty group waits for more
 *     members
 * @param minSessionTimeoutMs smallest session timeout a member may ask for
 * @param maxSessionTimeoutMs largest session timeout a member may ask for
 * @param maxGroupSize members per group
 * @param offsetsRetentionMs how long offsets of an empty group are kept
 * @param retentionCheckIntervalMs how often expired offsets are looked for
 * @param offsetMetadataMaxBytes largest metadata string of a committed offset
 * @param newMemberJoinTimeoutMs how long a new member's first join may wait
 */
public record GroupConfig(
    int offsetsTopicPartitions,
    int initialRebalanceDelayMs,
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int maxGroupSize,
    long offsetsRetentionMs,
    long retentionCheckIntervalMs,
    int offsetMetadataMaxBytes,
    int newMemberJoinTimeoutMs) {

  /** Kafka's defaults. */
  public static GroupConfig defaults() {
    return new GroupConfig(
        50, 3000, 6000, 1_800_000, Integer.MAX_VALUE, 7 * 24 * 3_600_000L, 600_000L, 4096, 300_000);
  }
}
