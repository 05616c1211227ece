package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactedTopicTest {
  private static final String TOPIC = "prices";
  private static final int KEYS = 1000;
  private static final int ROUNDS = 100;

  /** Keys deleted (tombstoned) in the last round: key-0 .. key-9. */
  private static final int DELETED = 10;

  @TempDir Path dataDir;

  @Test
  void shouldKeepTheLatestValuePerKeyAndDropTombstonesOfACompactedTopic() throws Exception {
    // Given: a compacted topic rolling a segment per produce request, cleaned every 100 ms
    try (TestBroker broker = TestBroker.start(dataDir, Map.of("log.cleaner.backoff.ms", "100"));
        Admin admin = admin(broker.bootstrapServers());
        KafkaProducer<String, String> producer =
            ProduceConsumeTest.producer(
                broker.bootstrapServers(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip"))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 1, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy", "compact",
                              "segment.ms", "1",
                              "delete.retention.ms", "0"))))
          .all()
          .get();

      // When: 100 rounds of updates of 1,000 keys (100,000 gzip records), key-0..key-9 deleted in
      // the last round
      Map<String, Long> latestOffsets = new HashMap<>();
      Map<String, String> latestValues = new HashMap<>();
      for (int round = 0; round < ROUNDS; round++) {
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks =
            new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
          String value = round == ROUNDS - 1 && k < DELETED ? null : "v" + round + "-" + k;
          acks.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + k, value)));
          latestValues.put("key-" + k, value);
        }
        producer.flush();
        for (int k = 0; k < KEYS; k++) {
          latestOffsets.put("key-" + k, acks.get(k).get().offset());
        }
        Thread.sleep(5); // let segment.ms pass so that the next request rolls a segment
      }
      long sentinel = producer.send(new ProducerRecord<>(TOPIC, "sentinel", "end")).get().offset();
      for (int k = 0; k < DELETED; k++) {
        latestValues.remove("key-" + k);
      }

      // Then: a consumer from the beginning eventually sees only the latest value of each live
      // key, at the offset it was written at, and the tombstoned key is gone
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      AtomicReference<List<ConsumerRecord<String, String>>> seen = new AtomicReference<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                seen.set(readToEnd(broker.bootstrapServers(), tp, sentinel + 1));
                return seen.get().size() == KEYS - DELETED + 1;
              });
      List<ConsumerRecord<String, String>> records = seen.get();
      for (int i = 1; i < records.size(); i++) {
        assertThat(records.get(i).offset()).isGreaterThan(records.get(i - 1).offset());
      }
      assertThat(records.get(records.size() - 1).offset()).isEqualTo(sentinel);
      for (ConsumerRecord<String, String> r : records.subList(0, records.size() - 1)) {
        assertThat(r.value()).isEqualTo(latestValues.get(r.key()));
        assertThat(r.offset()).isEqualTo(latestOffsets.get(r.key()));
      }
      assertThat(records)
          .extracting(ConsumerRecord::key)
          .doesNotContain("key-0", "key-5", "key-9")
          .contains("key-10", "key-999");
    }
  }

  private static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(props);
  }

  /** Every record from the beginning up to {@code endOffset} (exclusive), with a new consumer. */
  private static List<ConsumerRecord<String, String>> readToEnd(
      String bootstrap, TopicPartition tp, long endOffset) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = ProduceConsumeTest.consumer(bootstrap)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (consumer.position(tp) < endOffset && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }
}
