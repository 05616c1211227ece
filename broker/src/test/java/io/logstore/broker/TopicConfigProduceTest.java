package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicConfigProduceTest {
  private static final int GZIP = 1;

  @TempDir Path dataDir;

  private static int codecOfFirstBatch(Path partitionDir) throws Exception {
    Path log;
    try (Stream<Path> files = Files.list(partitionDir)) {
      log = files.filter(f -> f.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(log)) {
      ByteBuffer header = ByteBuffer.allocate(23);
      channel.read(header, 0);
      return header.getShort(21) & 0x07;
    }
  }

  @Test
  void shouldRecompressWithTheTopicsCodec() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = AdminApiTest.admin(broker.bootstrapServers());
        KafkaProducer<String, String> producer =
            ProduceConsumeTest.producer(
                broker.bootstrapServers(), Map.of("compression.type", "none"));
        KafkaConsumer<String, String> consumer =
            ProduceConsumeTest.consumer(broker.bootstrapServers())) {
      // Given a topic whose compression.type is gzip and a producer that sends uncompressed
      admin
          .createTopics(
              List.of(
                  new NewTopic("zipped", 1, (short) 1).configs(Map.of("compression.type", "gzip"))))
          .all()
          .get();
      // When records are produced
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>("zipped", "k" + i, "value-" + i)).get();
      }
      // Then the stored batches are gzip and consumers read the same records at the same offsets
      assertThat(codecOfFirstBatch(dataDir.resolve("zipped-0"))).isEqualTo(GZIP);
      List<ConsumerRecord<String, String>> records =
          ProduceConsumeTest.readAll(consumer, List.of(new TopicPartition("zipped", 0)), 50);
      assertThat(records).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(records.get(i).offset()).isEqualTo(i);
        assertThat(records.get(i).value()).isEqualTo("value-" + i);
      }
    }
  }

  @Test
  void shouldRefuseKeylessRecordsOnCompactedTopic() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = AdminApiTest.admin(broker.bootstrapServers());
        KafkaProducer<String, String> producer =
            ProduceConsumeTest.producer(broker.bootstrapServers(), Map.of("retries", "0"))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("compacted", 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
      // When a keyless record is sent, Then INVALID_RECORD
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("compacted", "no key")).get())
          .hasCauseInstanceOf(InvalidRecordException.class);
      // And a keyed record is accepted
      assertThat(producer.send(new ProducerRecord<>("compacted", "k", "v")).get().offset())
          .isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void shouldStampLogAppendTimeWhenConfigured() throws Exception {
    try (TestBroker broker = TestBroker.start(dataDir, Map.of());
        Admin admin = AdminApiTest.admin(broker.bootstrapServers());
        KafkaProducer<String, String> producer =
            ProduceConsumeTest.producer(broker.bootstrapServers(), Map.of());
        KafkaConsumer<String, String> consumer =
            ProduceConsumeTest.consumer(broker.bootstrapServers())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("stamped", 1, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
          .all()
          .get();
      long before = System.currentTimeMillis();
      long acked =
          producer.send(new ProducerRecord<>("stamped", null, 1L, "k", "v")).get().timestamp();
      List<ConsumerRecord<String, String>> records =
          ProduceConsumeTest.readAll(consumer, List.of(new TopicPartition("stamped", 0)), 1);
      assertThat(records.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
      assertThat(records.get(0).timestamp()).isGreaterThanOrEqualTo(before).isEqualTo(acked);
    }
  }
}
