package io.logstore.broker.partition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Topic creation, deletion, growth and config changes through the controller: the broker commits a
 * command to the metadata quorum and the change appears locally once the replica manager applied
 * the image holding it ({@link TopicManager#applyImage}). The same on a single broker (a quorum of
 * one) and in a cluster. Blocking: called off the event loops.
 */
public interface TopicController {
  /** Brokers that can hold replicas now. */
  int activeBrokers();

  /** Every registered broker's id (ACTIVE or not). */
  Set<Integer> registeredBrokers();

  /** The number of replicas of the topic's partition 0 (0 when unknown). */
  int replicationFactor(String topic);

  /**
   * Creates the topic through the controller and returns it once it is registered here; throws
   * Kafka's ApiException for the controller's refusal. {@code assignments}, when not empty, are
   * each partition's replicas as the request gave them.
   */
  TopicInfo create(
      String name,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      List<List<Integer>> assignments);

  /** Deletes the topic through the controller; returns once committed. */
  void delete(TopicInfo topic);

  /**
   * Grows the topic through the controller ({@code assignments}, when not empty: the new
   * partitions' replicas); returns it once registered here.
   */
  TopicInfo addPartitions(TopicInfo topic, int newCount, List<List<Integer>> assignments);

  /** Replaces the topic's overrides through the controller; returns once applied here. */
  void replaceOverrides(String topic, Map<String, String> overrides);
}
