package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteTopics v1-6 (v6 by name or by topic id). The topic disappears at once; its directories are
 * renamed and removed in the background, so a topic of the same name can be created again
 * immediately, with a new id.
 */
public final class DeleteTopicsHandler extends AbstractApiHandler<DeleteTopicsRequestData> {

  private final TopicManager topics;
  private final TopicController controller;
  private final boolean deletionEnabled;

  public DeleteTopicsHandler(
      TopicManager topics, TopicController controller, boolean deletionEnabled) {
    super(ApiKeys.DELETE_TOPICS, 1, 6);
    this.topics = topics;
    this.controller = controller;
    this.deletionEnabled = deletionEnabled;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DeleteTopicsRequestData request) {
    List<DeleteTopicState> targets = new ArrayList<>();
    if (context.version() >= 6) {
      targets.addAll(request.topics());
    } else {
      for (String name : request.topicNames()) {
        targets.add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
      }
    }
    DeleteTopicsResponseData response = new DeleteTopicsResponseData();
    for (DeleteTopicState target : targets) {
      response.responses().add(delete(target));
    }
    return CompletableFuture.completedFuture(response);
  }

  private DeletableTopicResult delete(DeleteTopicState target) {
    boolean byName = target.name() != null;
    DeletableTopicResult result =
        new DeletableTopicResult().setName(target.name()).setTopicId(target.topicId());
    if (byName && !Uuid.ZERO_UUID.equals(target.topicId())) {
      return result
          .setErrorCode(Errors.INVALID_REQUEST.code())
          .setErrorMessage("You may not specify both topic name and topic id.");
    }
    if (!deletionEnabled) {
      return result
          .setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
          .setErrorMessage("Topic deletion is disabled.");
    }
    Optional<TopicInfo> topic =
        byName ? topics.topic(target.name()) : topics.topic(target.topicId());
    if (topic.isEmpty()) {
      Errors error = byName ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.UNKNOWN_TOPIC_ID;
      return result.setErrorCode(error.code()).setErrorMessage(error.message());
    }
    if (Topic.isInternal(topic.get().name())) {
      return result
          .setName(topic.get().name())
          .setErrorCode(Errors.INVALID_REQUEST.code())
          .setErrorMessage("Cannot delete internal topic " + topic.get().name());
    }
    result.setName(topic.get().name()).setTopicId(topic.get().topicId());
    try {
      controller.delete(topic.get());
      return result.setErrorCode(Errors.NONE.code());
    } catch (org.apache.kafka.common.errors.ApiException e) {
      // The controller refused or did not answer in time.
      return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
    }
  }
}
