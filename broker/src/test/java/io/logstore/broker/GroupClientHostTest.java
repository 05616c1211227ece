package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupClientHostTest {
  @TempDir Path dataDir;

  @Test
  void shouldReportEachMembersHostAsKafkaDoes() throws Exception {
    // Given a consumer group member connected from loopback
    try (TestBroker broker =
            TestBroker.start(dataDir, Map.of("group.initial.rebalance.delay.ms", "0"));
        Admin admin = AdminApiTest.admin(broker.bootstrapServers())) {
      Properties props = new Properties();
      props.put("bootstrap.servers", broker.bootstrapServers());
      props.put("group.id", "hosts");
      props.put("key.deserializer", StringDeserializer.class);
      props.put("value.deserializer", StringDeserializer.class);
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.subscribe(List.of("hosted"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(100));
                  return !consumer.assignment().isEmpty();
                });
        // When the group is described
        ConsumerGroupDescription group =
            admin.describeConsumerGroups(List.of("hosts")).all().get().get("hosts");
        // Then the member's host is its address in Kafka's "/ip" form
        assertThat(group.members()).hasSize(1);
        MemberDescription member = group.members().iterator().next();
        assertThat(member.host()).isEqualTo("/127.0.0.1");
      }
    }
  }
}
