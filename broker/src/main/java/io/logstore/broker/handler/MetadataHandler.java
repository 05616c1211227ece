package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata v0-13: brokers, topics with their ids, partitions with leader, leader epoch, replicas
 * and ISR. Creates missing topics when {@code auto.create.topics.enable} and the request allow it.
 */
public final class MetadataHandler extends AbstractApiHandler<MetadataRequestData> {
  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final Supplier<BrokerIdentity> identity;
  private final boolean autoCreateTopics;
  private final int defaultPartitions;
  private final ClusterView cluster;
  private final int defaultReplicationFactor;

  /**
   * Brokers, topics, leaders, replicas and ISR come from the metadata image, and auto-creation is a
   * controller command: the first answer for a new topic is LEADER_NOT_AVAILABLE, as in Kafka.
   */
  public MetadataHandler(
      Supplier<BrokerIdentity> identity,
      boolean autoCreateTopics,
      int defaultPartitions,
      ClusterView cluster,
      int defaultReplicationFactor) {
    super(ApiKeys.METADATA, 0, 13);
    this.identity = identity;
    this.autoCreateTopics = autoCreateTopics;
    this.defaultPartitions = defaultPartitions;
    this.cluster = cluster;
    this.defaultReplicationFactor = defaultReplicationFactor;
  }

  @Override
  public CompletionStage<ApiMessage> handle(RequestContext context, MetadataRequestData request) {
    return CompletableFuture.completedFuture(answer(context, request));
  }

  private MetadataResponseData answer(RequestContext context, MetadataRequestData request) {
    MetadataImage image = cluster.image();
    MetadataResponseData response =
        new MetadataResponseData()
            .setClusterId(identity.get().clusterId())
            .setControllerId(cluster.controllerId())
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    Set<Integer> active = new HashSet<>();
    for (BrokerRecord b : cluster.activeBrokers()) {
      active.add(b.brokerId());
      response
          .brokers()
          .add(
              new MetadataResponseBroker()
                  .setNodeId(b.brokerId())
                  .setHost(b.host())
                  .setPort(b.port()));
    }
    boolean allTopics =
        request.topics() == null || (context.version() == 0 && request.topics().isEmpty());
    if (allTopics) {
      for (TopicImage topic : image.topicsById().values()) {
        response.topics().add(describe(topic, active));
      }
      return response;
    }
    boolean mayCreate =
        autoCreateTopics && (context.version() < 4 || request.allowAutoTopicCreation());
    for (MetadataRequestTopic requested : request.topics()) {
      if (requested.name() == null) {
        Uuid id = requested.topicId();
        Optional<TopicImage> byId =
            id == null ? Optional.empty() : image.topic(ClusterView.toJava(id));
        response
            .topics()
            .add(
                byId.map(t -> describe(t, active))
                    .orElseGet(
                        () ->
                            error(
                                null, id == null ? Uuid.ZERO_UUID : id, Errors.UNKNOWN_TOPIC_ID)));
        continue;
      }
      String name = requested.name();
      Optional<TopicImage> existing = image.topic(name);
      if (existing.isPresent()) {
        response.topics().add(describe(existing.get(), active));
        continue;
      }
      try {
        Topic.validate(name);
      } catch (InvalidTopicException e) {
        response.topics().add(error(name, Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION));
        continue;
      }
      if (!mayCreate || Topic.isInternal(name)) {
        response.topics().add(error(name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      cluster.execute(
          new ControllerCommand.CreateTopic(
              name,
              UUID.randomUUID(),
              defaultPartitions,
              Math.min(defaultReplicationFactor, Math.max(1, active.size()))));
      response.topics().add(error(name, Uuid.ZERO_UUID, Errors.LEADER_NOT_AVAILABLE));
    }
    return response;
  }

  private static MetadataResponseTopic describe(TopicImage topic, Set<Integer> active) {
    MetadataResponseTopic result =
        new MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(ClusterView.toKafka(topic.topicId()))
            .setIsInternal(Topic.isInternal(topic.name()))
            .setErrorCode(Errors.NONE.code())
            .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    for (PartitionRecord p : topic.partitions().values()) {
      List<Integer> offline = new ArrayList<>();
      for (int r : p.replicas()) {
        if (!active.contains(r)) {
          offline.add(r);
        }
      }
      boolean hasLeader = p.leader() >= 0 && active.contains(p.leader());
      result
          .partitions()
          .add(
              new MetadataResponsePartition()
                  .setPartitionIndex(p.partition())
                  .setErrorCode(hasLeader ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                  .setLeaderId(hasLeader ? p.leader() : -1)
                  .setLeaderEpoch(p.leaderEpoch())
                  .setReplicaNodes(p.replicas())
                  .setIsrNodes(p.isr())
                  .setOfflineReplicas(offline));
    }
    return result;
  }

  private static MetadataResponseTopic error(String name, Uuid id, Errors error) {
    return new MetadataResponseTopic()
        .setName(name)
        .setTopicId(id)
        .setErrorCode(error.code())
        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
  }
}
