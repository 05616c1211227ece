package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.LogStoreBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LogStore only (it edits the broker's files): a torn last batch with a deleted offset index, as a
 * half-written append followed by a lost index would leave it, seen through a stock client after
 * restart.
 *
 * <p>Segment files hold Kafka v2 batches back to back: {@code baseOffset int64, batchLength int32,
 * ...batchLength bytes}, so the test finds batch boundaries from the file itself.
 */
@EnabledIf("logStoreSelected")
class LogStoreRecoveryTest {

  private static final int BATCHES = 40;
  private static final int RECORDS_PER_BATCH = 5;
  private static final int BATCH_HEADER_BYTES = 12;

  static boolean logStoreSelected() {
    return Brokers.selected().contains(Brokers.LOGSTORE);
  }

  /** How the broker goes down before its files are damaged. */
  enum Shutdown {
    /** SIGKILL: no clean-shutdown marker, so recovery validates the tail anyway. */
    SIGKILL,
    /** SIGTERM: clean-shutdown marker present; the damaged index must trigger recovery. */
    SIGTERM
  }

  @ParameterizedTest
  @EnumSource(Shutdown.class)
  void shouldServeCompleteBatchesAndAcceptAppendsAfterTornTailAndDeletedIndex(Shutdown shutdown)
      throws Exception {
    try (LogStoreBroker broker = LogStoreBroker.start()) {
      // Given acknowledged batches in partition 0
      String topic = Clients.uniqueTopic("torn");
      Clients.autoCreate(broker, topic);
      TopicPartition partition = new TopicPartition(topic, 0);
      List<String> sent = new ArrayList<>();
      try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
        for (int b = 0; b < BATCHES; b++) {
          for (int r = 0; r < RECORDS_PER_BATCH; r++) {
            String value = "batch-" + b + "-record-" + r;
            sent.add(value);
            producer.send(new ProducerRecord<>(topic, 0, null, value));
          }
          producer.flush();
        }
      }

      // When the broker is stopped, the last batch of the last segment is cut in half and the
      // segment's offset index is deleted
      switch (shutdown) {
        case SIGKILL -> broker.kill();
        case SIGTERM -> broker.stop();
      }
      Path segment = lastSegment(broker.dataDir().resolve(topic + "-0"));
      long tornBatchBaseOffset = tearLastBatch(segment);
      Path index = Path.of(segment.toString().replaceFirst("\\.log$", ".index"));
      Files.deleteIfExists(index);
      broker.restart();

      // Then a consumer reads every record of the complete batches and nothing else
      List<String> expected = sent.subList(0, (int) tornBatchBaseOffset);
      List<ConsumerRecord<String, String>> read =
          Clients.readFromBeginning(broker, List.of(partition), expected.size());
      assertThat(read.stream().map(ConsumerRecord::value).toList()).isEqualTo(expected);
      assertThat(read.stream().map(ConsumerRecord::offset).toList())
          .isEqualTo(Stream.iterate(0L, o -> o + 1).limit(expected.size()).toList());

      // And new appends succeed, starting where the torn batch began
      try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
        RecordMetadata metadata =
            producer.send(new ProducerRecord<>(topic, 0, null, "after-recovery")).get();
        assertThat(metadata.offset()).isEqualTo(tornBatchBaseOffset);
      }
      List<ConsumerRecord<String, String>> after =
          Clients.readFromBeginning(broker, List.of(partition), expected.size() + 1);
      assertThat(after).hasSize(expected.size() + 1);
      assertThat(after.get(after.size() - 1).value()).isEqualTo("after-recovery");
    }
  }

  private static Path lastSegment(Path partitionDir) throws IOException {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".log"))
          .max(Path::compareTo)
          .orElseThrow(() -> new IllegalStateException("no .log segment in " + partitionDir));
    }
  }

  /**
   * Truncates {@code segment} in the middle of its last batch and returns that batch's base offset
   * (the first offset that is lost).
   */
  private static long tearLastBatch(Path segment) throws IOException {
    try (FileChannel channel =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long position = 0;
      long lastStart = -1;
      long lastBaseOffset = -1;
      long lastLength = -1;
      ByteBuffer header = ByteBuffer.allocate(BATCH_HEADER_BYTES);
      while (position + BATCH_HEADER_BYTES <= size) {
        header.clear();
        channel.read(header, position);
        header.flip();
        long baseOffset = header.getLong();
        int batchLength = header.getInt();
        long total = BATCH_HEADER_BYTES + (long) batchLength;
        if (batchLength <= 0 || position + total > size) {
          break; // preallocated or already torn space: the log ends here
        }
        lastStart = position;
        lastBaseOffset = baseOffset;
        lastLength = total;
        position += total;
      }
      if (lastStart < 0) {
        throw new IllegalStateException("no complete batch in " + segment);
      }
      channel.truncate(lastStart + lastLength / 2);
      return lastBaseOffset;
    }
  }
}
