package io.logstore.replication.metadata;

import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.ReassignmentRecord;
import io.logstore.replication.metadata.MetadataRecord.RemoveTopicRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicConfigRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable view of the cluster metadata after the records up to {@link #offset()} were applied.
 * {@link #apply} returns a new image and leaves this one untouched, so readers on any thread share
 * an image without locks; the owner publishes a new one through a volatile reference.
 */
public final class MetadataImage {

  /**
   * One topic: its name, id, partitions (by index), configs set on it and the reassignments in
   * progress (by partition index).
   */
  public record TopicImage(
      String name,
      UUID topicId,
      Map<Integer, PartitionRecord> partitions,
      Map<String, String> configs,
      Map<Integer, ReassignmentRecord> reassignments) {
    public TopicImage {
      partitions = Collections.unmodifiableMap(new TreeMap<>(partitions));
      configs = Collections.unmodifiableMap(new TreeMap<>(configs));
      reassignments = Collections.unmodifiableMap(new TreeMap<>(reassignments));
    }

    public TopicImage(
        String name,
        UUID topicId,
        Map<Integer, PartitionRecord> partitions,
        Map<String, String> configs) {
      this(name, topicId, partitions, configs, Map.of());
    }
  }

  public static final MetadataImage EMPTY =
      new MetadataImage(-1, Map.of(), Map.of(), Map.of(), Map.of());

  private final long offset;
  private final Map<Integer, BrokerRecord> brokers;
  private final Map<UUID, TopicImage> topicsById;
  private final Map<String, UUID> topicIdsByName;

  /** Configs set before (or without) the topic: kept by name so a create can pick them up. */
  private final Map<String, Map<String, String>> configsByTopicName;

  private MetadataImage(
      long offset,
      Map<Integer, BrokerRecord> brokers,
      Map<UUID, TopicImage> topicsById,
      Map<String, UUID> topicIdsByName,
      Map<String, Map<String, String>> configsByTopicName) {
    this.offset = offset;
    this.brokers = brokers;
    this.topicsById = topicsById;
    this.topicIdsByName = topicIdsByName;
    this.configsByTopicName = configsByTopicName;
  }

  /**
   * Rebuilds an image from its parts, as {@link MetadataRecordSerde} decodes a snapshot. The maps
   * are copied; they must be consistent with each other (every id in {@code topicIdsByName} is a
   * key of {@code topicsById}).
   */
  static MetadataImage restore(
      long offset,
      Map<Integer, BrokerRecord> brokers,
      Map<UUID, TopicImage> topicsById,
      Map<String, UUID> topicIdsByName,
      Map<String, Map<String, String>> configsByTopicName) {
    Map<String, Map<String, String>> configs = new HashMap<>();
    configsByTopicName.forEach((name, c) -> configs.put(name, Map.copyOf(c)));
    return new MetadataImage(
        offset,
        new HashMap<>(brokers),
        new HashMap<>(topicsById),
        new HashMap<>(topicIdsByName),
        configs);
  }

  /** The metadata log offset (Raft index) of the last record applied, -1 for none. */
  public long offset() {
    return offset;
  }

  public Map<Integer, BrokerRecord> brokers() {
    return Collections.unmodifiableMap(brokers);
  }

  public Optional<BrokerRecord> broker(int brokerId) {
    return Optional.ofNullable(brokers.get(brokerId));
  }

  /**
   * Whether this image holds broker {@code brokerId}'s registration with {@code brokerEpoch}. A
   * broker acts on no image before the first one that does: an older image may still name it leader
   * at an epoch from before its restart, which the controller moves to a new epoch when it
   * registers again; a restarted leader that acted on it would lead the old epoch with a log that
   * lost its unsynced tail (found by the simulation, seed 7251). The broker's replica manager and
   * the simulation's brokers both apply this rule.
   */
  public boolean holdsRegistration(int brokerId, long brokerEpoch) {
    BrokerRecord b = brokers.get(brokerId);
    return b != null && b.brokerEpoch() == brokerEpoch;
  }

  public Map<UUID, TopicImage> topicsById() {
    return Collections.unmodifiableMap(topicsById);
  }

  public Optional<TopicImage> topic(String name) {
    UUID id = topicIdsByName.get(name);
    return id == null ? Optional.empty() : Optional.ofNullable(topicsById.get(id));
  }

  public Optional<TopicImage> topic(UUID topicId) {
    return Optional.ofNullable(topicsById.get(topicId));
  }

  public Optional<PartitionRecord> partition(UUID topicId, int partition) {
    TopicImage t = topicsById.get(topicId);
    return t == null ? Optional.empty() : Optional.ofNullable(t.partitions().get(partition));
  }

  /** The partition's reassignment in progress, if any. */
  public Optional<ReassignmentRecord> reassignment(UUID topicId, int partition) {
    TopicImage t = topicsById.get(topicId);
    return t == null ? Optional.empty() : Optional.ofNullable(t.reassignments().get(partition));
  }

  /** Topic ids by name; package-private, for the snapshot encoding. */
  Map<String, UUID> topicIdsByName() {
    return Collections.unmodifiableMap(topicIdsByName);
  }

  /** Configs by topic name, including topics that do not exist (yet); for the snapshot encoding. */
  Map<String, Map<String, String>> configsByTopicName() {
    return Collections.unmodifiableMap(configsByTopicName);
  }

  /** This image with {@code record} (committed at {@code recordOffset}) applied. */
  public MetadataImage apply(long recordOffset, MetadataRecord record) {
    Map<Integer, BrokerRecord> b = brokers;
    Map<UUID, TopicImage> t = topicsById;
    Map<String, UUID> n = topicIdsByName;
    Map<String, Map<String, String>> c = configsByTopicName;
    if (record instanceof BrokerRecord r) {
      b = new HashMap<>(brokers);
      b.put(r.brokerId(), r);
    } else if (record instanceof TopicRecord r) {
      t = new HashMap<>(topicsById);
      n = new HashMap<>(topicIdsByName);
      t.put(
          r.topicId(),
          new TopicImage(r.name(), r.topicId(), Map.of(), c.getOrDefault(r.name(), Map.of())));
      n.put(r.name(), r.topicId());
    } else if (record instanceof PartitionRecord r) {
      TopicImage topic = topicsById.get(r.topicId());
      if (topic != null) {
        Map<Integer, PartitionRecord> parts = new HashMap<>(topic.partitions());
        parts.put(r.partition(), r);
        t = new HashMap<>(topicsById);
        t.put(
            r.topicId(),
            new TopicImage(
                topic.name(), r.topicId(), parts, topic.configs(), topic.reassignments()));
      }
    } else if (record instanceof ReassignmentRecord r) {
      TopicImage topic = topicsById.get(r.topicId());
      if (topic != null) {
        Map<Integer, ReassignmentRecord> running = new HashMap<>(topic.reassignments());
        if (r.none()) {
          running.remove(r.partition());
        } else {
          running.put(r.partition(), r);
        }
        t = new HashMap<>(topicsById);
        t.put(
            r.topicId(),
            new TopicImage(
                topic.name(), r.topicId(), topic.partitions(), topic.configs(), running));
      }
    } else if (record instanceof RemoveTopicRecord r) {
      TopicImage topic = topicsById.get(r.topicId());
      if (topic != null) {
        t = new HashMap<>(topicsById);
        n = new HashMap<>(topicIdsByName);
        c = new HashMap<>(configsByTopicName);
        t.remove(r.topicId());
        n.remove(topic.name());
        c.remove(topic.name());
      }
    } else if (record instanceof TopicConfigRecord r) {
      c = new HashMap<>(configsByTopicName);
      Map<String, String> configs = new HashMap<>(c.getOrDefault(r.topicName(), Map.of()));
      if (r.value() == null) {
        configs.remove(r.key());
      } else {
        configs.put(r.key(), r.value());
      }
      c.put(r.topicName(), Map.copyOf(configs));
      UUID id = topicIdsByName.get(r.topicName());
      if (id != null) {
        TopicImage topic = topicsById.get(id);
        t = new HashMap<>(topicsById);
        t.put(
            id,
            new TopicImage(topic.name(), id, topic.partitions(), configs, topic.reassignments()));
      }
    }
    return new MetadataImage(recordOffset, b, t, n, c);
  }

  /** Images are equal when they hold the same metadata at the same offset. */
  @Override
  public boolean equals(Object o) {
    return o instanceof MetadataImage other
        && offset == other.offset
        && brokers.equals(other.brokers)
        && topicsById.equals(other.topicsById)
        && topicIdsByName.equals(other.topicIdsByName)
        && configsByTopicName.equals(other.configsByTopicName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, brokers, topicsById, topicIdsByName, configsByTopicName);
  }

  @Override
  public String toString() {
    return "MetadataImage{offset="
        + offset
        + ", brokers="
        + brokers.keySet()
        + ", topics="
        + topicIdsByName.keySet()
        + "}";
  }
}
