package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only (a crash needs the restartable fixture): SIGKILL while several stock producers send
 * with acks=all. After each restart every acknowledged (partition, offset, value) is there, the log
 * holds no gaps, duplicates or foreign values, and new appends continue right after the last record
 * present.
 *
 * <p>The kill moments (a number of acknowledgements reached) come from a seeded {@link Random}; the
 * seed is printed and can be replayed with {@code -Dcompat.crash.seed=N}. Thread scheduling still
 * varies between runs, so a replay hits nearly, not exactly, the same moment.
 */
@EnabledIf("logStoreSelected")
class LogStoreCrashTest {

  private static final int SENDERS = 4;
  private static final int ROUNDS = 3;
  private static final int MAX_RECORDS_PER_ROUND = 50_000;
  private static final int MIN_ACKS_BEFORE_KILL = 1_000;
  private static final int MAX_ACKS_BEFORE_KILL = 30_000;
  private static final Duration ROUND_DEADLINE = Duration.ofSeconds(90);

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  /** One acknowledged record: where the broker said it stored it. */
  private record Ack(int partition, long offset, String value) {}

  @Test
  void shouldKeepEveryAcknowledgedRecordAcrossRepeatedSigkill() throws Exception {
    long seed = Long.getLong("compat.crash.seed", System.nanoTime());
    System.out.println(
        "LogStoreCrashTest seed=" + seed + " (replay: -Dcompat.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    try (LogStoreBroker broker = LogStoreBroker.start()) {
      String topic = Clients.uniqueTopic("crash");
      Clients.autoCreate(broker, topic);
      List<Ack> acknowledged = new ArrayList<>();
      Set<String> sent = ConcurrentHashMap.newKeySet();

      for (int round = 0; round < ROUNDS; round++) {
        int killAfterAcks =
            MIN_ACKS_BEFORE_KILL + random.nextInt(MAX_ACKS_BEFORE_KILL - MIN_ACKS_BEFORE_KILL);
        System.out.println(
            "LogStoreCrashTest seed="
                + seed
                + " round="
                + round
                + " killAfterAcks="
                + killAfterAcks);

        // Given producers sending with acks=all, when the broker is SIGKILLed mid-stream
        List<Ack> roundAcks = sendUntilKilled(broker, topic, round, killAfterAcks, sent);
        acknowledged.addAll(roundAcks);

        // Then after a restart every acknowledged record is at its acknowledged offset
        broker.restart();
        Map<TopicPartition, Map<Long, String>> present = readAll(broker, topic);
        assertAcknowledgedPresent(acknowledged, present, seed, round);
        assertOnlySentValuesWithoutDuplicates(present, sent, seed, round);

        // And new appends continue at the next offset after the last record present
        acknowledged.addAll(
            assertAppendsContinueAfterLastRecord(broker, topic, present, round, sent));
      }
    }
  }

  private static List<Ack> sendUntilKilled(
      LogStoreBroker broker, String topic, int round, int killAfterAcks, Set<String> sent)
      throws InterruptedException {
    List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ackCount = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<KafkaProducer<String, String>> producers = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    int perSender = MAX_RECORDS_PER_ROUND / SENDERS;
    for (int s = 0; s < SENDERS; s++) {
      // Default settings (acks=all, idempotence); a short delivery timeout only for the tail.
      KafkaProducer<String, String> producer =
          Clients.producer(
              broker,
              Map.of(
                  ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                  ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                  ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
      producers.add(producer);
      int sender = s;
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < perSender && !stop.get(); i++) {
                  String value = "r" + round + "-s" + sender + "-" + i;
                  sent.add(value);
                  try {
                    producer.send(
                        new ProducerRecord<>(topic, null, value),
                        (RecordMetadata metadata, Exception error) -> {
                          if (error == null) {
                            acks.add(new Ack(metadata.partition(), metadata.offset(), value));
                            ackCount.incrementAndGet();
                          }
                        });
                  } catch (RuntimeException e) {
                    return; // the producer was closed under us after the kill
                  }
                }
              },
              "crash-sender-" + s);
      senders.add(thread);
      thread.start();
    }
    int target = Math.min(killAfterAcks, MAX_RECORDS_PER_ROUND - 1);
    await("acks before kill").atMost(ROUND_DEADLINE).until(() -> ackCount.get() >= target);
    broker.kill();
    stop.set(true);
    for (KafkaProducer<String, String> producer : producers) {
      // Abort what is in flight: nothing can be acknowledged by a dead broker, and a producer
      // still retrying when the broker comes back would blur the moment of the crash.
      producer.close(Duration.ZERO);
    }
    for (Thread thread : senders) {
      thread.join(ROUND_DEADLINE.toMillis());
    }
    synchronized (acks) {
      return new ArrayList<>(acks);
    }
  }

  private static Map<TopicPartition, Map<Long, String>> readAll(
      LogStoreBroker broker, String topic) {
    List<TopicPartition> partitions = partitions(topic);
    Map<TopicPartition, Map<Long, String>> present = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      partitions.forEach(tp -> present.put(tp, new HashMap<>()));
      long deadline = System.nanoTime() + ROUND_DEADLINE.toNanos();
      while (!caughtUp(consumer, partitions, end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          String previous =
              present
                  .get(new TopicPartition(record.topic(), record.partition()))
                  .put(record.offset(), record.value());
          assertThat(previous).as("offset %s read twice", record.offset()).isNull();
        }
      }
      for (TopicPartition tp : partitions) {
        assertThat(consumer.position(tp)).as("position of %s", tp).isEqualTo(end.get(tp));
        // A log without gaps: offsets 0 .. end-1 are all there (no compaction, no retention).
        assertThat(present.get(tp)).as("records of %s", tp).hasSize(end.get(tp).intValue());
      }
    }
    return present;
  }

  private static boolean caughtUp(
      KafkaConsumer<String, String> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
  }

  private static void assertAcknowledgedPresent(
      List<Ack> acknowledged,
      Map<TopicPartition, Map<Long, String>> present,
      long seed,
      int round) {
    List<Ack> missing = new ArrayList<>();
    for (Ack ack : acknowledged) {
      String value =
          present.get(new TopicPartition(topicOf(present), ack.partition())).get(ack.offset());
      if (!ack.value().equals(value)) {
        missing.add(ack);
      }
    }
    assertThat(missing)
        .as(
            "seed=%d round=%d: acknowledged records missing or different after restart (%d acks)",
            seed, round, acknowledged.size())
        .isEmpty();
  }

  private static void assertOnlySentValuesWithoutDuplicates(
      Map<TopicPartition, Map<Long, String>> present, Set<String> sent, long seed, int round) {
    Set<String> seen = new HashSet<>();
    for (Map<Long, String> records : present.values()) {
      for (String value : records.values()) {
        assertThat(sent.contains(value))
            .as("seed=%d round=%d: %s was never sent", seed, round, value)
            .isTrue();
        assertThat(seen.add(value))
            .as("seed=%d round=%d: %s stored twice", seed, round, value)
            .isTrue();
      }
    }
  }

  private static List<Ack> assertAppendsContinueAfterLastRecord(
      LogStoreBroker broker,
      String topic,
      Map<TopicPartition, Map<Long, String>> present,
      int round,
      Set<String> sent)
      throws Exception {
    List<Ack> appended = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (TopicPartition tp : partitions(topic)) {
        long next = present.get(tp).keySet().stream().mapToLong(o -> o + 1).max().orElse(0);
        String value = "after-r" + round + "-p" + tp.partition();
        sent.add(value);
        RecordMetadata metadata =
            producer.send(new ProducerRecord<>(topic, tp.partition(), null, value)).get();
        assertThat(metadata.offset()).as("first offset after restart on %s", tp).isEqualTo(next);
        appended.add(new Ack(tp.partition(), metadata.offset(), value));
      }
    }
    return appended;
  }

  private static List<TopicPartition> partitions(String topic) {
    return IntStream.range(0, Clients.PARTITIONS)
        .mapToObj(p -> new TopicPartition(topic, p))
        .toList();
  }

  private static String topicOf(Map<TopicPartition, Map<Long, String>> present) {
    return present.keySet().iterator().next().topic();
  }
}
