package io.logstore.compattests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A group member in its own JVM, for tests that kill a member with SIGKILL (it then stops
 * heartbeating without leaving). Args: bootstrap, group, topic, assignment strategy class, session
 * timeout ms. Polls and commits until killed.
 */
public final class GroupMemberMain {
  private GroupMemberMain() {}

  public static void main(String[] args) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            args[0],
            ConsumerConfig.GROUP_ID_CONFIG,
            args[1],
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            args[3],
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            Integer.parseInt(args[4]),
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            500,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(args[2]));
      while (true) {
        if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
          consumer.commitSync();
        }
      }
    }
  }
}
