package io.logstore.broker.topic;

import java.util.List;

/**
 * One config's effective value and where it came from, with every source that sets it in precedence
 * order (Kafka's synonyms).
 */
public record ResolvedConfig(
    String name,
    String value,
    ConfigSource source,
    List<Synonym> synonyms,
    org.apache.kafka.common.config.ConfigDef.Type type,
    String documentation,
    boolean readOnly) {

  /** A source that sets this config (or its broker synonym). */
  public record Synonym(String name, String value, ConfigSource source) {}

  public boolean isDefault() {
    return source == ConfigSource.DEFAULT_CONFIG;
  }
}
