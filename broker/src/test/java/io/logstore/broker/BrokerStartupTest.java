package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.broker.topic.TopicConfigStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStartupTest {
  @TempDir Path first;
  @TempDir Path second;

  @Test
  void shouldRefuseADataDirectoryInUseByAnotherBroker() throws Exception {
    // Given a running broker on a data directory
    try (TestBroker running = TestBroker.start(first, Map.of())) {
      assertThat(running.port()).isPositive();
      // When a second broker starts on the same directory, Then it fails saying why
      assertThatThrownBy(() -> TestBroker.start(first, Map.of()).close())
          .isInstanceOf(BrokerStartupException.class)
          .hasMessageContaining(first.toAbsolutePath().toString())
          .hasMessageContaining("locked");
    }
  }

  @Test
  void shouldRefuseAPortInUse() throws Exception {
    // Given a running broker
    try (TestBroker running = TestBroker.start(first, Map.of())) {
      // When a second broker (own directory) starts on the same port, Then it fails saying why
      Map<String, String> samePort = Map.of("listeners", "PLAINTEXT://127.0.0.1:" + running.port());
      assertThatThrownBy(() -> TestBroker.start(second, samePort).close())
          .isInstanceOf(BrokerStartupException.class)
          .hasMessageContaining(":" + running.port())
          .hasMessageContaining("address already in use");
    }
    // And the refused start released the second directory: a broker can start on it now
    try (TestBroker again = TestBroker.start(second, Map.of())) {
      org.assertj.core.api.Assertions.assertThat(again.port()).isPositive();
    }
  }

  @Test
  void shouldClaimTheLogsOnDiskWhenTheSingleBrokersMetadataIsMissing() throws Exception {
    // Given a single broker with a topic and acknowledged records
    String topic = "kept";
    org.apache.kafka.common.Uuid topicId;
    try (TestBroker broker = TestBroker.start(first, Map.of());
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      topicId = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get().topicId();
      try (var producer = ProduceConsumeTest.producer(broker.bootstrapServers(), Map.of())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i)).get();
        }
      }
    }
    // When its data directory is laid out as before the metadata quorum (partition directories and
    // the topic config store, no __metadata)
    deleteRecursively(first.resolve("__metadata"));
    new TopicConfigStore(first).save(topic, Map.of("retention.ms", "4321"));

    // Then it starts with the same topic, id, override and records, claimed from the disk
    try (TestBroker broker = TestBroker.start(first, Map.of());
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      TopicDescription described =
          admin
              .describeTopics(List.of(topic))
              .topicNameValues()
              .get(topic)
              .get(30, TimeUnit.SECONDS);
      assertThat(described.topicId()).isEqualTo(topicId);
      assertThat(described.partitions()).hasSize(2);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("retention.ms").value()).isEqualTo("4321");
      try (var consumer = ProduceConsumeTest.consumer(broker.bootstrapServers())) {
        List<TopicPartition> partitions =
            List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        assertThat(ProduceConsumeTest.readAll(consumer, partitions, 10))
            .extracting(r -> r.value())
            .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
      }
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }
}
