package io.logstore.compattests.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A stock Java producer and consumer round trip, run against whichever kafka-clients version is on
 * the classpath: in process for the pinned 4.3.1, in a forked JVM whose classpath holds only an
 * older kafka-clients (3.9.1, 3.0.2, 2.8.2) and its own dependencies. So this class uses only API
 * that every one of those versions has, and nothing of the test code around it.
 *
 * <p>Per codec: a fresh topic (auto-created with 4 partitions); the producer, with default settings
 * except {@code compression.type}, sends {@code records} records, record {@code i} to partition
 * {@code i % 4}. The acknowledged offsets of each partition must be exactly {@code 0 .. n-1}, and,
 * for clients whose default producer is idempotent (3.0 and later), in send order: offset {@code i
 * / 4}. (2.8's default producer retries without idempotence, so a batch refused while a new topic's
 * leader settles may land after later ones; Kafka itself does that.) A consumer (assign + seek to
 * 0) must read exactly the acknowledged records at their offsets, in order per partition; a second
 * one (assign + seek to an offset in the middle of partition 1) must start at that record.
 *
 * <p>Output, one line each: {@code VERSION v}, then {@code RESULT codec OK detail} or {@code RESULT
 * codec FAIL reason}. Exit code 0 when every codec passed.
 */
public final class JavaClientProgram {

  /** Partitions of an auto-created topic (the brokers run with num.partitions=4). */
  public static final int PARTITIONS = 4;

  private static final Duration POLL_DEADLINE = Duration.ofSeconds(90);

  private JavaClientProgram() {}

  /** {@code bootstrap records codec[,codec...]}. */
  public static void main(String[] args) {
    String bootstrap = args[0];
    int records = Integer.parseInt(args[1]);
    List<String> codecs = Arrays.asList(args[2].split(","));
    System.out.println("VERSION " + AppInfoParser.getVersion());
    boolean allPassed = true;
    for (String codec : codecs) {
      String line = roundTrip(bootstrap, codec, records);
      allPassed &= line.contains(" OK ");
      System.out.println(line);
    }
    System.out.flush();
    System.exit(allPassed ? 0 : 1);
  }

  /** The kafka-clients version on the classpath. */
  public static String clientVersion() {
    return AppInfoParser.getVersion();
  }

  /** One codec's round trip; returns the {@code RESULT} line and never throws. */
  public static String roundTrip(String bootstrap, String codec, int records) {
    String topic = "java-" + codec + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      String[][] acknowledged = produce(bootstrap, topic, codec, records);
      consumeFromBeginning(bootstrap, topic, acknowledged, records);
      int from = acknowledged[1].length / 2;
      consumeFromOffset(bootstrap, topic, 1, from, acknowledged[1][from]);
      return "RESULT "
          + codec
          + " OK produced="
          + records
          + " consumed="
          + records
          + " fromOffset="
          + from;
    } catch (Exception | AssertionError e) {
      return "RESULT " + codec + " FAIL " + String.valueOf(e).replace('\n', ' ');
    }
  }

  static String value(String codec, int index) {
    StringBuilder value = new StringBuilder(codec).append("-value-").append(index).append('-');
    for (int i = 0; i < index % 50; i++) {
      value.append('x');
    }
    return value.toString();
  }

  /** Sends the records; returns the acknowledged value at each [partition][offset]. */
  private static String[][] produce(String bootstrap, String topic, String codec, int records)
      throws Exception {
    Properties config = new Properties();
    config.put("bootstrap.servers", bootstrap);
    config.put("compression.type", codec);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    List<Future<RecordMetadata>> acks = new ArrayList<>(records);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      List<PartitionInfo> partitions = producer.partitionsFor(topic);
      check(partitions.size() == PARTITIONS, "partitions of " + topic + ": " + partitions.size());
      for (int i = 0; i < records; i++) {
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, i % PARTITIONS, "key-" + i, value(codec, i))));
      }
      producer.flush();
    }
    boolean idempotentByDefault = !clientVersion().startsWith("2.");
    String[][] acknowledged = new String[PARTITIONS][records / PARTITIONS];
    for (int i = 0; i < records; i++) {
      RecordMetadata metadata = acks.get(i).get();
      int p = metadata.partition();
      long offset = metadata.offset();
      String where = "record " + i + " acknowledged at " + p + "@" + offset;
      check(p == i % PARTITIONS, where);
      check(offset >= 0 && offset < acknowledged[p].length, where + ": beyond the records sent");
      check(acknowledged[p][(int) offset] == null, where + ": offset acknowledged twice");
      check(!idempotentByDefault || offset == i / PARTITIONS, where + ": out of send order");
      acknowledged[p][(int) offset] = value(codec, i);
    }
    return acknowledged;
  }

  private static void consumeFromBeginning(
      String bootstrap, String topic, String[][] acknowledged, int records) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    int[] nextOffset = new int[PARTITIONS];
    int received = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
      consumer.assign(partitions);
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, 0);
      }
      long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
      while (received < records && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          int p = record.partition();
          int offset = nextOffset[p]++;
          check(record.offset() == offset, "expected offset " + offset + ", got " + record);
          check(offset < acknowledged[p].length, "record beyond the ones sent: " + record);
          check(record.value().equals(acknowledged[p][offset]), "unexpected value in " + record);
          String index = record.value().substring(record.value().indexOf("-value-") + 7);
          check(
              record.key().equals("key-" + index.substring(0, index.indexOf('-'))),
              "unexpected key in " + record);
          received++;
        }
      }
      check(received == records, "received " + received + " of " + records + " records");
      check(consumer.poll(Duration.ofMillis(300)).isEmpty(), "records beyond the ones sent");
    }
  }

  private static void consumeFromOffset(
      String bootstrap, String topic, int partition, long from, String expected) {
    TopicPartition tp = new TopicPartition(topic, partition);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, from);
      long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
      while (System.nanoTime() < deadline) {
        List<ConsumerRecord<String, String>> polled =
            consumer.poll(Duration.ofMillis(200)).records(tp);
        if (!polled.isEmpty()) {
          ConsumerRecord<String, String> first = polled.get(0);
          check(first.offset() == from, "seek to " + from + " returned offset " + first.offset());
          check(first.value().equals(expected), "unexpected value in " + first);
          return;
        }
      }
      throw new AssertionError("no record after seek to " + tp + "@" + from);
    }
  }

  private static Properties consumerConfig(String bootstrap) {
    Properties config = new Properties();
    config.put("bootstrap.servers", bootstrap);
    config.put("enable.auto.commit", "false");
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    return config;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
