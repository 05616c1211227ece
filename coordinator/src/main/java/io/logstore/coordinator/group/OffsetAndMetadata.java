package io.logstore.coordinator.group;

/**
 * A committed offset.
 *
 * @param offset the next offset to consume
 * @param leaderEpoch the leader epoch of the last consumed record, -1 if unknown
 * @param metadata the client's metadata string (never null; empty when the client sent none)
 * @param commitTimestampMs when the coordinator accepted the commit
 */
public record OffsetAndMetadata(
    long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
  public OffsetAndMetadata {
    metadata = metadata == null ? "" : metadata;
  }
}
