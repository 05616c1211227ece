package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only: the whole cluster loses power. Three broker processes replicate a topic (RF 3,
 * min.insync.replicas 2) while a stock producer sends with acks=all; all three are SIGKILLed at
 * once, then restarted together. Every acknowledged record must be there exactly once at its
 * acknowledged offset: acks=all means fsynced on the whole ISR, so no replica that can lead after
 * the restart lacks it. (Kafka's defaults give no such promise: its acks=all records may be in page
 * caches only.)
 */
@EnabledIf("logStoreSelected")
class LogStoreClusterCrashTest {
  private static final String TOPIC = "power-loss";
  private static final int PARTITIONS = 3;
  private static final Duration AWAIT = Duration.ofSeconds(90);

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  private record Ack(int partition, long offset) {}

  @Test
  void everyAcknowledgedRecordSurvivesACrashOfEveryBroker() throws Exception {
    // Given three brokers and a replicated topic with a full ISR
    try (LogStoreCluster cluster =
        LogStoreCluster.start(
            3,
            Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "300"))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(TOPIC, PARTITIONS, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2"))))
            .all()
            .get(60, TimeUnit.SECONDS);
        awaitFullIsr(admin);
      }

      // When a producer sends with acks=all and every broker is SIGKILLed while it does
      Map<String, Ack> acked = new ConcurrentHashMap<>();
      Map<String, Object> props = new HashMap<>();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
      KafkaProducer<String, String> producer =
          new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
      long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      int sent = 0;
      while (System.nanoTime() < killAt && sent < 400_000) {
        String value = "r" + sent;
        producer.send(
            new ProducerRecord<>(TOPIC, sent % PARTITIONS, null, value),
            (meta, error) -> {
              if (error == null) {
                acked.put(value, new Ack(meta.partition(), meta.offset()));
              }
            });
        sent++;
        if (sent % 2_000 == 0) {
          Thread.sleep(5); // bounded pace: the brokers, the producer and the test share 2 cores
        }
      }
      for (int id : cluster.nodeIds()) {
        cluster.kill(id);
      }
      int ackedAtKill = acked.size();
      producer.close(Duration.ofSeconds(10));
      Map<String, Ack> ackedRecords = Map.copyOf(acked);
      assertThat(ackedAtKill).as("records acknowledged before the crash").isGreaterThan(1_000);

      // and all three start again together (a broker needs a quorum to answer)
      ExecutorService restarts = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> started = new ArrayList<>();
        for (int id : cluster.nodeIds()) {
          started.add(restarts.submit(() -> cluster.restart(id)));
        }
        for (Future<?> f : started) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        restarts.shutdownNow();
      }

      // Then the high watermarks come back over every acknowledged record (the ISR fetches again),
      // and every acknowledged record is there, once, at its acknowledged offset
      Map<Integer, Long> required = new HashMap<>();
      ackedRecords.values().forEach(a -> required.merge(a.partition(), a.offset() + 1, Math::max));
      Map<String, Ack> found = readAll(cluster.bootstrapServers(), required);
      List<String> missing = new ArrayList<>();
      List<String> moved = new ArrayList<>();
      for (Map.Entry<String, Ack> e : ackedRecords.entrySet()) {
        Ack at = found.get(e.getKey());
        if (at == null) {
          missing.add(e.getKey());
        } else if (!at.equals(e.getValue())) {
          moved.add(e.getKey() + " acked " + e.getValue() + " found " + at);
        }
      }
      System.out.printf(
          "cluster power loss: sent=%d acked=%d found after restart=%d missing=%d moved=%d%n",
          sent, ackedRecords.size(), found.size(), missing.size(), moved.size());
      assertThat(missing).as("acknowledged records lost").isEmpty();
      assertThat(moved).as("acknowledged records at another offset").isEmpty();
    }
  }

  private static void awaitFullIsr(Admin admin) {
    await()
        .atMost(AWAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              TopicDescription d =
                  admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
              for (TopicPartitionInfo p : d.partitions()) {
                assertThat(p.leader()).isNotNull();
                assertThat(p.isr()).hasSize(3);
              }
            });
  }

  /** Every record of the topic, by value; fails on a value stored twice. */
  private static Map<String, Ack> readAll(String bootstrap, Map<Integer, Long> required) {
    Map<String, Ack> found = new HashMap<>();
    Set<String> duplicates = ConcurrentHashMap.newKeySet();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false"),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end =
          await()
              .atMost(AWAIT)
              .ignoreExceptions()
              .until(
                  () -> consumer.endOffsets(partitions, Duration.ofSeconds(5)),
                  e ->
                      e.entrySet().stream()
                          .allMatch(
                              x ->
                                  x.getValue()
                                      >= required.getOrDefault(x.getKey().partition(), 0L)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline && !reachedEnd(consumer, end)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (found.put(r.value(), new Ack(r.partition(), r.offset())) != null) {
            duplicates.add(r.value());
          }
        }
      }
      assertThat(reachedEnd(consumer, end)).as("read to the end offsets " + end).isTrue();
    }
    assertThat(duplicates).as("values stored twice").isEmpty();
    return found;
  }

  private static boolean reachedEnd(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
