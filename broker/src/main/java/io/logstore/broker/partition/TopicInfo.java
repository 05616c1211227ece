package io.logstore.broker.partition;

import java.util.List;
import org.apache.kafka.common.Uuid;

/** A topic: its name, its id (stable for its whole life) and its partitions, by index. */
public record TopicInfo(String name, Uuid topicId, List<Partition> partitions) {
  public TopicInfo {
    partitions = List.copyOf(partitions);
  }
}
