package io.logstore.broker.topic;

import io.logstore.broker.config.BrokerConfig;
import io.logstore.storage.CleanupPolicy;
import io.logstore.storage.DurabilityMode;
import io.logstore.storage.LogConfig;
import io.logstore.storage.TimestampType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Works out effective config values with Kafka's precedence: a topic's own override, then the
 * per-broker dynamic config, then the cluster-wide dynamic default, then the static broker config
 * (server.properties or --override), then the default. Also turns a topic's effective values into
 * the storage {@link LogConfig}.
 */
public final class ConfigResolver {
  private final BrokerConfig staticConfig;
  private final DynamicBrokerConfigs dynamic;

  public ConfigResolver(BrokerConfig staticConfig, DynamicBrokerConfigs dynamic) {
    this.staticConfig = staticConfig;
    this.dynamic = dynamic;
  }

  public BrokerConfig staticConfig() {
    return staticConfig;
  }

  public DynamicBrokerConfigs dynamic() {
    return dynamic;
  }

  /** Every supported topic config of a topic with {@code overrides}. */
  public List<ResolvedConfig> describeTopic(Map<String, String> overrides) {
    List<ResolvedConfig> configs = new ArrayList<>();
    for (TopicConfigDefinition.Key key : TopicConfigDefinition.keys().values()) {
      configs.add(resolveTopicConfig(key, overrides));
    }
    return configs;
  }

  private ResolvedConfig resolveTopicConfig(
      TopicConfigDefinition.Key key, Map<String, String> overrides) {
    List<ResolvedConfig.Synonym> synonyms = new ArrayList<>();
    String override = overrides.get(key.name());
    if (override != null) {
      synonyms.add(new ResolvedConfig.Synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
    }
    for (TopicConfigDefinition.BrokerSynonym synonym : key.synonyms()) {
      brokerSources(synonym.name(), false).stream()
          .map(s -> new ResolvedConfig.Synonym(s.name(), s.value(), s.source()))
          .forEach(synonyms::add);
    }
    String value;
    ConfigSource source;
    if (override != null) {
      value = override;
      source = ConfigSource.TOPIC_CONFIG;
    } else {
      value = key.defaultValue();
      source = ConfigSource.DEFAULT_CONFIG;
      for (ResolvedConfig.Synonym synonym : synonyms) {
        TopicConfigDefinition.BrokerSynonym broker = brokerSynonym(key, synonym.name());
        value = toTopicUnit(broker, synonym.value());
        source = synonym.source();
        break;
      }
    }
    // As Kafka 4.3 (KRaft) reports topic configs: a value that comes from the static broker
    // config or a default is DEFAULT_CONFIG, and only topic and dynamic broker sources are
    // listed as synonyms.
    if (source == ConfigSource.STATIC_BROKER_CONFIG) {
      source = ConfigSource.DEFAULT_CONFIG;
    }
    List<ResolvedConfig.Synonym> reported = new ArrayList<>();
    for (ResolvedConfig.Synonym s : synonyms) {
      if (s.source() == ConfigSource.TOPIC_CONFIG
          || s.source() == ConfigSource.DYNAMIC_BROKER_CONFIG
          || s.source() == ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG) {
        reported.add(s);
      }
    }
    // Kafka then lists the first broker synonym's static-or-default value as DEFAULT_CONFIG, when
    // that key has one (log.cleanup.policy=delete, message.max.bytes=1048588; nothing for
    // log.retention.ms, whose default is unset).
    if (!key.synonyms().isEmpty()) {
      String first = key.synonyms().get(0).name();
      String staticOrDefault =
          staticConfig.isSet(first) ? stringify(staticConfig.value(first)) : brokerDefault(first);
      if (staticOrDefault != null) {
        reported.add(
            new ResolvedConfig.Synonym(first, staticOrDefault, ConfigSource.DEFAULT_CONFIG));
      }
    }
    return new ResolvedConfig(
        key.name(), value, source, reported, key.type(), key.documentation(), false);
  }

  private static TopicConfigDefinition.BrokerSynonym brokerSynonym(
      TopicConfigDefinition.Key key, String name) {
    return key.synonyms().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " is no synonym of " + key.name()));
  }

  private static String toTopicUnit(TopicConfigDefinition.BrokerSynonym synonym, String value) {
    if (value == null || synonym.toTopicUnit() == java.util.function.LongUnaryOperator.identity()) {
      return value;
    }
    return Long.toString(synonym.toTopicUnit().applyAsLong(Long.parseLong(value.trim())));
  }

  /**
   * The sources that set broker config {@code name}, highest precedence first; with {@code
   * includeDefault} the definition's default closes the list when it has one.
   */
  List<ResolvedConfig.Synonym> brokerSources(String name, boolean includeDefault) {
    List<ResolvedConfig.Synonym> sources = new ArrayList<>();
    String perBroker = dynamic.perBroker().get(name);
    if (perBroker != null) {
      sources.add(new ResolvedConfig.Synonym(name, perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG));
    }
    String clusterDefault = dynamic.clusterDefault().get(name);
    if (clusterDefault != null) {
      sources.add(
          new ResolvedConfig.Synonym(
              name, clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
    }
    if (staticConfig.isSet(name)) {
      sources.add(
          new ResolvedConfig.Synonym(
              name, stringify(staticConfig.value(name)), ConfigSource.STATIC_BROKER_CONFIG));
    }
    ConfigDef.ConfigKey key = BrokerConfig.definition().configKeys().get(name);
    if (key != null && key.hasDefault() && key.defaultValue != null) {
      sources.add(
          new ResolvedConfig.Synonym(
              name, stringify(key.defaultValue), ConfigSource.DEFAULT_CONFIG));
    }
    if (!includeDefault) {
      sources.removeIf(s -> s.source() == ConfigSource.DEFAULT_CONFIG && sources.size() > 1);
    }
    return sources;
  }

  private static String brokerDefault(String name) {
    ConfigDef.ConfigKey key = BrokerConfig.definition().configKeys().get(name);
    return key != null && key.hasDefault() ? stringify(key.defaultValue) : null;
  }

  /** Every broker config with its effective value. */
  public List<ResolvedConfig> describeBroker() {
    List<ResolvedConfig> configs = new ArrayList<>();
    for (ConfigDef.ConfigKey key : BrokerConfig.definition().configKeys().values()) {
      List<ResolvedConfig.Synonym> sources = brokerSources(key.name, true);
      String value = sources.isEmpty() ? null : sources.get(0).value();
      ConfigSource source =
          sources.isEmpty() ? ConfigSource.DEFAULT_CONFIG : sources.get(0).source();
      configs.add(
          new ResolvedConfig(
              key.name,
              value,
              source,
              sources,
              key.type,
              key.documentation,
              !DynamicBrokerConfigs.isDynamic(key.name)));
    }
    return configs;
  }

  /** The storage configuration of a topic with {@code overrides}. */
  public LogConfig logConfig(Map<String, String> overrides) {
    Map<String, String> values =
        describeTopic(overrides).stream()
            .filter(c -> c.value() != null)
            .collect(Collectors.toMap(ResolvedConfig::name, ResolvedConfig::value));
    boolean fsyncBeforeAck = staticConfig.fsyncBeforeAck();
    return new LogConfig(
            longOf(values, TopicConfigDefinition.SEGMENT_BYTES),
            longOf(values, TopicConfigDefinition.SEGMENT_MS),
            (int) longOf(values, TopicConfigDefinition.SEGMENT_INDEX_BYTES),
            (int) longOf(values, TopicConfigDefinition.INDEX_INTERVAL_BYTES),
            longOf(values, TopicConfigDefinition.RETENTION_MS),
            longOf(values, TopicConfigDefinition.RETENTION_BYTES),
            (int) longOf(values, TopicConfigDefinition.MAX_MESSAGE_BYTES),
            "LogAppendTime".equals(values.get(TopicConfigDefinition.MESSAGE_TIMESTAMP_TYPE))
                ? TimestampType.LOG_APPEND_TIME
                : TimestampType.CREATE_TIME,
            fsyncBeforeAck ? DurabilityMode.FSYNC_BEFORE_ACK : DurabilityMode.INTERVAL,
            longOf(values, TopicConfigDefinition.FLUSH_MESSAGES),
            longOf(values, TopicConfigDefinition.FLUSH_MS),
            longOf(values, TopicConfigDefinition.FILE_DELETE_DELAY_MS))
        .withCleanupPolicy(
            CleanupPolicy.fromKafka(values.get(TopicConfigDefinition.CLEANUP_POLICY)))
        .withDeleteRetentionMs(longOf(values, TopicConfigDefinition.DELETE_RETENTION_MS))
        .withMinCleanableDirtyRatio(
            Double.parseDouble(values.get(TopicConfigDefinition.MIN_CLEANABLE_DIRTY_RATIO)))
        .withCompactionLags(
            longOf(values, TopicConfigDefinition.MIN_COMPACTION_LAG_MS),
            longOf(values, TopicConfigDefinition.MAX_COMPACTION_LAG_MS));
  }

  /** The effective value of one topic config. */
  public String topicValue(Map<String, String> overrides, String name) {
    return resolveTopicConfig(TopicConfigDefinition.keys().get(name), overrides).value();
  }

  private static long longOf(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalStateException("no value for " + name);
    }
    return Long.parseLong(value.trim());
  }

  static String stringify(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }
}
