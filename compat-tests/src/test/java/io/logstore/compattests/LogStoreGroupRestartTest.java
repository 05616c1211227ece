package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only (the reference broker has no restart fixture): committed offsets survive a clean
 * stop and a SIGKILL, and a group member resumes after them.
 */
@EnabledIf("logStoreSelected")
class LogStoreGroupRestartTest {

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  private static KafkaConsumer<String, String> member(LogStoreBroker broker, String group) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  /** Subscribes, polls until {@code expected} records arrived (commitSync after each poll). */
  private static List<String> consume(
      LogStoreBroker broker, String group, String topic, int expected) {
    List<String> values = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer = member(broker, group)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        consumer.commitSync();
      }
    }
    return values;
  }

  private static void produce(LogStoreBroker broker, String topic, int from, int to)
      throws Exception {
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
      }
    }
  }

  private static long committedTotal(LogStoreBroker broker, String group, String topic) {
    try (KafkaConsumer<String, String> consumer = member(broker, group)) {
      Set<TopicPartition> partitions =
          IntStream.range(0, Clients.PARTITIONS)
              .mapToObj(p -> new TopicPartition(topic, p))
              .collect(Collectors.toSet());
      return consumer.committed(partitions).values().stream()
          .filter(java.util.Objects::nonNull)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }

  @Test
  void shouldKeepCommittedOffsetsAcrossCleanStopAndSigkill() throws Exception {
    try (LogStoreBroker broker = LogStoreBroker.start()) {
      // Given a group that consumed and committed 40 records
      String topic = Clients.uniqueTopic("group-restart");
      String group = "g-" + topic;
      Clients.autoCreate(broker, topic);
      produce(broker, topic, 0, 40);
      assertThat(consume(broker, group, topic, 40)).hasSize(40);

      // When the broker stops cleanly and restarts
      broker.restart();

      // Then the offsets are there and a member reads only what came after
      assertThat(committedTotal(broker, group, topic)).isEqualTo(40);
      produce(broker, topic, 40, 50);
      assertThat(consume(broker, group, topic, 10))
          .hasSize(10)
          .allMatch(v -> Integer.parseInt(v.substring(1)) >= 40);

      // When the broker is killed (SIGKILL) and restarts
      broker.kill();
      broker.restart();

      // Then the acknowledged commits survived too
      assertThat(committedTotal(broker, group, topic)).isEqualTo(50);
      produce(broker, topic, 50, 55);
      assertThat(consume(broker, group, topic, 5))
          .hasSize(5)
          .allMatch(v -> Integer.parseInt(v.substring(1)) >= 50);
    }
  }
}
