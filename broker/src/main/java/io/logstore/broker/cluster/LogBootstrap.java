package io.logstore.broker.cluster;

import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicConfigRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import io.logstore.storage.PartitionId;
import io.logstore.storage.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The metadata records that describe the logs already on a single broker's disk, for a one-voter
 * quorum that has no state yet: each topic (its id from its partition directories, its overrides
 * from the topic config store) with every partition on this broker alone, led here at epoch 0. The
 * controller moves the leaderships to a new epoch when the broker registers, as after any restart.
 */
public final class LogBootstrap {
  private LogBootstrap() {}

  /**
   * Records for {@code logs}; throws {@link IllegalStateException} when a topic's partition
   * directories disagree on its id or leave a gap, as the directory layout cannot be trusted then.
   */
  public static List<MetadataRecord> records(
      Map<PartitionId, PartitionLog> logs, Map<String, Map<String, String>> overrides, int nodeId) {
    Map<String, TreeMap<Integer, PartitionLog>> byTopic = new TreeMap<>();
    logs.forEach(
        (id, log) ->
            byTopic.computeIfAbsent(id.topic(), t -> new TreeMap<>()).put(id.partition(), log));
    List<MetadataRecord> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Integer, PartitionLog>> topic : byTopic.entrySet()) {
      String name = topic.getKey();
      TreeMap<Integer, PartitionLog> partitions = topic.getValue();
      UUID topicId = partitions.firstEntry().getValue().topicId();
      if (partitions.firstKey() != 0 || partitions.lastKey() + 1 != partitions.size()) {
        throw new IllegalStateException(
            "topic " + name + " has partition directories " + partitions.keySet());
      }
      out.add(new TopicRecord(name, topicId));
      new TreeMap<>(overrides.getOrDefault(name, Map.of()))
          .forEach((key, value) -> out.add(new TopicConfigRecord(name, key, value)));
      for (PartitionLog log : partitions.values()) {
        if (!log.topicId().equals(topicId)) {
          throw new IllegalStateException(
              "partitions of "
                  + name
                  + " disagree on the topic id: "
                  + topicId
                  + " vs "
                  + log.topicId());
        }
        out.add(
            new PartitionRecord(
                topicId, log.id().partition(), List.of(nodeId), List.of(nodeId), nodeId, 0, 0));
      }
    }
    return out;
  }
}
