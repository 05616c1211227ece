package io.logstore.compattests;

import io.logstore.testkit.BrokerUnderTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/** The stock Java {@link Admin} client (4.3.1) with test-sized timeouts, and blocking helpers. */
final class Admins {

  private Admins() {}

  /** An Admin client for {@code broker}. */
  static Admin admin(BrokerUnderTest broker) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000));
  }

  /** The future's value; an ExecutionException's cause is rethrown as is when unchecked. */
  static <T> T get(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The id of the broker's node, as DescribeCluster reports it. */
  static int nodeId(BrokerUnderTest broker) {
    try (Admin admin = admin(broker)) {
      return get(admin.describeCluster().nodes()).iterator().next().id();
    }
  }

  /** The description of one topic. */
  static TopicDescription describe(Admin admin, String topic) {
    return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
  }

  /** Every config of one topic, by name. */
  static Config topicConfig(Admin admin, String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return get(admin.describeConfigs(List.of(resource)).all()).get(resource);
  }

  /** One config of one topic. */
  static ConfigEntry topicConfig(Admin admin, String topic, String name) {
    return topicConfig(admin, topic).get(name);
  }

  /**
   * Waits until DescribeConfigs shows {@code value} for one topic config. Kafka's broker applies a
   * committed config change from the controller a moment after the alter call returned.
   */
  static void awaitTopicConfig(Admin admin, String topic, String name, String value) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> Assertions.assertThat(topicConfig(admin, topic, name).value()).isEqualTo(value));
  }

  /** Creates one topic and waits until the broker answering metadata knows it. */
  static void createTopic(Admin admin, NewTopic topic) {
    get(admin.createTopics(List.of(topic)).all());
    awaitTopic(admin, topic.name());
  }

  /**
   * Waits until the topic is listed and every partition has a leader. Kafka's broker learns of a
   * created topic from the controller a moment after CreateTopics returned.
   */
  static void awaitTopic(Admin admin, String topic) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Assertions.assertThat(get(admin.listTopics().names())).contains(topic);
              Assertions.assertThat(describe(admin, topic).partitions())
                  .isNotEmpty()
                  .allSatisfy(p -> Assertions.assertThat(p.leader()).isNotNull());
            });
  }
}
