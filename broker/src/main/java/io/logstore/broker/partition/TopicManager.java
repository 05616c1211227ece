package io.logstore.broker.partition;

import io.logstore.broker.topic.ConfigResolver;
import io.logstore.broker.topic.TopicConfigDefinition;
import io.logstore.broker.topic.TopicConfigStore;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics this broker hosts, by name and by id, with their config overrides. On a single broker
 * the partition directories are the source of truth for topics and partitions: each holds its topic
 * id ({@code partition.metadata}), so the registry is rebuilt from the logs at startup; overrides
 * come from the {@link TopicConfigStore}.
 *
 * <p>Threading: lookups are lock-free from any thread; changes (create, delete, add partitions,
 * alter configs) are serialised on this object.
 */
public final class TopicManager {
  private static final Logger log = LoggerFactory.getLogger(TopicManager.class);

  /** A single broker leads every partition at epoch 0 (Kafka's first epoch). */
  static final int LEADER_EPOCH = 0;

  private final LogManager logs;
  private final java.nio.file.Path dataDir;
  private final ConfigResolver resolver;
  private final TopicConfigStore configStore;
  private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
  private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> overrides = new ConcurrentHashMap<>();

  /** -1 on a single broker; this broker's id in a cluster. */
  private final int localBrokerId;

  private final long replicaLagTimeMaxMs;

  /** Logs found at start-up in a cluster, waiting for the metadata to claim them. */
  private final Map<PartitionId, PartitionLog> unclaimed = new ConcurrentHashMap<>();

  /** A single broker's topics: the partition directories are the source of truth. */
  public TopicManager(
      LogManager logs,
      ConfigResolver resolver,
      TopicConfigStore configStore,
      java.nio.file.Path dataDir)
      throws IOException {
    this(logs, resolver, configStore, dataDir, -1, 0);
  }

  /**
   * With {@code localBrokerId >= 0}, a cluster member's topics: the metadata image is the source of
   * truth ({@link #applyImage}); logs found at start-up wait for it.
   */
  public TopicManager(
      LogManager logs,
      ConfigResolver resolver,
      TopicConfigStore configStore,
      java.nio.file.Path dataDir,
      int localBrokerId,
      long replicaLagTimeMaxMs)
      throws IOException {
    this.logs = logs;
    this.dataDir = dataDir;
    this.resolver = resolver;
    this.configStore = configStore;
    this.localBrokerId = localBrokerId;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    if (localBrokerId < 0) {
      loadExisting();
    } else {
      unclaimed.putAll(logs.logs());
      log.info("Found {} partition logs; waiting for the cluster metadata", unclaimed.size());
    }
  }

  /** Whether topics come from the cluster metadata. */
  public boolean clustered() {
    return localBrokerId >= 0;
  }

  /** A partition's role change made by {@link #applyImage}. */
  public record RoleChange(
      Partition partition, PartitionReplica.Transition transition, PartitionRecord state) {}

  /**
   * Makes the local topics follow {@code image} (cluster only; called on the replica manager
   * thread): creates the logs of partitions assigned to this broker, deletes topics the image no
   * longer has (and logs of partitions no longer assigned), applies topic configs, and applies each
   * local partition's state. Returns the role changes.
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
              Partition.replicated(
                  t.name(), id, p.partition(), partitionLog, localBrokerId, replicaLagTimeMaxMs);
        }
        local.add(existing);
      }
      TopicInfo info = new TopicInfo(t.name(), id, t.partitions().size(), local);
      boolean configChanged = !topicOverrides.equals(overrides.get(t.name()));
      overrides.put(t.name(), topicOverrides);
      register(info);
      if (configChanged || current == null || current.partitions().size() != local.size()) {
        applyConfig(info);
      }
      keep.put(id, info);
      for (Partition partition : local) {
        PartitionRecord state = t.partitions().get(partition.index());
        PartitionReplica.Transition tr = partition.applyState(state, nowMs);
        changes.add(new RoleChange(partition, tr, state));
      }
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

  /** Every local partition (cluster: for the ISR timer and shutdown). */
  public List<Partition> localPartitions() {
    List<Partition> all = new ArrayList<>();
    for (TopicInfo t : byName.values()) {
      all.addAll(t.partitions());
    }
    return all;
  }

  private void loadExisting() throws IOException {
    Map<String, Map<String, String>> stored = configStore.loadAll();
    Map<String, TreeMap<Integer, PartitionLog>> grouped = new TreeMap<>();
    for (Map.Entry<PartitionId, PartitionLog> entry : logs.logs().entrySet()) {
      grouped
          .computeIfAbsent(entry.getKey().topic(), t -> new TreeMap<>())
          .put(entry.getKey().partition(), entry.getValue());
    }
    for (Map.Entry<String, TreeMap<Integer, PartitionLog>> topic : grouped.entrySet()) {
      String name = topic.getKey();
      TreeMap<Integer, PartitionLog> partitionLogs = topic.getValue();
      UUID id = partitionLogs.firstEntry().getValue().topicId();
      int count = partitionLogs.lastKey() + 1;
      if (partitionLogs.size() != count) {
        throw new IllegalStateException(
            "topic " + name + " has partition directories " + partitionLogs.keySet());
      }
      Map<String, String> topicOverrides = stored.getOrDefault(name, Map.of());
      overrides.put(name, Map.copyOf(topicOverrides));
      LogConfig config = resolver.logConfig(topicOverrides);
      List<Partition> partitions = new ArrayList<>();
      for (PartitionLog partitionLog : partitionLogs.values()) {
        if (!partitionLog.topicId().equals(id)) {
          throw new IllegalStateException(
              "partitions of "
                  + name
                  + " disagree on the topic id: "
                  + id
                  + " vs "
                  + partitionLog.topicId());
        }
        partitionLog.updateConfig(config);
        partitions.add(wrap(name, toKafka(id), partitionLog));
      }
      TopicInfo loaded = new TopicInfo(name, toKafka(id), partitions);
      register(loaded);
      applyConfig(loaded);
    }
    for (String orphan : stored.keySet()) {
      if (!byName.containsKey(orphan)) {
        log.info("Removing config overrides of a topic with no partitions: topic={}", orphan);
        configStore.delete(orphan);
      }
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

  /**
   * In a cluster, topics are created and deleted by the controller: the broker commits a command
   * and the topic appears locally once the replica manager applied the image holding it.
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

  private volatile TopicController controller;

  /** Routes creation and deletion to the cluster's controller (cluster only). */
  public void setController(TopicController controller) {
    this.controller = controller;
  }

  /** The cluster's topic controller; NOT_CONTROLLER until the broker's cluster part started. */
  private TopicController controller() {
    TopicController c = controller;
    if (c == null) {
      throw new org.apache.kafka.common.errors.NotControllerException(
          "the cluster metadata is not ready yet");
    }
    return c;
  }

  /** Brokers that can hold replicas (1 on a single broker). */
  public int activeBrokers() {
    TopicController c = controller;
    return c == null ? 1 : c.activeBrokers();
  }

  /** The number of replicas of each of the topic's partitions (1 on a single broker). */
  public int replicationFactor(String topic) {
    TopicController c = controller;
    return c == null ? 1 : c.replicationFactor(topic);
  }

  /** Whether {@code brokerId} is a registered broker ({@code localNodeId} on a single broker). */
  public boolean isRegisteredBroker(int brokerId, int localNodeId) {
    TopicController c = controller;
    return c == null ? brokerId == localNodeId : c.registeredBrokers().contains(brokerId);
  }

  /**
   * Creates {@code name} with {@code partitionCount} partitions, {@code replicationFactor} copies
   * (cluster) and validated {@code topicOverrides}, or returns the existing topic (single broker).
   * The caller has validated name and configs. Blocks in a cluster: off the event loops.
   */
  public TopicInfo createTopic(
      String name, int partitionCount, int replicationFactor, Map<String, String> topicOverrides) {
    return createTopic(name, partitionCount, replicationFactor, topicOverrides, List.of());
  }

  /**
   * As {@link #createTopic(String, int, int, Map)}, with each partition's replicas as the request
   * assigned them ({@code assignments} not empty; validated by the caller against the registered
   * brokers; a single broker's are all itself).
   */
  public TopicInfo createTopic(
      String name,
      int partitionCount,
      int replicationFactor,
      Map<String, String> topicOverrides,
      List<List<Integer>> assignments) {
    if (clustered()) {
      return controller()
          .create(name, partitionCount, replicationFactor, topicOverrides, assignments);
    }
    return createTopic(name, partitionCount, topicOverrides);
  }

  /**
   * Creates {@code name} with {@code partitionCount} partitions and validated {@code
   * topicOverrides}, or returns the existing topic. The caller has validated name and configs.
   */
  public TopicInfo createTopic(
      String name, int partitionCount, Map<String, String> topicOverrides) {
    if (clustered()) {
      return createTopic(name, partitionCount, 1, topicOverrides);
    }
    return createLocally(name, partitionCount, topicOverrides);
  }

  private synchronized TopicInfo createLocally(
      String name, int partitionCount, Map<String, String> topicOverrides) {
    TopicInfo existing = byName.get(name);
    if (existing != null) {
      return existing;
    }
    Uuid id = Uuid.randomUuid();
    LogConfig config = resolver.logConfig(topicOverrides);
    List<Partition> partitions = new ArrayList<>();
    try {
      configStore.save(name, topicOverrides);
      for (int p = 0; p < partitionCount; p++) {
        PartitionLog partitionLog = logs.createLog(new PartitionId(name, p), toJava(id), config);
        partitions.add(wrap(name, id, partitionLog));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create topic " + name, e);
    }
    overrides.put(name, Map.copyOf(topicOverrides));
    TopicInfo topic = new TopicInfo(name, id, partitions);
    register(topic);
    applyConfig(topic);
    log.info("Created topic {} topicId={} partitions={}", name, id, partitionCount);
    return topic;
  }

  /** Creates with the broker's defaults. */
  public TopicInfo createTopic(String name, int partitionCount) {
    return createTopic(name, partitionCount, Map.of());
  }

  /**
   * Deletes a topic: it disappears from lookups at once; its directories are renamed now and their
   * files removed in the background.
   */
  public void deleteTopic(TopicInfo topic) throws IOException {
    if (clustered()) {
      controller().delete(topic);
      return;
    }
    deleteLocally(topic);
  }

  private synchronized void deleteLocally(TopicInfo topic) throws IOException {
    dropTopic(topic);
    configStore.delete(topic.name());
  }

  /** Grows {@code topic} to {@code newCount} partitions. */
  public TopicInfo addPartitions(TopicInfo topic, int newCount) throws IOException {
    return addPartitions(topic, newCount, List.of());
  }

  /**
   * Grows {@code topic} to {@code newCount} partitions, the new ones with the assigned replicas
   * when {@code assignments} is not empty (validated by the caller).
   */
  public TopicInfo addPartitions(TopicInfo topic, int newCount, List<List<Integer>> assignments)
      throws IOException {
    if (clustered()) {
      return controller().addPartitions(topic, newCount, assignments);
    }
    return addLocally(topic, newCount);
  }

  private synchronized TopicInfo addLocally(TopicInfo topic, int newCount) throws IOException {
    TopicInfo current = byName.get(topic.name());
    if (current == null) {
      throw new IllegalStateException("topic " + topic.name() + " no longer exists");
    }
    LogConfig config = resolver.logConfig(overrides(topic.name()));
    List<Partition> partitions = new ArrayList<>(current.partitions());
    for (int p = partitions.size(); p < newCount; p++) {
      PartitionLog partitionLog =
          logs.createLog(new PartitionId(topic.name(), p), toJava(topic.topicId()), config);
      partitions.add(wrap(topic.name(), topic.topicId(), partitionLog));
    }
    TopicInfo grown = new TopicInfo(topic.name(), topic.topicId(), partitions);
    register(grown);
    applyConfig(grown);
    log.info("Topic {} now has {} partitions", topic.name(), newCount);
    return grown;
  }

  /** Replaces a topic's overrides (validated by the caller) and applies them to its logs. */
  public void replaceOverrides(String topic, Map<String, String> newOverrides) throws IOException {
    if (clustered()) {
      controller().replaceOverrides(topic, newOverrides);
      return;
    }
    replaceLocally(topic, newOverrides);
  }

  private synchronized void replaceLocally(String topic, Map<String, String> newOverrides)
      throws IOException {
    TopicInfo info = byName.get(topic);
    if (info == null) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    configStore.save(topic, newOverrides);
    overrides.put(topic, Map.copyOf(newOverrides));
    applyConfig(info);
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
