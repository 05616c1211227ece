package io.logstore.broker.cluster;

import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic creation and deletion in a cluster: commits the controller command, then waits (bounded)
 * until this broker's replica manager has applied the image that holds the change, so the answer
 * and the local view agree. Blocking: called on the admin thread, never on an event loop.
 */
final class ClusterTopicController implements TopicController {
  private static final long TIMEOUT_MS = 30_000;
  private static final long POLL_MS = 10;

  private final ClusterNode node;
  private final ReplicaManager replicas;
  private final TopicManager topics;

  ClusterTopicController(ClusterNode node, ReplicaManager replicas, TopicManager topics) {
    this.node = node;
    this.replicas = replicas;
    this.topics = topics;
  }

  @Override
  public int activeBrokers() {
    return (int)
        node.image().brokers().values().stream()
            .filter(b -> b.state() == BrokerState.ACTIVE)
            .count();
  }

  @Override
  public Set<Integer> registeredBrokers() {
    return Set.copyOf(node.image().brokers().keySet());
  }

  @Override
  public int replicationFactor(String topic) {
    return node.image()
        .topic(topic)
        .map(t -> t.partitions().get(0))
        .map(p -> p.replicas().size())
        .orElse(0);
  }

  @Override
  public TopicInfo create(
      String name,
      int partitions,
      int replicationFactor,
      Map<String, String> configs,
      List<List<Integer>> assignments) {
    UUID id = UUID.randomUUID();
    CommandOutcome outcome =
        execute(
            new ControllerCommand.CreateTopic(
                name, id, partitions, replicationFactor, configs, assignments));
    if (!outcome.succeeded()) {
      throw toApiException(outcome.error(), "cannot create topic " + name);
    }
    org.apache.kafka.common.Uuid kafkaId =
        new org.apache.kafka.common.Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    return awaitLocal(
        () -> topics.topic(name).filter(t -> t.topicId().equals(kafkaId)),
        "topic " + name + " was created");
  }

  @Override
  public void delete(TopicInfo topic) {
    UUID id =
        new UUID(
            topic.topicId().getMostSignificantBits(), topic.topicId().getLeastSignificantBits());
    CommandOutcome outcome = execute(new ControllerCommand.DeleteTopic(id));
    if (!outcome.succeeded()) {
      throw toApiException(outcome.error(), "cannot delete topic " + topic.name());
    }
    awaitLocal(
        () -> topics.topic(topic.topicId()).isPresent() ? Optional.empty() : Optional.of(topic),
        "topic " + topic.name() + " was deleted");
  }

  @Override
  public TopicInfo addPartitions(TopicInfo topic, int newCount, List<List<Integer>> assignments) {
    UUID id =
        new UUID(
            topic.topicId().getMostSignificantBits(), topic.topicId().getLeastSignificantBits());
    CommandOutcome outcome =
        execute(new ControllerCommand.CreatePartitions(id, newCount, assignments));
    if (!outcome.succeeded()) {
      throw toApiException(outcome.error(), "cannot add partitions to " + topic.name());
    }
    return awaitLocal(
        () -> topics.topic(topic.topicId()).filter(t -> t.partitionCount() >= newCount),
        "partitions of " + topic.name() + " were added");
  }

  @Override
  public void replaceOverrides(String topic, Map<String, String> overrides) {
    CommandOutcome outcome = execute(new ControllerCommand.AlterTopicConfigs(topic, overrides));
    if (!outcome.succeeded()) {
      throw toApiException(outcome.error(), "cannot alter the configs of " + topic);
    }
    awaitLocal(
        () -> topics.overrides(topic).equals(overrides) ? Optional.of(topic) : Optional.empty(),
        "configs of " + topic + " were altered");
  }

  /**
   * Waits (bounded) until this broker's replica manager has applied the committed change, i.e.
   * {@code probe} gives a value.
   */
  private <T> T awaitLocal(java.util.function.Supplier<Optional<T>> probe, String change) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      replicas.reapply();
      sleep();
    }
    throw new org.apache.kafka.common.errors.TimeoutException(
        change + " but broker " + node.nodeId() + " has not applied it yet");
  }

  private CommandOutcome execute(ControllerCommand command) {
    try {
      return node.quorum().execute(command).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotControllerException("interrupted while waiting for the controller");
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new NotControllerException("the controller did not answer: " + e);
    }
  }

  private static ApiException toApiException(ReplicationError error, String message) {
    Errors e;
    try {
      e = Errors.valueOf(error.name());
    } catch (IllegalArgumentException notKafka) {
      e = Errors.UNKNOWN_SERVER_ERROR;
    }
    return e.exception(message);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
