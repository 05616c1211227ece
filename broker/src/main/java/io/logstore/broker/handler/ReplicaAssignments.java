package io.logstore.broker.handler;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Kafka's checks on replicas assigned by hand (CreateTopics assignments, CreatePartitions
 * assignments), in Kafka's order and with its messages (INVALID_REPLICA_ASSIGNMENT). The controller
 * checks them again when it commits the topic.
 */
final class ReplicaAssignments {
  private ReplicaAssignments() {}

  /**
   * The message for the first problem in {@code replicas}, or null: an empty list, a broker that is
   * not registered, a broker twice, a replica count other than {@code expectedCount} (-1: any).
   */
  static String check(List<Integer> replicas, IntPredicate registered, int expectedCount) {
    if (replicas.isEmpty()) {
      return "The manual partition assignment includes an empty replica list.";
    }
    Set<Integer> seen = new HashSet<>();
    for (int broker : replicas) {
      if (!registered.test(broker)) {
        return "The manual partition assignment includes broker "
            + broker
            + ", but no such broker is registered.";
      }
      if (!seen.add(broker)) {
        return "The manual partition assignment includes the broker " + broker + " more than once.";
      }
    }
    if (expectedCount >= 0 && replicas.size() != expectedCount) {
      return "The manual partition assignment includes a partition with "
          + replicas.size()
          + " replica(s), but this is not consistent with previous partitions, which have "
          + expectedCount
          + " replica(s).";
    }
    return null;
  }
}
