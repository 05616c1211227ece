package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.BrokerConfig;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.RawKafkaConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.awaitility.core.ThrowingRunnable;

/**
 * Topic administration through the stock Java {@link Admin} client (4.3.1): the operations of
 * kafka-topics, kafka-configs and kafka-delete-records, and the errors Kafka gives for bad ones.
 * The brokers run with {@code log.retention.hours=24} so config sources and synonyms show a static
 * broker setting.
 */
@BrokerConfig("log.retention.hours=24")
class AdminTopicsTest {

  private static final String RETENTION_MS = "retention.ms";
  private static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
  private static final String CLEANUP_POLICY = "cleanup.policy";

  private static ConfigResource topicResource(String topic) {
    return new ConfigResource(ConfigResource.Type.TOPIC, topic);
  }

  private static void createTopic(Admin admin, NewTopic topic) {
    Admins.createTopic(admin, topic);
  }

  private static Set<String> topicNames(Admin admin) {
    return Admins.get(admin.listTopics().names());
  }

  private static void produce(BrokerUnderTest broker, String topic, int partition, int count) {
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = 0; i < count; i++) {
        Admins.get(producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i)));
      }
    }
  }

  @BrokersTest
  void shouldCreateDescribeAndGrowTopic(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given the cluster's one node
      DescribeClusterResult cluster = admin.describeCluster();
      Collection<Node> nodes = Admins.get(cluster.nodes());
      assertThat(nodes).hasSize(1);
      Node node = nodes.iterator().next();
      assertThat(node.host()).isEqualTo(broker.host());
      assertThat(node.port()).isEqualTo(broker.port());
      assertThat(Admins.get(cluster.clusterId())).isNotBlank();

      // When a topic with 3 partitions, RF 1 and a config is created
      String topic = Clients.uniqueTopic("admin-create");
      CreateTopicsResult created =
          admin.createTopics(
              List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of(RETENTION_MS, "3600000"))));

      // Then the result, the listing and the description agree
      assertThat(Admins.get(created.numPartitions(topic))).isEqualTo(3);
      assertThat(Admins.get(created.replicationFactor(topic))).isEqualTo(1);
      Uuid topicId = Admins.get(created.topicId(topic));
      assertThat(topicId).isNotEqualTo(Uuid.ZERO_UUID);
      assertThat(Admins.get(created.config(topic)).get(RETENTION_MS).value()).isEqualTo("3600000");
      Admins.awaitTopic(admin, topic);
      assertThat(topicNames(admin)).contains(topic);
      TopicDescription description = Admins.describe(admin, topic);
      assertThat(description.topicId()).isEqualTo(topicId);
      assertThat(description.isInternal()).isFalse();
      assertThat(description.partitions())
          .extracting(TopicPartitionInfo::partition)
          .containsExactly(0, 1, 2);
      for (TopicPartitionInfo partition : description.partitions()) {
        assertThat(partition.leader().id()).isEqualTo(node.id());
        assertThat(partition.replicas()).extracting(Node::id).containsExactly(node.id());
        assertThat(partition.isr()).extracting(Node::id).containsExactly(node.id());
      }

      // When it grows to 5 partitions
      Admins.get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all());

      // Then it has 5 (Kafka's broker learns of them from the controller a moment later)
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(Admins.describe(admin, topic).partitions()).hasSize(5));
    }
  }

  @BrokersTest
  void shouldApplyBrokerDefaultsForUnsetPartitionsAndReplicationFactor(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-defaults");

      CreateTopicsResult created =
          admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())));

      assertThat(Admins.get(created.numPartitions(topic))).isEqualTo(4);
      assertThat(Admins.get(created.replicationFactor(topic))).isEqualTo(1);
      Admins.awaitTopic(admin, topic);
      assertThat(Admins.describe(admin, topic).partitions()).hasSize(4);
    }
  }

  @BrokersTest
  void shouldDeleteTopicsByNameAndByIdAndRecreateWithNewId(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given two topics with records
      String byName = Clients.uniqueTopic("admin-delete-name");
      String byId = Clients.uniqueTopic("admin-delete-id");
      createTopic(admin, new NewTopic(byName, 1, (short) 1));
      createTopic(admin, new NewTopic(byId, 1, (short) 1));
      produce(broker, byName, 0, 3);
      Uuid oldId = Admins.describe(admin, byName).topicId();
      Uuid idOfSecond = Admins.describe(admin, byId).topicId();

      // When one is deleted by name and one by id
      Admins.get(admin.deleteTopics(List.of(byName)).all());
      Admins.get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(idOfSecond))).all());

      // Then a topic of the first name can be created at once, new and empty, and the second is
      // gone (Kafka's broker learns of deletions from the controller a moment later)
      createTopic(admin, new NewTopic(byName, 1, (short) 1));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(topicNames(admin)).doesNotContain(byId));
      assertThat(Admins.describe(admin, byName).topicId()).isNotEqualTo(oldId);
      TopicPartition partition = new TopicPartition(byName, 0);
      assertThat(
              Admins.get(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all())
                  .get(partition)
                  .offset())
          .isZero();
    }
  }

  @BrokersTest
  void shouldRejectExistingTopic(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-exists");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));

      assertThatThrownBy(() -> createTopic(admin, new NewTopic(topic, 1, (short) 1)))
          .isInstanceOf(TopicExistsException.class)
          .hasMessage("Topic '" + topic + "' already exists.");
    }
  }

  @BrokersTest
  void shouldRejectZeroPartitions(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-zero");

      assertThatThrownBy(() -> createTopic(admin, new NewTopic(topic, 0, (short) 1)))
          .isInstanceOf(InvalidPartitionsException.class)
          .hasMessage("Number of partitions was set to an invalid non-positive value.");
      assertThat(topicNames(admin)).doesNotContain(topic);
    }
  }

  @BrokersTest
  void shouldRejectShrinkingPartitions(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-shrink");
      createTopic(admin, new NewTopic(topic, 3, (short) 1));

      assertThatThrownBy(
              () ->
                  Admins.get(
                      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all()))
          .isInstanceOf(InvalidPartitionsException.class)
          .hasMessage(
              "The topic " + topic + " currently has 3 partition(s); 2 would not be an increase.");
      assertThat(Admins.describe(admin, topic).partitions()).hasSize(3);
    }
  }

  @BrokersTest
  void shouldRejectReplicationFactorAboveBrokerCount(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-rf");

      assertThatThrownBy(() -> createTopic(admin, new NewTopic(topic, 1, (short) 3)))
          .isInstanceOf(InvalidReplicationFactorException.class)
          .hasMessageStartingWith(
              "Unable to replicate the partition 3 time(s): The target replication factor of 3"
                  + " cannot be reached because only 1 broker(s) are registered");
      assertThat(topicNames(admin)).doesNotContain(topic);
    }
  }

  @BrokersTest
  void shouldRejectInvalidConfigValue(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-bad-value");

      assertThatThrownBy(
              () ->
                  createTopic(
                      admin,
                      new NewTopic(topic, 1, (short) 1).configs(Map.of(RETENTION_MS, "soon"))))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage(
              "Invalid value soon for configuration retention.ms: Not a number of type LONG");
      assertThat(topicNames(admin)).doesNotContain(topic);
    }
  }

  @BrokersTest
  void shouldRejectUnknownConfigName(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-unknown-config");

      assertThatThrownBy(
              () ->
                  createTopic(
                      admin,
                      new NewTopic(topic, 1, (short) 1).configs(Map.of("no.such.config", "1"))))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("Unknown topic config name: no.such.config");
      assertThat(topicNames(admin)).doesNotContain(topic);
    }
  }

  @BrokersTest
  void shouldRejectInvalidTopicName(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      assertThatThrownBy(() -> createTopic(admin, new NewTopic("bad name!", 1, (short) 1)))
          .isInstanceOf(InvalidTopicException.class)
          .hasMessage(
              "Topic name is invalid: 'bad name!' contains one or more characters other than"
                  + " ASCII alphanumerics, '.', '_' and '-'");
    }
  }

  @BrokersTest
  void shouldReportUnknownTopicOnDeleteAndDescribeConfigs(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String missing = Clients.uniqueTopic("admin-missing");

      assertThatThrownBy(() -> Admins.get(admin.deleteTopics(List.of(missing)).all()))
          .isInstanceOf(UnknownTopicOrPartitionException.class)
          .hasMessage("This server does not host this topic-partition.");
      assertThatThrownBy(
              () -> Admins.get(admin.describeConfigs(List.of(topicResource(missing))).all()))
          .isInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @BrokersTest
  void shouldCreateNothingWhenValidateOnly(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-validate");

      CreateTopicsResult result =
          admin.createTopics(
              List.of(new NewTopic(topic, 2, (short) 1).configs(Map.of(CLEANUP_POLICY, "compact"))),
              new CreateTopicsOptions().validateOnly(true));

      Admins.get(result.all());
      assertThat(Admins.get(result.numPartitions(topic))).isEqualTo(2);
      assertThat(topicNames(admin)).doesNotContain(topic);
      assertThatThrownBy(() -> Admins.describe(admin, topic))
          .isInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @BrokersTest
  void shouldAppendToAndSubtractFromCleanupPolicy(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic with the default cleanup.policy=delete
      String topic = Clients.uniqueTopic("admin-append");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));
      ConfigResource resource = topicResource(topic);

      // When compact is appended
      alter(
          admin, resource, new ConfigEntry(CLEANUP_POLICY, "compact"), AlterConfigOp.OpType.APPEND);

      // Then both are set, as a topic override
      eventually(
          () -> {
            ConfigEntry both = Admins.topicConfig(admin, topic, CLEANUP_POLICY);
            assertThat(both.value()).isEqualTo("delete,compact");
            assertThat(both.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
          });

      // When delete is subtracted
      alter(
          admin,
          resource,
          new ConfigEntry(CLEANUP_POLICY, "delete"),
          AlterConfigOp.OpType.SUBTRACT);

      // Then only compact is left
      eventually(
          () ->
              assertThat(Admins.topicConfig(admin, topic, CLEANUP_POLICY).value())
                  .isEqualTo("compact"));

      // When the override is deleted, the default is back
      alter(admin, resource, new ConfigEntry(CLEANUP_POLICY, ""), AlterConfigOp.OpType.DELETE);
      eventually(
          () -> {
            ConfigEntry reset = Admins.topicConfig(admin, topic, CLEANUP_POLICY);
            assertThat(reset.value()).isEqualTo("delete");
            assertThat(reset.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
          });
    }
  }

  private static void alter(
      Admin admin, ConfigResource resource, ConfigEntry entry, AlterConfigOp.OpType op) {
    Admins.get(
        admin
            .incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(entry, op))))
            .all());
  }

  @BrokersTest
  void shouldCreateAndGrowWithAssignedReplicasAndRefuseBadAssignmentsAsKafkaDoes(
      BrokerUnderTest broker) {
    int node = Admins.nodeId(broker);
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic created with its replicas assigned by hand
      String topic = Clients.uniqueTopic("admin-assigned");
      createTopic(admin, new NewTopic(topic, Map.of(0, List.of(node), 1, List.of(node))));

      // Then it has those partitions and replicas
      TopicDescription description = Admins.describe(admin, topic);
      assertThat(description.partitions()).hasSize(2);
      assertThat(description.partitions().get(1).replicas())
          .extracting(Node::id)
          .containsExactly(node);

      // When it grows with an assigned replica, it has 3 partitions
      Admins.get(
          admin
              .createPartitions(Map.of(topic, NewPartitions.increaseTo(3, List.of(List.of(node)))))
              .all());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(Admins.describe(admin, topic).partitions()).hasSize(3));

      // And bad assignments are refused with Kafka's messages
      String other = Clients.uniqueTopic("admin-assigned-bad");
      assertThatThrownBy(
              () -> createTopic(admin, new NewTopic(other, Map.of(0, List.of(node, 9_999)))))
          .isInstanceOf(InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes broker 9999, but no such broker is"
                  + " registered.");
      assertThatThrownBy(
              () -> createTopic(admin, new NewTopic(other, Map.of(0, List.of(node, node)))))
          .isInstanceOf(InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes the broker " + node + " more than once.");
      assertThatThrownBy(
              () ->
                  Admins.get(
                      admin
                          .createPartitions(
                              Map.of(
                                  topic,
                                  NewPartitions.increaseTo(4, List.of(List.of(node, 9_999)))))
                          .all()))
          .isInstanceOf(InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes broker 9999, but no such broker is"
                  + " registered.");
      assertThat(topicNames(admin)).doesNotContain(other);
    }
  }

  @BrokersTest
  void shouldAnswerReassignmentsOfASingleBrokerAsKafkaDoes(BrokerUnderTest broker) {
    int node = Admins.nodeId(broker);
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic on the one broker
      String topic = Clients.uniqueTopic("admin-reassign");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));
      TopicPartition tp = new TopicPartition(topic, 0);

      // When it is "moved" to the broker it is on, nothing is left in progress
      Admins.get(
          admin
              .alterPartitionReassignments(
                  Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(node)))))
              .all());
      assertThat(Admins.get(admin.listPartitionReassignments().reassignments())).isEmpty();

      // Then a cancellation finds none; an unknown broker or partition is refused
      assertThatThrownBy(
              () ->
                  Admins.get(admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()))
          .isInstanceOf(NoReassignmentInProgressException.class);
      assertThatThrownBy(
              () ->
                  Admins.get(
                      admin
                          .alterPartitionReassignments(
                              Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(9_999)))))
                          .all()))
          .isInstanceOf(InvalidReplicaAssignmentException.class)
          .hasMessage(
              "The manual partition assignment includes broker 9999, but no such broker is"
                  + " registered.");
      assertThatThrownBy(
              () ->
                  Admins.get(
                      admin
                          .alterPartitionReassignments(
                              Map.of(
                                  new TopicPartition(topic, 5),
                                  Optional.of(new NewPartitionReassignment(List.of(node)))))
                          .all()))
          .isInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @BrokersTest
  void shouldTakeUncleanLeaderElectionAsATopicConfig(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic created with unclean.leader.election.enable=true and one without it
      String unclean = Clients.uniqueTopic("admin-unclean");
      String plain = Clients.uniqueTopic("admin-clean");
      createTopic(
          admin,
          new NewTopic(unclean, 1, (short) 1).configs(Map.of(UNCLEAN_LEADER_ELECTION, "true")));
      createTopic(admin, new NewTopic(plain, 1, (short) 1));

      // Then the first shows the override, the second the default
      ConfigEntry set = Admins.topicConfig(admin, unclean, UNCLEAN_LEADER_ELECTION);
      assertThat(set.value()).isEqualTo("true");
      assertThat(set.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(set.type()).isEqualTo(ConfigEntry.ConfigType.BOOLEAN);
      ConfigEntry unset = Admins.topicConfig(admin, plain, UNCLEAN_LEADER_ELECTION);
      assertThat(unset.value()).isEqualTo("false");
      assertThat(unset.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);

      // And a value that is not a boolean is refused
      assertThatThrownBy(
              () ->
                  alter(
                      admin,
                      topicResource(plain),
                      new ConfigEntry(UNCLEAN_LEADER_ELECTION, "sometimes"),
                      AlterConfigOp.OpType.SET))
          .isInstanceOf(InvalidConfigurationException.class);
    }
  }

  @BrokersTest
  void shouldRejectAppendToNonListConfig(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      String topic = Clients.uniqueTopic("admin-append-long");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));

      assertThatThrownBy(
              () ->
                  alter(
                      admin,
                      topicResource(topic),
                      new ConfigEntry(RETENTION_MS, "1000"),
                      AlterConfigOp.OpType.APPEND))
          .isInstanceOf(InvalidConfigurationException.class);
      assertThat(Admins.topicConfig(admin, topic, RETENTION_MS).value()).isEqualTo("86400000");
    }
  }

  @BrokersTest
  void shouldDescribeRetentionFromStaticBrokerSettingAndOverride(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic without overrides, on a broker started with log.retention.hours=24
      String topic = Clients.uniqueTopic("admin-synonyms");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));

      // When its configs are described with synonyms
      ConfigEntry inherited = describeWithSynonyms(admin, topicResource(topic)).get(RETENTION_MS);

      // Then retention.ms has the static broker setting's value, in milliseconds
      assertThat(inherited.value()).isEqualTo("86400000");
      assertThat(inherited.isReadOnly()).isFalse();
      assertThat(inherited.isSensitive()).isFalse();
      assertThat(inherited.type()).isEqualTo(ConfigEntry.ConfigType.LONG);

      // When the topic overrides it
      alter(
          admin,
          topicResource(topic),
          new ConfigEntry(RETENTION_MS, "1000000"),
          AlterConfigOp.OpType.SET);

      // Then the override is the value, its source and the first synonym
      eventually(
          () -> {
            ConfigEntry overridden =
                describeWithSynonyms(admin, topicResource(topic)).get(RETENTION_MS);
            assertThat(overridden.value()).isEqualTo("1000000");
            assertThat(overridden.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(overridden.synonyms().get(0).toString())
                .isEqualTo(
                    "ConfigSynonym(name=retention.ms, value=1000000, source=DYNAMIC_TOPIC_CONFIG)");
          });

      // And the broker resource shows its static setting, read-only, then the default
      Config brokerConfig =
          describeWithSynonyms(
              admin,
              new ConfigResource(
                  ConfigResource.Type.BROKER, Integer.toString(Admins.nodeId(broker))));
      ConfigEntry hours = brokerConfig.get("log.retention.hours");
      assertThat(hours.value()).isEqualTo("24");
      assertThat(hours.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
      assertThat(hours.isReadOnly()).isTrue();
      assertThat(hours.synonyms())
          .extracting(Object::toString)
          .containsExactly(
              "ConfigSynonym(name=log.retention.hours, value=24, source=STATIC_BROKER_CONFIG)",
              "ConfigSynonym(name=log.retention.hours, value=168, source=DEFAULT_CONFIG)");
      ConfigEntry millis = brokerConfig.get("log.retention.ms");
      assertThat(millis.value()).isNull();
      assertThat(millis.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
      assertThat(millis.synonyms()).isEmpty();
    }
  }

  /**
   * Kafka's broker answers DescribeConfigs from its metadata image, which learns of a committed
   * config change from the controller a moment after AlterConfigs returned; LogStore's single node
   * applies it before answering. Both must show the change within seconds.
   */
  private static void eventually(ThrowingRunnable assertion) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(assertion);
  }

  private static Config describeWithSynonyms(Admin admin, ConfigResource resource) {
    return Admins.get(
            admin
                .describeConfigs(
                    List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all())
        .get(resource);
  }

  @BrokersTest
  void shouldReplaceAllOverridesWithLegacyAlterConfigs(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given a topic with cleanup.policy=compact
      String topic = Clients.uniqueTopic("admin-legacy");
      createTopic(
          admin, new NewTopic(topic, 1, (short) 1).configs(Map.of(CLEANUP_POLICY, "compact")));

      // When the legacy AlterConfigs (v2; Admin 4.x no longer sends it) sets only retention.ms
      AlterConfigsRequestData.AlterableConfigCollection configs =
          new AlterConfigsRequestData.AlterableConfigCollection();
      configs.add(
          new AlterConfigsRequestData.AlterableConfig().setName(RETENTION_MS).setValue("2000000"));
      AlterConfigsRequestData.AlterConfigsResourceCollection resources =
          new AlterConfigsRequestData.AlterConfigsResourceCollection();
      resources.add(
          new AlterConfigsRequestData.AlterConfigsResource()
              .setResourceType(ConfigResource.Type.TOPIC.id())
              .setResourceName(topic)
              .setConfigs(configs));
      AlterConfigsResponseData response;
      try (RawKafkaConnection connection =
          RawKafkaConnection.connect(broker, Duration.ofSeconds(30))) {
        response =
            connection
                .<AlterConfigsResponseData>roundTrip(
                    new AlterConfigsRequestData().setResources(resources), (short) 2)
                .body();
      }

      // Then it succeeded, retention.ms is set and cleanup.policy is back to its default
      assertThat(response.responses()).hasSize(1);
      assertThat(response.responses().get(0).errorCode()).isZero();
      eventually(
          () -> {
            assertThat(Admins.topicConfig(admin, topic, RETENTION_MS).value()).isEqualTo("2000000");
            ConfigEntry policy = Admins.topicConfig(admin, topic, CLEANUP_POLICY);
            assertThat(policy.value()).isEqualTo("delete");
            assertThat(policy.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
          });
    }
  }

  @BrokersTest
  void shouldDeleteRecordsAndRejectOffsetAboveHighWatermark(BrokerUnderTest broker) {
    try (Admin admin = Admins.admin(broker)) {
      // Given 5 records in partition 0
      String topic = Clients.uniqueTopic("admin-delete-records");
      createTopic(admin, new NewTopic(topic, 1, (short) 1));
      produce(broker, topic, 0, 5);
      TopicPartition partition = new TopicPartition(topic, 0);

      // When records below 2 are deleted
      long lowWatermark =
          Admins.get(
                  admin
                      .deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(2)))
                      .lowWatermarks()
                      .get(partition))
              .lowWatermark();

      // Then the low watermark and the earliest offset are 2
      assertThat(lowWatermark).isEqualTo(2);
      assertThat(
              Admins.get(admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all())
                  .get(partition)
                  .offset())
          .isEqualTo(2);

      // And deleting above the high watermark fails
      assertThatThrownBy(
              () ->
                  Admins.get(
                      admin
                          .deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(6)))
                          .all()))
          .isInstanceOf(OffsetOutOfRangeException.class);

      // And DescribeLogDirs shows the partition with its size
      int nodeId = Admins.nodeId(broker);
      Map<String, LogDirDescription> dirs =
          Admins.get(admin.describeLogDirs(List.of(nodeId)).allDescriptions()).get(nodeId);
      assertThat(dirs).hasSize(1);
      LogDirDescription dir = dirs.values().iterator().next();
      assertThat(dir.error()).isNull();
      ReplicaInfo replica = dir.replicaInfos().get(partition);
      assertThat(replica).isNotNull();
      assertThat(replica.size()).isPositive();
      assertThat(replica.isFuture()).isFalse();
    }
  }
}
