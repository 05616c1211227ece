package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.BrokerConfig;
import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Topic configs changed at runtime take effect for stock clients (4.3.1) without a restart. The
 * retention check runs every 500 ms on both brokers (Kafka's first run still waits 30 s).
 */
@BrokerConfig("log.retention.check.interval.ms=500")
class LiveTopicConfigTest {

  private static final Duration RETENTION_DEADLINE = Duration.ofSeconds(120);

  private static String createTopic(BrokerUnderTest broker, String prefix, Map<String, String> c) {
    String topic = Clients.uniqueTopic(prefix);
    try (Admin admin = Admins.admin(broker)) {
      Admins.createTopic(admin, new NewTopic(topic, 1, (short) 1).configs(c));
    }
    return topic;
  }

  private static void setTopicConfig(BrokerUnderTest broker, String topic, String name, String v) {
    try (Admin admin = Admins.admin(broker)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      AlterConfigOp op = new AlterConfigOp(new ConfigEntry(name, v), AlterConfigOp.OpType.SET);
      Admins.get(admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all());
      Admins.awaitTopicConfig(admin, topic, name, v);
    }
  }

  private static KafkaProducer<String, String> uncompressedProducer(BrokerUnderTest broker) {
    return Clients.producer(
        broker,
        Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", ProducerConfig.RETRIES_CONFIG, 0));
  }

  @BrokersTest
  void shouldRejectRecordAboveLoweredMaxMessageBytes(BrokerUnderTest broker) {
    // Given a topic that took a 2,000-byte record
    String topic = createTopic(broker, "live-max-bytes", Map.of());
    String large = "x".repeat(2_000);
    try (KafkaProducer<String, String> producer = uncompressedProducer(broker)) {
      Admins.get(producer.send(new ProducerRecord<>(topic, 0, null, large)));

      // When max.message.bytes is lowered to 1,000
      setTopicConfig(broker, topic, "max.message.bytes", "1000");

      // Then the same record is refused, and a small one still goes through
      assertThatThrownBy(
              () -> Admins.get(producer.send(new ProducerRecord<>(topic, 0, null, large))))
          .isInstanceOf(RecordTooLargeException.class);
    }
    try (KafkaProducer<String, String> producer = uncompressedProducer(broker)) {
      RecordMetadata small = Admins.get(producer.send(new ProducerRecord<>(topic, 0, null, "ok")));
      assertThat(small.offset()).isEqualTo(1);
    }
  }

  @BrokersTest
  void shouldStampLogAppendTimeOnceConfigured(BrokerUnderTest broker) {
    // Given a topic switched to LogAppendTime
    String topic = createTopic(broker, "live-append-time", Map.of());
    setTopicConfig(broker, topic, "message.timestamp.type", "LogAppendTime");
    long before = System.currentTimeMillis();

    // When a record with an old CreateTime is produced
    RecordMetadata metadata;
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      metadata = Admins.get(producer.send(new ProducerRecord<>(topic, 0, 1_000L, "k", "v")));
    }

    // Then the producer and the consumer see the broker's append time
    assertThat(metadata.timestamp()).isGreaterThanOrEqualTo(before);
    List<ConsumerRecord<String, String>> records =
        Clients.readFromBeginning(broker, List.of(new TopicPartition(topic, 0)), 1);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(records.get(0).timestamp()).isEqualTo(metadata.timestamp());
  }

  @BrokersTest
  void shouldMoveEarliestOffsetOnceRetentionRuns(BrokerUnderTest broker) {
    // Given a topic with 5 records, segments rolled every 100 ms and kept for 1 s
    String topic =
        createTopic(broker, "live-retention", Map.of("segment.ms", "100", "retention.ms", "1000"));
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = 0; i < 5; i++) {
        Admins.get(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)));
      }
    }

    // When the retention check runs
    // Then every expired record is deleted: the earliest offset reaches the log end
    try (Admin admin = Admins.admin(broker)) {
      await()
          .atMost(RETENTION_DEADLINE)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(
                          Admins.get(
                                  admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all())
                              .get(partition)
                              .offset())
                      .isEqualTo(5));
      assertThat(
              Admins.get(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all())
                  .get(partition)
                  .offset())
          .isEqualTo(5);
    }
  }
}
