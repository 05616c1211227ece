package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaAdminTools;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;

/** {@code kafka-configs} (4.3.1): describe and alter topic and broker configs. */
class KafkaConfigsToolTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  private static ProcessResult configs(BrokerUnderTest broker, String... args) {
    ProcessResult result = KafkaAdminTools.configs(broker, TOOL_TIMEOUT, args);
    assertThat(result.exitCode()).as("%s", result).isZero();
    return result;
  }

  /** The config lines of a describe (indented, after the header), stripped. */
  private static List<String> configLines(ProcessResult result) {
    return result.stdoutLines().stream()
        .filter(line -> line.startsWith("  "))
        .map(String::strip)
        .toList();
  }

  @BrokersTest
  void shouldAddAndDeleteTopicConfigs(BrokerUnderTest broker) {
    // Given a topic without overrides
    String topic = Clients.uniqueTopic("configs-topic");
    Clients.autoCreate(broker, topic);

    // When kafka-configs adds three configs (one a list)
    ProcessResult altered =
        configs(
            broker,
            "--entity-type",
            "topics",
            "--entity-name",
            topic,
            "--alter",
            "--add-config",
            "retention.ms=7200000,max.message.bytes=2000000,cleanup.policy=[compact,delete]");

    // Then describe lists exactly those, with their synonyms
    assertThat(altered.stdout()).contains("Completed updating config for topic " + topic + ".");
    ProcessResult described =
        configs(broker, "--entity-type", "topics", "--entity-name", topic, "--describe");
    assertThat(described.stdoutLines().get(0))
        .isEqualTo("Dynamic configs for topic " + topic + " are:");
    List<String> lines = configLines(described);
    assertThat(lines).hasSize(3);
    assertThat(lines)
        .contains(
            "cleanup.policy=compact,delete sensitive=false"
                + " synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete,"
                + " DEFAULT_CONFIG:log.cleanup.policy=delete}",
            "max.message.bytes=2000000 sensitive=false"
                + " synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000000,"
                + " DEFAULT_CONFIG:message.max.bytes=1048588}");
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "retention.ms=7200000 sensitive=false"
                            + " synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=7200000"));

    // When it deletes two of them
    configs(
        broker,
        "--entity-type",
        "topics",
        "--entity-name",
        topic,
        "--alter",
        "--delete-config",
        "retention.ms,cleanup.policy");

    // Then only the third is left, and the others are back to their defaults
    assertThat(
            configLines(
                configs(broker, "--entity-type", "topics", "--entity-name", topic, "--describe")))
        .containsExactly(
            "max.message.bytes=2000000 sensitive=false"
                + " synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000000,"
                + " DEFAULT_CONFIG:message.max.bytes=1048588}");
    try (Admin admin = Admins.admin(broker)) {
      ConfigEntry retention = Admins.topicConfig(admin, topic, "retention.ms");
      assertThat(retention.value()).isEqualTo("604800000");
      assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
      assertThat(Admins.topicConfig(admin, topic, "cleanup.policy").value()).isEqualTo("delete");
    }
  }

  @BrokersTest
  void shouldInheritDynamicBrokerDefaultsWhereTopicSetsNone(BrokerUnderTest broker) {
    // Given a topic without overrides and the broker's node id
    String topic = Clients.uniqueTopic("configs-broker");
    Clients.autoCreate(broker, topic);
    String nodeId = Integer.toString(Admins.nodeId(broker));
    try {
      // When kafka-configs sets a cluster-wide dynamic default
      configs(
          broker,
          "--entity-type",
          "brokers",
          "--entity-default",
          "--alter",
          "--add-config",
          "log.retention.ms=5000000");

      // Then the default describes it, and the topic inherits it
      List<String> defaults =
          configLines(
              configs(broker, "--entity-type", "brokers", "--entity-default", "--describe"));
      assertThat(defaults)
          .contains(
              "log.retention.ms=5000000 sensitive=false"
                  + " synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=5000000}");
      assertRetention(broker, topic, "5000000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);

      // When it sets the same config for this broker
      configs(
          broker,
          "--entity-type",
          "brokers",
          "--entity-name",
          nodeId,
          "--alter",
          "--add-config",
          "log.retention.ms=6000000");

      // Then the per-broker value wins, with the default as its synonym
      ProcessResult perBroker =
          configs(broker, "--entity-type", "brokers", "--entity-name", nodeId, "--describe");
      assertThat(perBroker.stdoutLines().get(0))
          .isEqualTo("Dynamic configs for broker " + nodeId + " are:");
      assertThat(configLines(perBroker))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith(
                          "log.retention.ms=6000000 sensitive=false"
                              + " synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=6000000,"
                              + " DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=5000000"));
      assertRetention(broker, topic, "6000000", ConfigSource.DYNAMIC_BROKER_CONFIG);

      // When both are deleted
      configs(
          broker,
          "--entity-type",
          "brokers",
          "--entity-name",
          nodeId,
          "--alter",
          "--delete-config",
          "log.retention.ms");
      configs(
          broker,
          "--entity-type",
          "brokers",
          "--entity-default",
          "--alter",
          "--delete-config",
          "log.retention.ms");

      // Then the topic is back to the static default
      assertRetention(broker, topic, "604800000", ConfigSource.DEFAULT_CONFIG);
      assertThat(
              configLines(
                  configs(
                      broker, "--entity-type", "brokers", "--entity-name", nodeId, "--describe")))
          .noneMatch(line -> line.startsWith("log.retention.ms="));
    } finally {
      // Other scenarios of this class share the broker: leave no dynamic config behind.
      for (List<String> entity :
          List.of(List.of("--entity-name", nodeId), List.of("--entity-default"))) {
        List<String> args = new ArrayList<>(List.of("--entity-type", "brokers"));
        args.addAll(entity);
        args.addAll(List.of("--alter", "--delete-config", "log.retention.ms"));
        KafkaAdminTools.configs(broker, TOOL_TIMEOUT, args.toArray(String[]::new));
      }
    }
  }

  private static void assertRetention(
      BrokerUnderTest broker, String topic, String value, ConfigSource source) {
    try (Admin admin = Admins.admin(broker)) {
      ConfigEntry retention = Admins.topicConfig(admin, topic, "retention.ms");
      assertThat(retention.value()).isEqualTo(value);
      assertThat(retention.source()).isEqualTo(source);
    }
  }
}
