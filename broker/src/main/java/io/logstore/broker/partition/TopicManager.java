package io.logstore.broker.partition;

import io.logstore.storage.LogConfig;
import io.logstore.storage.LogManager;
import io.logstore.storage.PartitionId;
import io.logstore.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics this broker hosts, by name and by id. On a single broker the partition directories are
 * the source of truth: each holds its topic id ({@code partition.metadata}), so the registry is
 * rebuilt from the logs at startup.
 *
 * <p>Threading: lookups are lock-free from any thread; creation is serialised on this object.
 */
public final class TopicManager {
  private static final Logger log = LoggerFactory.getLogger(TopicManager.class);

  /** A single broker leads every partition at epoch 0 (Kafka's first epoch). */
  static final int LEADER_EPOCH = 0;

  private final LogManager logs;
  private final LogConfig defaultLogConfig;
  private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
  private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();

  public TopicManager(LogManager logs, LogConfig defaultLogConfig) {
    this.logs = logs;
    this.defaultLogConfig = defaultLogConfig;
    loadExisting();
  }

  private void loadExisting() {
    Map<String, TreeMap<Integer, PartitionLog>> grouped = new TreeMap<>();
    for (Map.Entry<PartitionId, PartitionLog> entry : logs.logs().entrySet()) {
      grouped
          .computeIfAbsent(entry.getKey().topic(), t -> new TreeMap<>())
          .put(entry.getKey().partition(), entry.getValue());
    }
    for (Map.Entry<String, TreeMap<Integer, PartitionLog>> topic : grouped.entrySet()) {
      TreeMap<Integer, PartitionLog> partitionLogs = topic.getValue();
      UUID id = partitionLogs.firstEntry().getValue().topicId();
      int count = partitionLogs.lastKey() + 1;
      if (partitionLogs.size() != count) {
        throw new IllegalStateException(
            "topic " + topic.getKey() + " has partition directories " + partitionLogs.keySet());
      }
      List<Partition> partitions = new ArrayList<>();
      for (PartitionLog partitionLog : partitionLogs.values()) {
        if (!partitionLog.topicId().equals(id)) {
          throw new IllegalStateException(
              "partitions of "
                  + topic.getKey()
                  + " disagree on the topic id: "
                  + id
                  + " vs "
                  + partitionLog.topicId());
        }
        partitions.add(wrap(topic.getKey(), toKafka(id), partitionLog));
      }
      register(new TopicInfo(topic.getKey(), toKafka(id), partitions));
    }
    log.info("Loaded {} topics", byName.size());
  }

  private static Partition wrap(String topic, Uuid id, PartitionLog partitionLog) {
    return new Partition(topic, id, partitionLog.id().partition(), partitionLog, LEADER_EPOCH);
  }

  private void register(TopicInfo topic) {
    byName.put(topic.name(), topic);
    byId.put(topic.topicId(), topic);
  }

  public Optional<TopicInfo> topic(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Optional<TopicInfo> topic(Uuid id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<Partition> partition(String topic, int partition) {
    TopicInfo info = byName.get(topic);
    if (info == null || partition < 0 || partition >= info.partitions().size()) {
      return Optional.empty();
    }
    return Optional.of(info.partitions().get(partition));
  }

  public Collection<TopicInfo> topics() {
    return byName.values();
  }

  /**
   * Creates {@code name} with {@code partitionCount} partitions, or returns the existing topic. The
   * caller has validated the name.
   */
  public synchronized TopicInfo createTopic(String name, int partitionCount) {
    TopicInfo existing = byName.get(name);
    if (existing != null) {
      return existing;
    }
    Uuid id = Uuid.randomUuid();
    List<Partition> partitions = new ArrayList<>();
    try {
      for (int p = 0; p < partitionCount; p++) {
        PartitionLog partitionLog =
            logs.createLog(new PartitionId(name, p), toJava(id), defaultLogConfig);
        partitions.add(wrap(name, id, partitionLog));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create topic " + name, e);
    }
    TopicInfo topic = new TopicInfo(name, id, partitions);
    register(topic);
    log.info("Created topic {} topicId={} partitions={}", name, id, partitionCount);
    return topic;
  }

  static UUID toJava(Uuid id) {
    return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  static Uuid toKafka(UUID id) {
    return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }
}
