package io.logstore.broker.handler;

import java.util.Optional;
import org.apache.kafka.common.message.FetchResponseData;

/**
 * KIP-951: where a client that sent to the wrong broker should go. Produce and Fetch answers with
 * NOT_LEADER_OR_FOLLOWER carry the partition's current leader and epoch, and the leader's endpoint,
 * so clients move on without a Metadata round trip. A single broker has no hints.
 */
public interface LeaderHints {

  /** A partition's leader as the metadata knows it. */
  record Leader(int id, int epoch, String host, int port) {}

  LeaderHints NONE = (topic, partition) -> Optional.empty();

  /** The current leader of {@code topic}-{@code partition}, when there is one. */
  Optional<Leader> leader(String topic, int partition);

  /** Sets the fetch partition's current-leader field, when known. */
  default void fill(String topic, int partition, FetchResponseData.PartitionData data) {
    leader(topic, partition)
        .ifPresent(l -> data.currentLeader().setLeaderId(l.id()).setLeaderEpoch(l.epoch()));
  }
}
