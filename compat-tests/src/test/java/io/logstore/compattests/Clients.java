package io.logstore.compattests;

import io.logstore.testkit.BrokerUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Stock Java clients (4.3.1) with test-sized bounds, and topic helpers that need no Admin. */
final class Clients {

  static final int PARTITIONS = 4;
  private static final Duration POLL_DEADLINE = Duration.ofSeconds(60);

  private Clients() {}

  /** A unique topic name: tests never share topics, so order does not matter. */
  static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A producer with default settings (acks=all, idempotence on) plus {@code extra}. */
  static KafkaProducer<String, String> producer(BrokerUnderTest broker, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    config.putAll(extra);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** A consumer without a group (assign only). */
  static KafkaConsumer<String, String> consumer(BrokerUnderTest broker) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Creates {@code topic} by auto-creation (a Metadata request from the producer) and returns its
   * partitions; no CreateTopics needed.
   */
  static List<PartitionInfo> autoCreate(BrokerUnderTest broker, String topic) {
    try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
      return producer.partitionsFor(topic);
    }
  }

  /**
   * Reads every partition of {@code partitions} from the beginning until {@code expected} records
   * have arrived or 60 s have passed; returns the records in arrival order.
   */
  static List<ConsumerRecord<String, String>> readFromBeginning(
      BrokerUnderTest broker, Collection<TopicPartition> partitions, int expected) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(broker)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // One more short poll: records beyond the expected count would be a bug too.
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }
}
