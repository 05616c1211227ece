package io.logstore.broker.handler;

import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.QuorumStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;

/**
 * What the handlers of a cluster member need from the cluster: the latest metadata image, the
 * controller, and a way to commit controller commands (topic creation and deletion).
 */
public interface ClusterView {

  MetadataImage image();

  /** The controller's id, -1 when unknown. */
  int controllerId();

  /** Commits {@code command}; completes with the controller's decision, applied on this node. */
  CompletableFuture<CommandOutcome> execute(ControllerCommand command);

  /** The metadata quorum as its Raft leader sees it (DescribeQuorum). */
  CompletableFuture<QuorumStatus> describeQuorum();

  /** The ACTIVE brokers, by id. */
  default List<BrokerRecord> activeBrokers() {
    return image().brokers().values().stream()
        .filter(b -> b.state() == BrokerState.ACTIVE)
        .sorted((a, b) -> Integer.compare(a.brokerId(), b.brokerId()))
        .toList();
  }

  /** KIP-951 hints from the image. */
  default LeaderHints leaderHints() {
    return (topic, partition) -> {
      MetadataImage image = image();
      Optional<PartitionRecord> p = image.topic(topic).map(t -> t.partitions().get(partition));
      if (p.isEmpty() || p.get().leader() < 0) {
        return Optional.empty();
      }
      return image
          .broker(p.get().leader())
          .filter(b -> b.state() == BrokerState.ACTIVE)
          .map(
              b -> new LeaderHints.Leader(b.brokerId(), p.get().leaderEpoch(), b.host(), b.port()));
    };
  }

  static UUID toJava(Uuid id) {
    return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  static Uuid toKafka(UUID id) {
    return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }
}
