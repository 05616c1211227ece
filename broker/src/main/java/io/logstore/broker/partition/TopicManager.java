package io.logstore.broker.partition;

import io.logstore.broker.topic.ConfigResolver;
import io.logstore.broker.topic.TopicConfigDefinition;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.storage.LogConfig;
import io.logstore.storage.LogManager;
import io.logstore.storage.PartitionId;
import io.logstore.storage.PartitionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics this broker hosts, by name and by id, with their config overrides. The metadata image
 * is the source of truth ({@link #applyImage}), on a single broker (a cluster of one) as in a
 * cluster; logs found at start-up wait for the image to claim them. Topics are created and deleted
 * through the controller ({@link TopicController}), never here.
 *
 * <p>Threading: lookups are lock-free from any thread; changes (images, broker config changes) are
 * serialised on this object.
 */
public final class TopicManager {
  private static final Logger log = LoggerFactory.getLogger(TopicManager.class);

  private final LogManager logs;
  private final java.nio.file.Path dataDir;
  private final ConfigResolver resolver;
  private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
  private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> overrides = new ConcurrentHashMap<>();

  /** This broker's id. */
  private final int localBrokerId;

  private final long replicaLagTimeMaxMs;

  /** Logs found at start-up, waiting for the metadata to claim them. */
  private final Map<PartitionId, PartitionLog> unclaimed = new ConcurrentHashMap<>();

  /** Broker {@code localBrokerId}'s topics, empty until the first image is applied. */
  public TopicManager(
      LogManager logs,
      ConfigResolver resolver,
      java.nio.file.Path dataDir,
      int localBrokerId,
      long replicaLagTimeMaxMs) {
    this.logs = logs;
    this.dataDir = dataDir;
    this.resolver = resolver;
    this.localBrokerId = localBrokerId;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    unclaimed.putAll(logs.logs());
    log.info("Found {} partition logs; waiting for the cluster metadata", unclaimed.size());
  }

  /** This broker's id. */
  public int localBrokerId() {
    return localBrokerId;
  }

  /** A partition's role change made by {@link #applyImage}. */
  public record RoleChange(
      Partition partition, PartitionReplica.Transition transition, PartitionRecord state) {}

  /**
   * Makes the local topics follow {@code image} (called on the replica manager thread): creates the
   * logs of partitions assigned to this broker, deletes topics the image no longer has (and logs of
   * partitions no longer assigned), applies topic configs, and applies each local partition's
   * state. Returns the role changes.
   */
  public synchronized List<RoleChange> applyImage(MetadataImage image, long nowMs)
      throws IOException {
    List<RoleChange> changes = new ArrayList<>();
    Map<Uuid, TopicInfo> keep = new java.util.HashMap<>();
    for (MetadataImage.TopicImage t : image.topicsById().values()) {
      Uuid id = toKafka(t.topicId());
      TopicInfo current = byId.get(id);
      TopicInfo sameName = byName.get(t.name());
      if (sameName != null && !sameName.topicId().equals(id)) {
        dropTopic(sameName); // an older topic of the same name was deleted and re-created
      }
      Map<String, String> topicOverrides = Map.copyOf(t.configs());
      LogConfig config = resolver.logConfig(topicOverrides);
      List<Partition> local = new ArrayList<>();
      for (PartitionRecord p : t.partitions().values()) {
        Partition existing = current == null ? null : current.partition(p.partition()).orElse(null);
        if (!p.replicas().contains(localBrokerId)) {
          if (existing != null) {
            existing.markDeleted();
            logs.deleteLog(new PartitionId(t.name(), p.partition()));
          }
          continue;
        }
        if (existing == null) {
          PartitionId pid = new PartitionId(t.name(), p.partition());
          PartitionLog partitionLog = unclaimed.remove(pid);
          if (partitionLog != null && !partitionLog.topicId().equals(t.topicId())) {
            logs.deleteLog(pid);
            partitionLog = null;
          }
          if (partitionLog == null) {
            partitionLog = logs.createLog(pid, t.topicId(), config);
          }
          existing =
              new Partition(
                  t.name(), id, p.partition(), partitionLog, localBrokerId, replicaLagTimeMaxMs);
        }
        local.add(existing);
      }
      TopicInfo info = new TopicInfo(t.name(), id, t.partitions().size(), local);
      boolean configChanged = !topicOverrides.equals(overrides.get(t.name()));
      overrides.put(t.name(), topicOverrides);
      if (configChanged || current == null || current.partitions().size() != local.size()) {
        applyConfig(info);
      }
      for (Partition partition : local) {
        PartitionRecord state = t.partitions().get(partition.index());
        PartitionReplica.Transition tr = partition.applyState(state, nowMs);
        changes.add(new RoleChange(partition, tr, state));
      }
      // Visible to lookups only now: a new partition is never found without its role.
      register(info);
      keep.put(id, info);
    }
    for (TopicInfo gone : List.copyOf(byId.values())) {
      if (!keep.containsKey(gone.topicId())) {
        dropTopic(gone);
      }
    }
    for (PartitionId orphan : List.copyOf(unclaimed.keySet())) {
      if (image.topic(orphan.topic()).isEmpty()) {
        unclaimed.remove(orphan);
        logs.deleteLog(orphan);
        log.info("Deleted the log of {}: its topic is not in the cluster metadata", orphan);
      }
    }
    return changes;
  }

  private void dropTopic(TopicInfo topic) throws IOException {
    byName.remove(topic.name(), topic);
    byId.remove(topic.topicId(), topic);
    overrides.remove(topic.name());
    for (Partition partition : topic.partitions()) {
      partition.markDeleted();
      logs.deleteLog(new PartitionId(topic.name(), partition.index()));
    }
    log.info("Deleted topic {} topicId={}", topic.name(), topic.topicId());
  }

  /** Every local partition (for the ISR timer and shutdown). */
  public List<Partition> localPartitions() {
    List<Partition> all = new ArrayList<>();
    for (TopicInfo t : byName.values()) {
      all.addAll(t.partitions());
    }
    return all;
  }

  private void register(TopicInfo topic) {
    byName.put(topic.name(), topic);
    byId.put(topic.topicId(), topic);
  }

  public Optional<TopicInfo> topic(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
  }

  public Optional<TopicInfo> topic(Uuid id) {
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  public Optional<Partition> partition(String topic, int partition) {
    TopicInfo info = topic == null ? null : byName.get(topic);
    return info == null ? Optional.empty() : info.partition(partition);
  }

  public Collection<TopicInfo> topics() {
    return byName.values();
  }

  public ConfigResolver configResolver() {
    return resolver;
  }

  /** A topic's config overrides (empty when it has none or does not exist). */
  public Map<String, String> overrides(String topic) {
    return overrides.getOrDefault(topic, Map.of());
  }

  /** Re-applies effective configs to every log, after a dynamic broker config change. */
  public synchronized void reapplyConfigs() {
    byName.values().forEach(this::applyConfig);
  }

  private void applyConfig(TopicInfo topic) {
    Map<String, String> topicOverrides = overrides(topic.name());
    LogConfig config = resolver.logConfig(topicOverrides);
    ProducePolicy policy = producePolicy(topicOverrides);
    for (Partition partition : topic.partitions()) {
      partition.log().updateConfig(config);
      partition.setProducePolicy(policy);
    }
  }

  private ProducePolicy producePolicy(Map<String, String> topicOverrides) {
    String compression =
        resolver.topicValue(topicOverrides, TopicConfigDefinition.COMPRESSION_TYPE);
    String cleanup = resolver.topicValue(topicOverrides, TopicConfigDefinition.CLEANUP_POLICY);
    String minIsr = resolver.topicValue(topicOverrides, TopicConfigDefinition.MIN_INSYNC_REPLICAS);
    return new ProducePolicy(
        compression,
        cleanup != null && cleanup.contains("compact"),
        minIsr == null ? 1 : Integer.parseInt(minIsr));
  }

  /** Makes log start offsets and other checkpoints durable now (after DeleteRecords). */
  public void checkpoint() throws IOException {
    logs.checkpointAll();
  }

  /** The data directory of the logs. */
  public java.nio.file.Path dataDir() {
    return dataDir;
  }

  static UUID toJava(Uuid id) {
    return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  static Uuid toKafka(UUID id) {
    return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }
}
