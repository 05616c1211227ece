package io.logstore.broker.topic;

import io.logstore.broker.config.BrokerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Generates docs/configuration.md from the {@link BrokerConfig} definitions, so the page cannot
 * drift from the code: {@code ConfigDocsTest} fails when the committed page differs.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  /** The whole page. */
  public static String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Configuration\n\n")
        .append("Generated from `BrokerConfig` by `io.logstore.broker.topic.ConfigDocs`; do not")
        .append(" edit by hand.\n\n")
        .append("Pass a properties file and/or `--override key=value` to `bin/logstore`. Keys")
        .append(" are Apache Kafka's where Kafka has the setting (same meaning, same default")
        .append(" unless noted); `logstore.*` keys are LogStore's own. An unknown key or an")
        .append(" invalid value stops startup with a message naming it.\n\n")
        .append("| key | type | default | valid values | meaning |\n")
        .append("|---|---|---|---|---|\n");
    List<ConfigDef.ConfigKey> keys =
        BrokerConfig.definition().configKeys().values().stream()
            .sorted((a, b) -> a.name.compareTo(b.name))
            .collect(Collectors.toList());
    for (ConfigDef.ConfigKey key : keys) {
      out.append("| `")
          .append(key.name)
          .append("` | ")
          .append(key.type.name().toLowerCase())
          .append(" | ")
          .append(defaultOf(key))
          .append(" | ")
          .append(key.validator == null ? "" : escape(key.validator.toString()))
          .append(" | ")
          .append(escape(key.documentation))
          .append(" |\n");
    }
    out.append("\n## Topic configs\n\n")
        .append("Set per topic with `kafka-topics --create --config`, `kafka-configs --alter`")
        .append(" or the Admin client; they take effect at once. A topic without an override")
        .append(" takes the broker synonym's value (dynamic per-broker, then dynamic cluster")
        .append(" default, then static), else the default below.\n\n")
        .append("| key | type | default | broker synonyms | meaning |\n")
        .append("|---|---|---|---|---|\n");
    for (String row : TopicConfigDefinition.markdownRows()) {
      out.append(row).append('\n');
    }
    out.append("\n## Not supported\n\n")
        .append("Kafka configs LogStore does not accept (startup fails naming them, or")
        .append(" INVALID_CONFIG): security and SASL/SSL listeners (one PLAINTEXT listener only),")
        .append(" several log directories, KRaft role settings (`process.roles`,")
        .append(" `controller.listener.names`: every LogStore node is a broker and, with")
        .append(" `controller.quorum.voters`, a metadata-quorum voter),")
        .append(" transactions (`transaction.*`), quotas, tiered storage (`remote.*`),")
        .append(" `preallocate`, `segment.jitter.ms`, `message.downconversion.enable`,")
        .append(" replication throttles (`leader.replication.throttled.rate`,")
        .append(" `follower.replication.throttled.rate`, `leader.replication.throttled.replicas`,")
        .append(" `follower.replication.throttled.replicas`; deleting them succeeds, as")
        .append(
            " `kafka-reassign-partitions --verify` does), `message.timestamp.before.max.ms` and")
        .append(" `message.timestamp.after.max.ms`, `create.topic.policy.class.name` and")
        .append(" `alter.config.policy.class.name` (so POLICY_VIOLATION is never returned).\n");
    return out.toString();
  }

  private static String defaultOf(ConfigDef.ConfigKey key) {
    if (!key.hasDefault() || key.defaultValue == null) {
      return "(none)";
    }
    if (BrokerConfig.NUM_NETWORK_THREADS.equals(key.name)) {
      return "number of cores";
    }
    return "`" + key.defaultValue + "`";
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** Writes the page: {@code ConfigDocs <path to docs/configuration.md>}. */
  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), render(), StandardCharsets.UTF_8);
  }
}
