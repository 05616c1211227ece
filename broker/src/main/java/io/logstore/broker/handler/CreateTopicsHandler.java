package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.broker.topic.ResolvedConfig;
import io.logstore.broker.topic.TopicConfigDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics v2-7: partitions, replication factor (one broker: 1), explicit assignments, configs,
 * validate-only, and the -1 defaults. Errors and messages as Kafka's controller gives them.
 */
public final class CreateTopicsHandler extends AbstractApiHandler<CreateTopicsRequestData> {
  private final TopicManager topics;
  private final TopicController controller;
  private final int defaultPartitions;
  private final int defaultReplicationFactor;

  public CreateTopicsHandler(
      TopicManager topics,
      TopicController controller,
      int defaultPartitions,
      int defaultReplicationFactor) {
    super(ApiKeys.CREATE_TOPICS, 2, 7);
    this.topics = topics;
    this.controller = controller;
    this.defaultPartitions = defaultPartitions;
    this.defaultReplicationFactor = defaultReplicationFactor;
  }

  /** A failed validation: the error and Kafka's message. */
  private record Failure(Errors error, String message) {}

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, CreateTopicsRequestData request) {
    CreateTopicsResponseData response = new CreateTopicsResponseData();
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new TreeSet<>();
    for (CreatableTopic topic : request.topics()) {
      if (!seen.add(topic.name())) {
        duplicates.add(topic.name());
      }
    }
    for (CreatableTopic topic : request.topics()) {
      CreatableTopicResult result =
          new CreatableTopicResult()
              .setName(topic.name())
              .setTopicId(Uuid.ZERO_UUID)
              .setNumPartitions(-1)
              .setReplicationFactor((short) -1);
      if (response.topics().find(topic.name()) != null) {
        continue;
      }
      response.topics().add(result);
      if (duplicates.contains(topic.name())) {
        fail(
            result,
            new Failure(
                Errors.INVALID_REQUEST,
                "Create topics request from client `"
                    + context.clientId()
                    + "` contains multiple entries for the following topics: "
                    + String.join(", ", duplicates)));
        continue;
      }
      create(context.version(), request.validateOnly(), topic, result);
    }
    return CompletableFuture.completedFuture(response);
  }

  private void create(
      short version, boolean validateOnly, CreatableTopic topic, CreatableTopicResult result) {
    Failure failure = validateName(topic.name());
    int partitions = topic.numPartitions() == -1 ? defaultPartitions : topic.numPartitions();
    int replicationFactor =
        topic.replicationFactor() == -1 ? defaultReplicationFactor : topic.replicationFactor();
    if (failure == null && !topic.assignments().isEmpty()) {
      if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
        failure =
            new Failure(
                Errors.INVALID_REQUEST,
                "Both numPartitions or replicationFactor and replicasAssignments were set. "
                    + "Both cannot be used at the same time.");
      } else {
        failure = validateAssignments(topic);
        partitions = topic.assignments().size();
        replicationFactor = topic.assignments().iterator().next().brokerIds().size();
      }
    } else if (failure == null) {
      failure = validateCounts(partitions, replicationFactor);
    }
    Map<String, String> configs = new HashMap<>();
    if (failure == null) {
      failure = validateConfigs(topic, configs);
    }
    if (failure == null && topics.topic(topic.name()).isPresent()) {
      failure =
          new Failure(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + topic.name() + "' already exists.");
    }
    if (failure != null) {
      fail(result, failure);
      return;
    }
    result.setErrorCode(Errors.NONE.code());
    if (version >= 5) {
      result.setNumPartitions(partitions).setReplicationFactor((short) replicationFactor);
      for (ResolvedConfig config : topics.configResolver().describeTopic(configs)) {
        result
            .configs()
            .add(
                new CreatableTopicConfigs()
                    .setName(config.name())
                    .setValue(config.value())
                    .setReadOnly(config.readOnly())
                    .setConfigSource(config.source().id())
                    .setIsSensitive(false));
      }
    }
    if (!validateOnly) {
      try {
        TopicInfo created =
            controller.create(
                topic.name(), partitions, replicationFactor, configs, assignments(topic));
        result.setTopicId(created.topicId());
      } catch (ApiException e) {
        result.setNumPartitions(-1).setReplicationFactor((short) -1).configs().clear();
        fail(result, new Failure(Errors.forException(e), e.getMessage()));
      }
    }
  }

  private static Failure validateName(String name) {
    try {
      Topic.validate(name);
      return null;
    } catch (InvalidTopicException e) {
      return new Failure(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
    }
  }

  private Failure validateCounts(int partitions, int replicationFactor) {
    if (partitions <= 0) {
      return new Failure(
          Errors.INVALID_PARTITIONS,
          "Number of partitions was set to an invalid non-positive value.");
    }
    if (replicationFactor <= 0) {
      return new Failure(
          Errors.INVALID_REPLICATION_FACTOR,
          "Replication factor must be larger than 0, or -1 to use the default value.");
    }
    int brokers = controller.activeBrokers();
    if (replicationFactor > brokers) {
      return new Failure(
          Errors.INVALID_REPLICATION_FACTOR,
          "Unable to replicate the partition "
              + replicationFactor
              + " time(s): The target replication factor of "
              + replicationFactor
              + " cannot be reached because only "
              + brokers
              + " broker(s) are registered or some brokers have"
              + " all their log directories cordoned.");
    }
    return null;
  }

  /** The request's replicas per partition, in partition order (empty: none assigned). */
  private static List<List<Integer>> assignments(CreatableTopic topic) {
    List<CreatableReplicaAssignment> sorted = new ArrayList<>(topic.assignments());
    sorted.sort(java.util.Comparator.comparingInt(CreatableReplicaAssignment::partitionIndex));
    List<List<Integer>> out = new ArrayList<>();
    for (CreatableReplicaAssignment assignment : sorted) {
      out.add(List.copyOf(assignment.brokerIds()));
    }
    return out;
  }

  private Failure validateAssignments(CreatableTopic topic) {
    int expectedIndex = 0;
    Set<Integer> indexes = new TreeSet<>();
    for (CreatableReplicaAssignment assignment : topic.assignments()) {
      indexes.add(assignment.partitionIndex());
    }
    for (int index : indexes) {
      if (index != expectedIndex++) {
        return new Failure(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "Partitions should be numbered sequentially, starting at 0, but partition "
                + index
                + " was found.");
      }
    }
    int expectedCount = -1;
    for (List<Integer> replicas : assignments(topic)) {
      String problem =
          ReplicaAssignments.check(
              replicas, broker -> controller.registeredBrokers().contains(broker), expectedCount);
      if (problem != null) {
        return new Failure(Errors.INVALID_REPLICA_ASSIGNMENT, problem);
      }
      expectedCount = replicas.size();
    }
    return null;
  }

  private static Failure validateConfigs(CreatableTopic topic, Map<String, String> configs) {
    for (CreatableTopicConfig config : topic.configs()) {
      if (config.value() == null) {
        return new Failure(
            Errors.INVALID_REQUEST, "Null value not supported for topic configs: " + config.name());
      }
      try {
        configs.put(config.name(), TopicConfigDefinition.validate(config.name(), config.value()));
      } catch (ConfigException e) {
        return new Failure(Errors.INVALID_CONFIG, e.getMessage());
      }
    }
    return null;
  }

  private static void fail(CreatableTopicResult result, Failure failure) {
    result.setErrorCode(failure.error().code()).setErrorMessage(failure.message());
  }
}
