package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * LogStore only (the reference broker has no restart fixture): acknowledged records survive a clean
 * stop and a SIGKILL. Reported as skipped when {@code -Dcompat.brokers=kafka}.
 */
@EnabledIf("logStoreSelected")
class LogStoreRestartTest {

  private static final int RECORDS = 100;

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  @Test
  void shouldKeepAcknowledgedRecordsAcrossCleanStopAndSigkill() throws Exception {
    try (LogStoreBroker broker = LogStoreBroker.start()) {
      // Given acknowledged records (acks=all)
      String topic = Clients.uniqueTopic("restart");
      Clients.autoCreate(broker, topic);
      List<String> sent = IntStream.range(0, RECORDS).mapToObj(i -> "value-" + i).toList();
      try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
        for (String value : sent) {
          producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
        }
      }

      // When the broker stops cleanly and restarts, then is killed and restarts
      broker.restart();
      assertThat(values(broker, topic)).isEqualTo(sent);
      broker.kill();
      broker.restart();

      // Then every acknowledged record is still there, in order
      assertThat(values(broker, topic)).isEqualTo(sent);
    }
  }

  private static List<String> values(LogStoreBroker broker, String topic) {
    List<String> values = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        Clients.readFromBeginning(broker, List.of(new TopicPartition(topic, 0)), RECORDS)) {
      values.add(record.value());
    }
    return values;
  }
}
