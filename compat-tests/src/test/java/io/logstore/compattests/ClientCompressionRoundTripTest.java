package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The stock Java producer (defaults: acks=all, idempotence on) writes to a 4-partition topic with
 * each compression codec; the stock consumer (assign + seekToBeginning) reads exactly those records
 * back, in order within each partition.
 */
class ClientCompressionRoundTripTest {

  private static final int RECORDS = 400;

  @BrokersTest
  void shouldRoundTripUncompressedRecords(BrokerUnderTest broker) throws Exception {
    roundTrip(broker, "none");
  }

  @BrokersTest
  void shouldRoundTripGzipRecords(BrokerUnderTest broker) throws Exception {
    roundTrip(broker, "gzip");
  }

  @BrokersTest
  void shouldRoundTripSnappyRecords(BrokerUnderTest broker) throws Exception {
    roundTrip(broker, "snappy");
  }

  @BrokersTest
  void shouldRoundTripLz4Records(BrokerUnderTest broker) throws Exception {
    roundTrip(broker, "lz4");
  }

  @BrokersTest
  void shouldRoundTripZstdRecords(BrokerUnderTest broker) throws Exception {
    roundTrip(broker, "zstd");
  }

  private static void roundTrip(BrokerUnderTest broker, String codec)
      throws InterruptedException, ExecutionException {
    // Given a topic auto-created with the broker's num.partitions=4
    String topic = Clients.uniqueTopic("codec-" + codec);
    List<PartitionInfo> partitions = Clients.autoCreate(broker, topic);
    assertThat(partitions).hasSize(Clients.PARTITIONS);

    // When the stock producer sends records spread over all partitions
    Map<Integer, List<String>> sentByPartition = new LinkedHashMap<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        Clients.producer(broker, Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec))) {
      for (int i = 0; i < RECORDS; i++) {
        int partition = i % Clients.PARTITIONS;
        String value = codec + "-value-" + i + "-" + "x".repeat(i % 50);
        sentByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(value);
        acks.add(producer.send(new ProducerRecord<>(topic, partition, "key-" + i, value)));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      assertThat(ack.get().offset()).isGreaterThanOrEqualTo(0);
    }

    // Then the stock consumer reads exactly those records, in order per partition
    List<TopicPartition> topicPartitions =
        IntStream.range(0, Clients.PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
    List<ConsumerRecord<String, String>> received =
        Clients.readFromBeginning(broker, topicPartitions, RECORDS);
    Map<Integer, List<String>> receivedByPartition =
        received.stream()
            .collect(
                Collectors.groupingBy(
                    ConsumerRecord::partition,
                    LinkedHashMap::new,
                    Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
    assertThat(received).hasSize(RECORDS);
    for (int p = 0; p < Clients.PARTITIONS; p++) {
      assertThat(receivedByPartition.get(p))
          .as("partition %d", p)
          .isEqualTo(sentByPartition.get(p));
    }
    for (ConsumerRecord<String, String> record : received) {
      int index = Integer.parseInt(record.key().substring("key-".length()));
      assertThat(record.offset())
          .as("offset of %s", record.key())
          .isEqualTo(index / Clients.PARTITIONS);
    }
  }
}
