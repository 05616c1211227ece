package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceConsumeTest {
  @TempDir Path dataDir;

  static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.putAll(extra);
    return new KafkaProducer<>(props);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  static List<ConsumerRecord<String, String>> readAll(
      KafkaConsumer<String, String> consumer, List<TopicPartition> partitions, int expected) {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (records.size() < expected && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }

  @Test
  void shouldReadBackWhatAStockProducerSent() throws Exception {
    // Given a broker that auto-creates 4-partition topics, and a default (idempotent) producer
    try (TestBroker broker = TestBroker.start(dataDir, Map.of("num.partitions", "4"));
        KafkaProducer<String, String> producer = producer(broker.bootstrapServers(), Map.of());
        KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers())) {
      // When 2,000 keyed records are sent
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        acks.add(producer.send(new ProducerRecord<>("orders", "key-" + i, "value-" + i)));
      }
      producer.flush();
      Map<Integer, Long> lastOffset = new HashMap<>();
      for (Future<RecordMetadata> ack : acks) {
        RecordMetadata metadata = ack.get();
        lastOffset.merge(metadata.partition(), metadata.offset(), Math::max);
      }
      // Then a consumer reads exactly those records, in order per partition
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        partitions.add(new TopicPartition("orders", p));
      }
      List<ConsumerRecord<String, String>> records = readAll(consumer, partitions, 2000);
      assertThat(records).hasSize(2000);
      Map<Integer, Long> expectedNext = new HashMap<>();
      for (ConsumerRecord<String, String> record : records) {
        long next = expectedNext.getOrDefault(record.partition(), 0L);
        assertThat(record.offset()).isEqualTo(next);
        expectedNext.put(record.partition(), next + 1);
        assertThat(record.value()).isEqualTo(record.key().replace("key-", "value-"));
      }
      assertThat(lastOffset.keySet()).hasSize(4);
      lastOffset.forEach((p, last) -> assertThat(expectedNext.get(p)).isEqualTo(last + 1));
    }
  }
}
