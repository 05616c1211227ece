package io.logstore.replication.metadata.ratis;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How one node of the metadata quorum runs.
 *
 * @param nodeId this node's id; a key of {@code voters}
 * @param voters every voter's id and Raft address (gRPC), this node included
 * @param storageDir where Ratis keeps the log and the state machine's snapshots, e.g. {@code
 *     <data>/__metadata}; Ratis adds a directory named after the group id under it
 * @param clusterId the cluster's id; the Raft group id is derived from it, so nodes of another
 *     cluster that reach this one are rejected by Ratis
 * @param electionTimeoutMin lower bound of the randomised election timeout
 * @param electionTimeoutMax upper bound of the randomised election timeout
 * @param requestTimeout how long a Raft RPC or a client request may take before it is retried
 * @param snapshotThresholdEntries take a snapshot after this many log entries since the last one
 * @param maxEntryBytes the largest encoded batch {@code submit} accepts
 * @param listenerQueueCapacity images queued for listeners before the apply thread waits for them
 */
public record RatisMetadataConfig(
    int nodeId,
    Map<Integer, InetSocketAddress> voters,
    Path storageDir,
    String clusterId,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    long snapshotThresholdEntries,
    int maxEntryBytes,
    int listenerQueueCapacity) {

  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
  public static final long DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES = 10_000;
  public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;
  public static final int DEFAULT_LISTENER_QUEUE_CAPACITY = 1024;

  public RatisMetadataConfig {
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(clusterId, "clusterId");
    voters = Map.copyOf(new TreeMap<>(voters));
    if (!voters.containsKey(nodeId)) {
      throw new IllegalArgumentException("node " + nodeId + " is not among voters " + voters);
    }
    if (electionTimeoutMin.isNegative()
        || electionTimeoutMin.isZero()
        || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      throw new IllegalArgumentException(
          "need 0 < electionTimeoutMin < electionTimeoutMax, got "
              + electionTimeoutMin
              + " and "
              + electionTimeoutMax);
    }
    if (snapshotThresholdEntries < 1 || maxEntryBytes < 1 || listenerQueueCapacity < 1) {
      throw new IllegalArgumentException(
          "snapshotThresholdEntries, maxEntryBytes and listenerQueueCapacity must be positive");
    }
  }

  /** A config with the default timeouts and limits. */
  public static RatisMetadataConfig of(
      int nodeId, Map<Integer, InetSocketAddress> voters, Path storageDir, String clusterId) {
    return new RatisMetadataConfig(
        nodeId,
        voters,
        storageDir,
        clusterId,
        DEFAULT_ELECTION_TIMEOUT_MIN,
        DEFAULT_ELECTION_TIMEOUT_MAX,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
        DEFAULT_MAX_ENTRY_BYTES,
        DEFAULT_LISTENER_QUEUE_CAPACITY);
  }

  /** This config with another snapshot threshold. */
  public RatisMetadataConfig withSnapshotThresholdEntries(long entries) {
    return new RatisMetadataConfig(
        nodeId,
        voters,
        storageDir,
        clusterId,
        electionTimeoutMin,
        electionTimeoutMax,
        requestTimeout,
        entries,
        maxEntryBytes,
        listenerQueueCapacity);
  }

  /** This node's own Raft address. */
  public InetSocketAddress address() {
    return voters.get(nodeId);
  }
}
