package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stock KafkaConsumers in a group against an in-process broker. */
class ConsumerGroupTest {
  @TempDir Path dataDir;

  private static final Map<String, String> FAST_GROUPS =
      Map.of("num.partitions", "3", "group.initial.rebalance.delay.ms", "0");

  static KafkaConsumer<String, String> groupConsumer(String bootstrap, String groupId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  private static void produce(String bootstrap, String topic, int from, int to) throws Exception {
    try (KafkaProducer<String, String> producer =
        ProduceConsumeTest.producer(bootstrap, Map.of())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int expected) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (values.size() < expected && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        values.add(r.value());
      }
      consumer.commitSync();
    }
    return values;
  }

  @Test
  void shouldResumeFromCommittedOffsetsAcrossConsumersAndRestart() throws Exception {
    // Given 30 records and a group that consumed and committed all of them
    try (TestBroker broker = TestBroker.start(dataDir, FAST_GROUPS)) {
      produce(broker.bootstrapServers(), "orders", 0, 30);
      try (KafkaConsumer<String, String> consumer =
          groupConsumer(broker.bootstrapServers(), "g1")) {
        consumer.subscribe(List.of("orders"));
        assertThat(pollUntil(consumer, 30)).hasSize(30);
      }
      produce(broker.bootstrapServers(), "orders", 30, 40);
    }
    // When the broker restarts and a new consumer of the group subscribes
    try (TestBroker broker = TestBroker.start(dataDir, FAST_GROUPS);
        KafkaConsumer<String, String> consumer = groupConsumer(broker.bootstrapServers(), "g1")) {
      consumer.subscribe(List.of("orders"));
      // Then it reads only the 10 records produced after the commit
      List<String> values = pollUntil(consumer, 10);
      assertThat(values).hasSize(10).allMatch(v -> Integer.parseInt(v.substring(1)) >= 30);
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(
              java.util.Set.of(
                  new TopicPartition("orders", 0),
                  new TopicPartition("orders", 1),
                  new TopicPartition("orders", 2)));
      long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      assertThat(total).isEqualTo(40);
    }
  }
}
