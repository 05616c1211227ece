package io.logstore.compattests;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A stock KafkaConsumer in a group, subscribed to one topic and polled on its own thread until
 * {@link #close()}: what the group gave it (owned partitions, assignment and revocation callbacks,
 * the generation after the last poll) is readable from the test thread.
 */
final class PolledMember implements AutoCloseable {
  final String name;
  final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
  final AtomicInteger assignments = new AtomicInteger();
  final AtomicInteger revocations = new AtomicInteger();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();

  /** The generation after the last poll; -1 before the first join completed. */
  volatile int generation = -1;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * Starts polling {@code topic} with {@code config}; {@code onPoll} sees every poll's records on
   * the polling thread (e.g. to commit).
   */
  PolledMember(
      String name,
      Map<String, Object> config,
      String topic,
      BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> onPoll) {
    this.name = name;
    this.thread = new Thread(() -> run(config, topic, onPoll), name);
    thread.start();
  }

  private void run(
      Map<String, Object> config,
      String topic,
      BiConsumer<KafkaConsumer<String, String>, ConsumerRecords<String, String>> onPoll) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(
          List.of(topic),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              if (!partitions.isEmpty()) {
                revocations.incrementAndGet();
              }
              owned.removeAll(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assignments.incrementAndGet();
              owned.addAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              owned.removeAll(partitions);
            }
          });
      while (running.get()) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        generation = consumer.groupMetadata().generationId();
        onPoll.accept(consumer, records);
      }
    } catch (Throwable t) {
      errors.add(t);
    } finally {
      owned.clear();
    }
  }

  /** Stops polling and closes the consumer (a static member does not leave the group). */
  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name, e);
    }
  }
}
