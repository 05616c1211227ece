package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.testkit.BrokerConfig;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.assertj.core.api.SoftAssertions;

/**
 * Apache Kafka 4.3.1's exact answers where LogStore answered differently when these were written
 * (messages, config sources, synonyms, documentation).
 */
@BrokerConfig("log.retention.hours=24")
class TopicAdminKafkaAnswersTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  private static Config describeWithSynonyms(Admin admin, ConfigResource resource) {
    return Admins.get(
            admin
                .describeConfigs(
                    List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all())
        .get(resource);
  }

  @BrokersTest
  void shouldGiveKafkasReplicationFactorMessage(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("answers-rf");
      assertThatThrownBy(
              () ->
                  Admins.get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all()))
          .isInstanceOf(InvalidReplicationFactorException.class)
          .hasMessage(
              "Unable to replicate the partition 3 time(s): The target replication factor of 3"
                  + " cannot be reached because only 1 broker(s) are registered or some brokers have"
                  + " all their log directories cordoned.");
    }
  }

  @BrokersTest
  void shouldGiveEmptyMessageForDescribeConfigsOfMissingTopic(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      ConfigResource missing =
          new ConfigResource(ConfigResource.Type.TOPIC, Clients.uniqueTopic("answers-missing"));
      assertThatThrownBy(() -> Admins.get(admin.describeConfigs(List.of(missing)).all()))
          .isInstanceOf(UnknownTopicOrPartitionException.class)
          .hasMessage("");
    }
  }

  @BrokersTest
  void shouldDescribeRetentionAsKafkaDoes(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("answers-synonyms");
      Admins.createTopic(admin, new NewTopic(topic, 1, (short) 1));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(describeWithSynonyms(admin, resource).get("retention.ms").toString())
          .isEqualTo(
              "ConfigEntry(name=retention.ms, value=86400000, source=DEFAULT_CONFIG,"
                  + " isSensitive=false, isReadOnly=false, synonyms=[], type=LONG,"
                  + " documentation=null)");
      AlterConfigOp op =
          new AlterConfigOp(new ConfigEntry("retention.ms", "1000000"), AlterConfigOp.OpType.SET);
      Admins.get(admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all());
      Admins.awaitTopicConfig(admin, topic, "retention.ms", "1000000");
      soft.assertThat(describeWithSynonyms(admin, resource).get("retention.ms").toString())
          .isEqualTo(
              "ConfigEntry(name=retention.ms, value=1000000, source=DYNAMIC_TOPIC_CONFIG,"
                  + " isSensitive=false, isReadOnly=false, synonyms=[ConfigSynonym("
                  + "name=retention.ms, value=1000000, source=DYNAMIC_TOPIC_CONFIG)], type=LONG,"
                  + " documentation=null)");
      Config brokerConfig =
          describeWithSynonyms(
              admin,
              new ConfigResource(
                  ConfigResource.Type.BROKER, Integer.toString(Admins.nodeId(broker))));
      soft.assertThat(brokerConfig.get("log.retention.hours").toString())
          .isEqualTo(
              "ConfigEntry(name=log.retention.hours, value=24, source=STATIC_BROKER_CONFIG,"
                  + " isSensitive=false, isReadOnly=true, synonyms=[ConfigSynonym("
                  + "name=log.retention.hours, value=24, source=STATIC_BROKER_CONFIG),"
                  + " ConfigSynonym(name=log.retention.hours, value=168, source=DEFAULT_CONFIG)],"
                  + " type=INT, documentation=null)");
      soft.assertAll();
    }
  }
}
