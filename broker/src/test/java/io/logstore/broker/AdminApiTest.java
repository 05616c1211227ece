package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {
  @TempDir Path dataDir;

  static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(props);
  }

  private static Throwable causeOf(org.apache.kafka.common.KafkaFuture<?> future) {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldCreateDescribeGrowAndDeleteTopics() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers())) {
      // Given a topic created with 3 partitions and a retention override
      NewTopic topic =
          new NewTopic("accounts", 3, (short) 1).configs(Map.of("retention.ms", "1000"));
      admin.createTopics(List.of(topic)).all().get();
      // Then it is listed and described with its partitions, led by this broker
      assertThat(admin.listTopics().names().get()).contains("accounts");
      TopicDescription description =
          admin.describeTopics(List.of("accounts")).allTopicNames().get().get("accounts");
      assertThat(description.partitions()).hasSize(3);
      assertThat(description.partitions().get(0).leader().id()).isEqualTo(1);
      Uuid firstId = description.topicId();
      assertThat(firstId).isNotEqualTo(Uuid.ZERO_UUID);
      // When it grows to 5 partitions
      admin.createPartitions(Map.of("accounts", NewPartitions.increaseTo(5))).all().get();
      // Then
      assertThat(
              admin
                  .describeTopics(List.of("accounts"))
                  .allTopicNames()
                  .get()
                  .get("accounts")
                  .partitions())
          .hasSize(5);
      // When it is deleted and created again at once
      admin.deleteTopics(List.of("accounts")).all().get();
      assertThat(admin.listTopics().names().get()).doesNotContain("accounts");
      admin.createTopics(List.of(new NewTopic("accounts", 1, (short) 1))).all().get();
      // Then it has a new id and no trace of the old overrides
      TopicDescription again =
          admin.describeTopics(List.of("accounts")).allTopicNames().get().get("accounts");
      assertThat(again.topicId()).isNotEqualTo(firstId);
      Config config = topicConfig(admin, "accounts");
      assertThat(config.get("retention.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }
  }

  @Test
  void shouldAnswerCreateTopicsErrorsAsKafka() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers())) {
      admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1))).all().get();
      assertThat(causeOf(admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1))).all()))
          .isInstanceOf(TopicExistsException.class);
      assertThat(causeOf(admin.createTopics(List.of(new NewTopic("zero", 0, (short) 1))).all()))
          .isInstanceOf(InvalidPartitionsException.class);
      assertThat(causeOf(admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3))).all()))
          .isInstanceOf(InvalidReplicationFactorException.class);
      assertThat(causeOf(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all()))
          .isInstanceOf(InvalidTopicException.class);
      NewTopic badConfig =
          new NewTopic("badconfig", 1, (short) 1).configs(Map.of("retention.ms", "soon"));
      assertThat(causeOf(admin.createTopics(List.of(badConfig)).all()))
          .isInstanceOf(InvalidConfigurationException.class);
      NewTopic unknownConfig =
          new NewTopic("unknownconfig", 1, (short) 1).configs(Map.of("no.such.config", "1"));
      assertThat(causeOf(admin.createTopics(List.of(unknownConfig)).all()))
          .isInstanceOf(InvalidConfigurationException.class);
      // validate-only creates nothing
      admin
          .createTopics(
              List.of(new NewTopic("dryrun", 2, (short) 1)),
              new CreateTopicsOptions().validateOnly(true))
          .all()
          .get();
      assertThat(admin.listTopics().names().get()).doesNotContain("dryrun");
      assertThat(causeOf(admin.deleteTopics(List.of("missing")).all()))
          .isInstanceOf(UnknownTopicOrPartitionException.class);
      assertThat(
              causeOf(admin.createPartitions(Map.of("exists", NewPartitions.increaseTo(1))).all()))
          .isInstanceOf(InvalidPartitionsException.class);
    }
  }

  private static Config topicConfig(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin
        .describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
        .all()
        .get()
        .get(resource);
  }

  @Test
  void shouldDescribeAndAlterTopicConfigsAndKeepThemAcrossRestart() throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "settings");
    try (TestBroker broker = TestBroker.start(dataDir, Map.of("log.retention.hours", "24"));
        Admin admin = admin(broker.bootstrapServers())) {
      admin
          .createTopics(
              List.of(new NewTopic("settings", 1, (short) 1).configs(Map.of("segment.ms", "5000"))))
          .all()
          .get();
      // Then values carry their source as Kafka reports them: the topic override, else
      // DEFAULT_CONFIG with the static broker setting already applied
      Config config = topicConfig(admin, "settings");
      assertThat(config.get("segment.ms").value()).isEqualTo("5000");
      assertThat(config.get("segment.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(24 * 3_600_000L));
      assertThat(config.get("retention.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      assertThat(config.get("retention.ms").synonyms()).isEmpty();
      assertThat(config.get("segment.ms").synonyms())
          .extracting(ConfigEntry.ConfigSynonym::source)
          .containsExactly(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(config.get("max.message.bytes").synonyms())
          .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "message.max.bytes", ConfigEntry.ConfigSource.DEFAULT_CONFIG));
      assertThat(config.get("max.message.bytes").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      // When configs are changed incrementally: SET, DELETE and APPEND to a list
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", "2048"), AlterConfigOp.OpType.SET),
                      new AlterConfigOp(
                          new ConfigEntry("segment.ms", null), AlterConfigOp.OpType.DELETE),
                      new AlterConfigOp(
                          new ConfigEntry("cleanup.policy", "compact"),
                          AlterConfigOp.OpType.APPEND))))
          .all()
          .get();
      Config altered = topicConfig(admin, "settings");
      assertThat(altered.get("max.message.bytes").value()).isEqualTo("2048");
      assertThat(altered.get("segment.ms").source())
          .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(altered.get("cleanup.policy").value()).isEqualTo("delete,compact");
      // And an invalid value is refused with INVALID_CONFIG
      assertThat(
              causeOf(
                  admin
                      .incrementalAlterConfigs(
                          Map.of(
                              resource,
                              List.of(
                                  new AlterConfigOp(
                                      new ConfigEntry("retention.ms", "-5"),
                                      AlterConfigOp.OpType.SET))))
                      .all()))
          .isInstanceOf(InvalidConfigurationException.class);
      // And the new max.message.bytes applies to produce at once
      Properties props = new Properties();
      props.put("bootstrap.servers", broker.bootstrapServers());
      props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      props.put("retries", "0");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        assertThatThrownBy(
                () ->
                    producer
                        .send(new ProducerRecord<>("settings", new byte[1], new byte[4096]))
                        .get())
            .hasCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
      }
    }
    // When the broker restarts, the overrides are still there
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers())) {
      Config config = topicConfig(admin, "settings");
      assertThat(config.get("max.message.bytes").value()).isEqualTo("2048");
      assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");
    }
  }

  @Test
  void shouldAlterAndPersistDynamicBrokerConfigs() throws Exception {
    ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
    ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, "1");
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers())) {
      admin.createTopics(List.of(new NewTopic("inherits", 1, (short) 1))).all().get();
      admin
          .incrementalAlterConfigs(
              Map.of(
                  clusterDefault,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("log.retention.ms", "123456"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get();
      // Then topics without an override inherit it, with the dynamic default as their source
      ConfigEntry retention = topicConfig(admin, "inherits").get("retention.ms");
      assertThat(retention.value()).isEqualTo("123456");
      assertThat(retention.source())
          .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
      // And a read-only broker config cannot be changed
      assertThat(
              causeOf(
                  admin
                      .incrementalAlterConfigs(
                          Map.of(
                              self,
                              List.of(
                                  new AlterConfigOp(
                                      new ConfigEntry("listeners", "PLAINTEXT://x:1"),
                                      AlterConfigOp.OpType.SET))))
                      .all()))
          .isInstanceOf(InvalidConfigurationException.class);
      Config brokerConfig = admin.describeConfigs(List.of(self)).all().get().get(self);
      assertThat(brokerConfig.get("log.retention.ms").value()).isEqualTo("123456");
      assertThat(brokerConfig.get("listeners").isReadOnly()).isTrue();
    }
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers())) {
      assertThat(topicConfig(admin, "inherits").get("retention.ms").value()).isEqualTo("123456");
    }
  }

  @Test
  void shouldDeleteRecordsDescribeLogDirsAndCluster() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = admin(broker.bootstrapServers());
        KafkaProducer<String, String> producer =
            ProduceConsumeTest.producer(broker.bootstrapServers(), Map.of())) {
      admin.createTopics(List.of(new NewTopic("trimmed", 1, (short) 1))).all().get();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>("trimmed", "k", "v" + i)).get();
      }
      TopicPartition tp = new TopicPartition("trimmed", 0);
      // When records before offset 4 are deleted
      long low =
          admin
              .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
              .lowWatermarks()
              .get(tp)
              .get()
              .lowWatermark();
      // Then the earliest offset moves to 4
      assertThat(low).isEqualTo(4);
      assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset())
          .isEqualTo(4);
      assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset())
          .isEqualTo(10);
      // And the log dir lists the partition with its size
      Map<Integer, Map<String, LogDirDescription>> dirs =
          admin.describeLogDirs(List.of(1)).allDescriptions().get();
      LogDirDescription dir = dirs.get(1).values().iterator().next();
      assertThat(dir.replicaInfos()).containsKey(tp);
      assertThat(dir.replicaInfos().get(tp).size()).isPositive();
      assertThat(dir.totalBytes()).isNotEmpty();
      // And the cluster has one broker that is also the controller
      Collection<org.apache.kafka.common.Node> nodes = admin.describeCluster().nodes().get();
      assertThat(nodes).extracting(org.apache.kafka.common.Node::id).containsExactly(1);
      assertThat(admin.describeCluster().clusterId().get()).isNotBlank();
    }
  }
}
