package io.logstore.replication.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A request to the controller, committed to the metadata log as it is and decided when it is
 * applied: every voter runs the same {@code ControllerLogic} against the same image at the same log
 * position, so a decision can never be based on a stale image (a new Raft leader that has not yet
 * applied its predecessor's entries decides nothing by itself). The decision's records are applied
 * right after; the submitter gets the {@link CommandOutcome}.
 */
public sealed interface ControllerCommand {

  /** A broker process started (new {@code brokerEpoch}), or a fenced one is heard from again. */
  record RegisterBroker(int brokerId, long brokerEpoch, String host, int port)
      implements ControllerCommand {
    public RegisterBroker {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * The controller stopped hearing from {@code brokerId} for the session timeout; ignored unless
   * that registration ({@code brokerEpoch}) is still the current one and ACTIVE.
   */
  record FenceBroker(int brokerId, long brokerEpoch) implements ControllerCommand {}

  /** The broker wants to stop: move its leaderships away first. */
  record ControlledShutdown(int brokerId, long brokerEpoch) implements ControllerCommand {}

  /** A partition leader's ISR change (Kafka's AlterPartition). */
  record AlterPartition(
      int brokerId,
      UUID topicId,
      int partition,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr)
      implements ControllerCommand {
    public AlterPartition {
      Objects.requireNonNull(topicId, "topicId");
      newIsr = List.copyOf(newIsr);
    }
  }

  /**
   * CreateTopics for one topic, with the configs set on it at creation and, when not empty, the
   * replicas of each partition as the request assigned them (then {@code partitions} and {@code
   * replicationFactor} follow from them).
   */
  record CreateTopic(
      String name,
      UUID topicId,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      List<List<Integer>> assignments)
      implements ControllerCommand {
    public CreateTopic {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(topicId, "topicId");
      configs = Collections.unmodifiableMap(new TreeMap<>(configs));
      assignments = assignments.stream().map(List::copyOf).toList();
    }

    public CreateTopic(
        String name,
        UUID topicId,
        int partitions,
        int replicationFactor,
        Map<String, String> configs) {
      this(name, topicId, partitions, replicationFactor, configs, List.of());
    }

    public CreateTopic(String name, UUID topicId, int partitions, int replicationFactor) {
      this(name, topicId, partitions, replicationFactor, Map.of());
    }
  }

  record DeleteTopic(UUID topicId) implements ControllerCommand {
    public DeleteTopic {
      Objects.requireNonNull(topicId, "topicId");
    }
  }

  /**
   * CreatePartitions: grows the topic to {@code newCount} partitions; {@code assignments}, when not
   * empty, are the new partitions' replicas as the request assigned them.
   */
  record CreatePartitions(UUID topicId, int newCount, List<List<Integer>> assignments)
      implements ControllerCommand {
    public CreatePartitions {
      Objects.requireNonNull(topicId, "topicId");
      assignments = assignments.stream().map(List::copyOf).toList();
    }

    public CreatePartitions(UUID topicId, int newCount) {
      this(topicId, newCount, List.of());
    }
  }

  /**
   * AlterConfigs / IncrementalAlterConfigs of a topic: {@code configs} is the whole new set of
   * overrides (validated by the broker); the controller commits the differences.
   */
  record AlterTopicConfigs(String topicName, Map<String, String> configs)
      implements ControllerCommand {
    public AlterTopicConfigs {
      Objects.requireNonNull(topicName, "topicName");
      configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }
  }

  /** ElectLeaders, PREFERRED, for one partition. */
  record ElectPreferredLeader(UUID topicId, int partition) implements ControllerCommand {
    public ElectPreferredLeader {
      Objects.requireNonNull(topicId, "topicId");
    }
  }

  /**
   * ElectLeaders, UNCLEAN, for one partition without a leader: an ACTIVE ISR member if there is
   * one, else any ACTIVE replica with an ISR of itself (whatever {@code
   * unclean.leader.election.enable} says: an operator asked for it).
   */
  record ElectUncleanLeader(UUID topicId, int partition) implements ControllerCommand {
    public ElectUncleanLeader {
      Objects.requireNonNull(topicId, "topicId");
    }
  }

  /**
   * Automatic leader balancing ({@code auto.leader.rebalance.enable}): every partition whose
   * preferred replica is ACTIVE and in the ISR but does not lead gets it as leader, up to a bound
   * per command.
   */
  record BalanceLeaders() implements ControllerCommand {}

  /**
   * AlterPartitionReassignments for one partition: move it to {@code targetReplicas} (the first
   * becomes the preferred leader), or cancel the reassignment in progress when empty.
   */
  record AlterReassignment(UUID topicId, int partition, List<Integer> targetReplicas)
      implements ControllerCommand {
    public AlterReassignment {
      Objects.requireNonNull(topicId, "topicId");
      targetReplicas = List.copyOf(targetReplicas);
    }
  }
}
