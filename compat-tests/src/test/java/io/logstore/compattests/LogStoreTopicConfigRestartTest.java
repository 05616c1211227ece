package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only (the reference broker has no restart fixture): topics, their configs, deletions and
 * dynamic broker configs survive a clean stop and a SIGKILL.
 */
@EnabledIf("logStoreSelected")
class LogStoreTopicConfigRestartTest {

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  private static void set(Admin admin, ConfigResource resource, String name, String value) {
    AlterConfigOp op = new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    Admins.get(admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all());
  }

  @Test
  void shouldKeepTopicAndBrokerConfigsAcrossCleanStopAndSigkill() {
    try (LogStoreBroker broker = LogStoreBroker.start()) {
      // Given a topic with overrides, a deleted topic, a plain topic and two dynamic broker configs
      String configured = Clients.uniqueTopic("restart-configured");
      String deleted = Clients.uniqueTopic("restart-deleted");
      String plain = Clients.uniqueTopic("restart-plain");
      Uuid configuredId;
      ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
      ConfigResource thisBroker =
          new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(Admins.nodeId(broker)));
      try (Admin admin = Admins.admin(broker)) {
        Admins.get(
            admin
                .createTopics(
                    List.of(
                        new NewTopic(configured, 3, (short) 1)
                            .configs(
                                Map.of("cleanup.policy", "compact", "retention.ms", "1234567")),
                        new NewTopic(deleted, 1, (short) 1),
                        new NewTopic(plain, 1, (short) 1)))
                .all());
        set(admin, topic(configured), "segment.ms", "7654321");
        Admins.get(admin.deleteTopics(List.of(deleted)).all());
        set(admin, clusterDefault, "log.retention.ms", "5000000");
        set(admin, thisBroker, "message.max.bytes", "2000000");
        configuredId = Admins.describe(admin, configured).topicId();
      }

      // When the broker stops cleanly and restarts, then is killed and restarts
      broker.restart();
      assertSurvived(broker, configured, configuredId, deleted, plain);
      broker.kill();
      broker.restart();

      // Then everything is as it was
      assertSurvived(broker, configured, configuredId, deleted, plain);
    }
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static void assertSurvived(
      LogStoreBroker broker, String configured, Uuid configuredId, String deleted, String plain) {
    try (Admin admin = Admins.admin(broker)) {
      assertThat(Admins.get(admin.listTopics().names())).contains(configured, plain);
      assertThat(Admins.get(admin.listTopics().names())).doesNotContain(deleted);
      assertThat(Admins.describe(admin, configured).topicId()).isEqualTo(configuredId);
      assertThat(Admins.describe(admin, configured).partitions()).hasSize(3);
      assertConfig(
          admin, configured, "cleanup.policy", "compact", ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertConfig(admin, configured, "retention.ms", "1234567", ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertConfig(admin, configured, "segment.ms", "7654321", ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertConfig(
          admin, plain, "retention.ms", "5000000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
      assertConfig(
          admin, plain, "max.message.bytes", "2000000", ConfigSource.DYNAMIC_BROKER_CONFIG);
    }
  }

  private static void assertConfig(
      Admin admin, String topic, String name, String value, ConfigSource source) {
    ConfigEntry entry = Admins.topicConfig(admin, topic, name);
    assertThat(entry.value()).as(topic + " " + name).isEqualTo(value);
    assertThat(entry.source()).as(topic + " " + name).isEqualTo(source);
  }
}
