package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.utils.Utils;

/**
 * FindCoordinator v0-6 (v4+ batches keys). This single broker coordinates every group. Transaction
 * coordinators (key type 1) are not served: COORDINATOR_NOT_AVAILABLE.
 */
public final class FindCoordinatorHandler extends AbstractApiHandler<FindCoordinatorRequestData> {
  private final ClusterView cluster;
  private final int offsetsPartitions;
  private final int offsetsReplicationFactor;

  /** At most one creation attempt of the offsets topic per second. */
  private final java.util.concurrent.atomic.AtomicLong lastCreateNanos =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - CREATE_RETRY_NANOS);

  private static final long CREATE_RETRY_NANOS = 1_000_000_000L;

  /**
   * A group's coordinator is the leader of its {@code __consumer_offsets} partition ({@code
   * abs(hash(groupId)) % partitions}, as in Kafka). The topic is created (through the controller)
   * by the first FindCoordinator, which answers COORDINATOR_NOT_AVAILABLE until it has a leader, as
   * Kafka does.
   */
  public FindCoordinatorHandler(
      ClusterView cluster, int offsetsPartitions, int offsetsReplicationFactor) {
    super(ApiKeys.FIND_COORDINATOR, 0, ApiKeys.FIND_COORDINATOR.latestVersion(false));
    this.cluster = cluster;
    this.offsetsPartitions = offsetsPartitions;
    this.offsetsReplicationFactor = offsetsReplicationFactor;
  }

  /** Where a coordinator is. */
  private record Endpoint(int nodeId, String host, int port) {}

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, FindCoordinatorRequestData request) {
    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
    boolean batched = context.version() >= 4;
    for (String key : batched ? request.coordinatorKeys() : List.of(request.key())) {
      Errors error = errorFor(request.keyType(), key);
      Endpoint coordinator = null;
      if (error == Errors.NONE) {
        coordinator = groupCoordinator(key);
        if (coordinator == null) {
          error = Errors.COORDINATOR_NOT_AVAILABLE;
        }
      }
      String message = error == Errors.NONE ? null : error.message();
      int nodeId = coordinator == null ? -1 : coordinator.nodeId();
      String host = coordinator == null ? "" : coordinator.host();
      int port = coordinator == null ? -1 : coordinator.port();
      if (batched) {
        response
            .coordinators()
            .add(
                new Coordinator()
                    .setKey(key)
                    .setErrorCode(error.code())
                    .setErrorMessage(message)
                    .setNodeId(nodeId)
                    .setHost(host)
                    .setPort(port));
      } else {
        response
            .setErrorCode(error.code())
            .setErrorMessage(message)
            .setNodeId(nodeId)
            .setHost(host)
            .setPort(port);
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  /** The leader of the group's offsets partition, if it has one (creating the topic first). */
  private Endpoint groupCoordinator(String groupId) {
    MetadataImage image = cluster.image();
    Optional<MetadataImage.TopicImage> topic = image.topic(Topic.GROUP_METADATA_TOPIC_NAME);
    if (topic.isEmpty()) {
      int active = cluster.activeBrokers().size();
      long now = System.nanoTime();
      long last = lastCreateNanos.get();
      if (active > 0
          && now - last > CREATE_RETRY_NANOS
          && lastCreateNanos.compareAndSet(last, now)) {
        cluster.execute(
            new ControllerCommand.CreateTopic(
                Topic.GROUP_METADATA_TOPIC_NAME,
                UUID.randomUUID(),
                offsetsPartitions,
                Math.min(offsetsReplicationFactor, active),
                Map.of("cleanup.policy", "compact")));
      }
      return null;
    }
    int partitions = topic.get().partitions().size();
    PartitionRecord p = topic.get().partitions().get(Utils.abs(groupId.hashCode()) % partitions);
    if (p == null || p.leader() < 0) {
      return null;
    }
    return image
        .broker(p.leader())
        .filter(b -> b.state() == io.logstore.replication.metadata.BrokerState.ACTIVE)
        .map(b -> new Endpoint(b.brokerId(), b.host(), b.port()))
        .orElse(null);
  }

  private static Errors errorFor(byte keyType, String key) {
    if (keyType == CoordinatorType.GROUP.id()) {
      return Errors.NONE;
    }
    if (keyType == CoordinatorType.TRANSACTION.id()) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    return Errors.INVALID_REQUEST;
  }
}
