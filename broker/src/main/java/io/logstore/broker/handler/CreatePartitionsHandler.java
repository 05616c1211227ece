package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** CreatePartitions v0-3: grows a topic; partitions are never removed. */
public final class CreatePartitionsHandler extends AbstractApiHandler<CreatePartitionsRequestData> {

  private final TopicManager topics;
  private final TopicController controller;

  public CreatePartitionsHandler(TopicManager topics, TopicController controller) {
    super(ApiKeys.CREATE_PARTITIONS, 0, 3);
    this.topics = topics;
    this.controller = controller;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, CreatePartitionsRequestData request) {
    CreatePartitionsResponseData response = new CreatePartitionsResponseData();
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new HashSet<>();
    for (CreatePartitionsTopic topic : request.topics()) {
      if (!seen.add(topic.name())) {
        duplicates.add(topic.name());
      }
    }
    for (CreatePartitionsTopic topic : request.topics()) {
      CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
      if (duplicates.contains(topic.name())) {
        response
            .results()
            .add(
                result
                    .setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Duplicate topic name."));
        continue;
      }
      response.results().add(grow(topic, request.validateOnly(), result));
    }
    return CompletableFuture.completedFuture(response);
  }

  private CreatePartitionsTopicResult grow(
      CreatePartitionsTopic request, boolean validateOnly, CreatePartitionsTopicResult result) {
    Optional<TopicInfo> topic = topics.topic(request.name());
    if (topic.isEmpty()) {
      return result
          .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
          .setErrorMessage("The topic '" + request.name() + "' does not exist.");
    }
    int current = topic.get().partitionCount();
    if (request.count() < current) {
      return invalidPartitions(
          result,
          "The topic "
              + request.name()
              + " currently has "
              + current
              + " partition(s); "
              + request.count()
              + " would not be an increase.");
    }
    if (request.count() == current) {
      return invalidPartitions(result, "Topic already has " + current + " partition(s).");
    }
    if (request.assignments() != null) {
      if (request.assignments().size() != request.count() - current) {
        return result
            .setErrorCode(Errors.INVALID_REPLICA_ASSIGNMENT.code())
            .setErrorMessage(
                "Attempted to add "
                    + (request.count() - current)
                    + " additional partition(s), but only "
                    + request.assignments().size()
                    + " assignment(s) were specified.");
      }
      int replicationFactor = controller.replicationFactor(request.name());
      for (CreatePartitionsAssignment assignment : request.assignments()) {
        String problem =
            ReplicaAssignments.check(
                assignment.brokerIds(),
                broker -> controller.registeredBrokers().contains(broker),
                replicationFactor);
        if (problem != null) {
          return result
              .setErrorCode(Errors.INVALID_REPLICA_ASSIGNMENT.code())
              .setErrorMessage(problem);
        }
      }
    }
    if (validateOnly) {
      return result.setErrorCode(Errors.NONE.code());
    }
    List<List<Integer>> assignments = new ArrayList<>();
    if (request.assignments() != null) {
      for (CreatePartitionsAssignment assignment : request.assignments()) {
        assignments.add(List.copyOf(assignment.brokerIds()));
      }
    }
    try {
      controller.addPartitions(topic.get(), request.count(), assignments);
      return result.setErrorCode(Errors.NONE.code());
    } catch (org.apache.kafka.common.errors.ApiException e) {
      return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
    }
  }

  private static CreatePartitionsTopicResult invalidPartitions(
      CreatePartitionsTopicResult result, String message) {
    return result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage(message);
  }
}
