package io.logstore.broker.partition;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * A topic: its name, its id (stable for its whole life), its partition count and the partitions
 * this broker holds a replica of, in index order. On a single broker it holds them all; in a
 * cluster only the assigned ones.
 */
public record TopicInfo(String name, Uuid topicId, int partitionCount, List<Partition> partitions) {
  public TopicInfo {
    partitions = List.copyOf(partitions);
  }

  /** A single broker's topic: every partition is local. */
  public TopicInfo(String name, Uuid topicId, List<Partition> partitions) {
    this(name, topicId, partitions.size(), partitions);
  }

  /** The local replica of partition {@code index}, if this broker holds one. */
  public Optional<Partition> partition(int index) {
    if (index < 0 || index >= partitionCount) {
      return Optional.empty();
    }
    if (partitions.size() == partitionCount) {
      return Optional.of(partitions.get(index));
    }
    for (Partition p : partitions) {
      if (p.index() == index) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code index} names a partition of the topic (local or not). */
  public boolean hasPartition(int index) {
    return index >= 0 && index < partitionCount;
  }
}
