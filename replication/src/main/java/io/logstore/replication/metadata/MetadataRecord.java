package io.logstore.replication.metadata;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One change to the cluster metadata, as committed to the replicated metadata log. The controller
 * (the Raft leader) is the only writer; every broker applies the committed records in log order to
 * its {@link MetadataImage}. Records carry whole states, not deltas, so applying one is idempotent.
 * The binary form is documented in docs/replication.md ("Metadata records").
 */
public sealed interface MetadataRecord {

  /** A broker registered (or re-registered after a restart, with a new epoch) or changed state. */
  record BrokerRecord(int brokerId, long brokerEpoch, String host, int port, BrokerState state)
      implements MetadataRecord {
    public BrokerRecord {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(state, "state");
    }
  }

  /** A topic was created. Its partitions follow as {@link PartitionRecord}s. */
  record TopicRecord(String name, UUID topicId) implements MetadataRecord {
    public TopicRecord {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(topicId, "topicId");
    }
  }

  /**
   * The whole state of one partition: assignment, ISR, leader (-1 when none), leader epoch (bumped
   * on every leader change) and partition epoch (bumped on every change, the AlterPartition fence).
   */
  record PartitionRecord(
      UUID topicId,
      int partition,
      List<Integer> replicas,
      List<Integer> isr,
      int leader,
      int leaderEpoch,
      int partitionEpoch)
      implements MetadataRecord {
    public PartitionRecord {
      Objects.requireNonNull(topicId, "topicId");
      replicas = List.copyOf(replicas);
      isr = List.copyOf(isr);
    }

    /** This partition with a new leader and ISR, both epochs bumped. */
    public PartitionRecord withLeader(int newLeader, List<Integer> newIsr) {
      return new PartitionRecord(
          topicId, partition, replicas, newIsr, newLeader, leaderEpoch + 1, partitionEpoch + 1);
    }

    /** This partition with a new ISR, same leader and leader epoch, partition epoch bumped. */
    public PartitionRecord withIsr(List<Integer> newIsr) {
      return new PartitionRecord(
          topicId, partition, replicas, newIsr, leader, leaderEpoch, partitionEpoch + 1);
    }

    /** This partition with new replicas and ISR, same leader and epoch, partition epoch bumped. */
    public PartitionRecord withReplicas(List<Integer> newReplicas, List<Integer> newIsr) {
      return new PartitionRecord(
          topicId, partition, newReplicas, newIsr, leader, leaderEpoch, partitionEpoch + 1);
    }
  }

  /**
   * A partition's reassignment (AlterPartitionReassignments) in progress: the replicas being added
   * and those to remove once the added ones are in the ISR; both empty: none in progress (it
   * completed or was cancelled). While it runs the partition's replicas are the target replicas
   * followed by the ones being removed.
   */
  record ReassignmentRecord(
      UUID topicId, int partition, List<Integer> adding, List<Integer> removing)
      implements MetadataRecord {
    public ReassignmentRecord {
      Objects.requireNonNull(topicId, "topicId");
      adding = List.copyOf(adding);
      removing = List.copyOf(removing);
    }

    /** Whether this record ends the partition's reassignment. */
    public boolean none() {
      return adding.isEmpty() && removing.isEmpty();
    }
  }

  /** A topic and all its partitions were deleted. */
  record RemoveTopicRecord(UUID topicId) implements MetadataRecord {
    public RemoveTopicRecord {
      Objects.requireNonNull(topicId, "topicId");
    }
  }

  /**
   * A topic config was set ({@code value} non-null) or removed ({@code value} null). {@code
   * topicName} is the resource name as Kafka's DescribeConfigs knows it.
   */
  record TopicConfigRecord(String topicName, String key, String value) implements MetadataRecord {
    public TopicConfigRecord {
      Objects.requireNonNull(topicName, "topicName");
      Objects.requireNonNull(key, "key");
    }
  }
}
