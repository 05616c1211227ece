package io.logstore.broker.topic;

import io.logstore.broker.config.BrokerConfig;
import io.logstore.broker.util.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Broker configs changed at runtime with AlterConfigs / IncrementalAlterConfigs: the cluster-wide
 * default (resource name "") and this broker's own (resource name = node id). Persisted in {@code
 * <data dir>/__configs/broker-default.properties} and {@code broker-<id>.properties} (CRC-checked,
 * written atomically), so they survive restarts.
 *
 * <p>Only the broker-level defaults of topic configs can change at runtime; the rest are read-only,
 * as for most keys in Kafka.
 */
public final class DynamicBrokerConfigs {
  private static final Set<String> DYNAMIC =
      Set.of(
          BrokerConfig.LOG_CLEANUP_POLICY,
          BrokerConfig.COMPRESSION_TYPE,
          BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS,
          BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO,
          BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS,
          BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS,
          BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS,
          BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES,
          BrokerConfig.LOG_FLUSH_INTERVAL_MS,
          BrokerConfig.LOG_INDEX_INTERVAL_BYTES,
          BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES,
          BrokerConfig.MESSAGE_MAX_BYTES,
          BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE,
          BrokerConfig.MIN_INSYNC_REPLICAS,
          BrokerConfig.LOG_RETENTION_BYTES,
          BrokerConfig.LOG_RETENTION_MS,
          BrokerConfig.LOG_SEGMENT_BYTES,
          BrokerConfig.LOG_ROLL_MS);

  private final Path dir;
  private final int nodeId;
  private volatile Map<String, String> clusterDefault;
  private volatile Map<String, String> perBroker;

  public DynamicBrokerConfigs(Path dataDir, int nodeId) throws IOException {
    this.dir = dataDir.resolve("__configs");
    this.nodeId = nodeId;
    Files.createDirectories(dir);
    this.clusterDefault = load(defaultFile());
    this.perBroker = load(brokerFile());
  }

  /** An empty set of dynamic configs, not persisted (for tests). */
  public static DynamicBrokerConfigs none() {
    return new DynamicBrokerConfigs();
  }

  private DynamicBrokerConfigs() {
    this.dir = null;
    this.nodeId = -1;
    this.clusterDefault = Map.of();
    this.perBroker = Map.of();
  }

  public static boolean isDynamic(String name) {
    return DYNAMIC.contains(name);
  }

  public Map<String, String> clusterDefault() {
    return clusterDefault;
  }

  public Map<String, String> perBroker() {
    return perBroker;
  }

  /**
   * Validates a value for broker config {@code name}; throws {@link ConfigException} when unknown,
   * invalid, or not changeable at runtime.
   */
  public static String validate(String name, String value) {
    ConfigDef.ConfigKey key = BrokerConfig.definition().configKeys().get(name);
    if (key == null) {
      throw new ConfigException("Unknown broker config name: " + name);
    }
    if (!isDynamic(name)) {
      throw new ConfigException(name, value, "this config cannot be updated dynamically");
    }
    Object parsed = ConfigDef.parseType(name, value, key.type);
    if (key.validator != null) {
      key.validator.ensureValid(name, parsed);
    }
    return value.trim();
  }

  /** Replaces the cluster-wide (when {@code clusterWide}) or per-broker dynamic configs. */
  public synchronized void replace(boolean clusterWide, Map<String, String> configs)
      throws IOException {
    Map<String, String> copy = new TreeMap<>(configs);
    Path file = clusterWide ? defaultFile() : brokerFile();
    if (copy.isEmpty()) {
      DurableFiles.deleteDurably(file);
    } else {
      DurableFiles.writeProperties(file, copy);
    }
    if (clusterWide) {
      clusterDefault = Map.copyOf(copy);
    } else {
      perBroker = Map.copyOf(copy);
    }
  }

  private Path defaultFile() {
    return dir.resolve("broker-default.properties");
  }

  private Path brokerFile() {
    return dir.resolve("broker-" + nodeId + ".properties");
  }

  private static Map<String, String> load(Path file) throws IOException {
    return Files.exists(file) ? Map.copyOf(DurableFiles.readProperties(file)) : Map.of();
  }
}
