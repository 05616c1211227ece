package io.logstore.broker.group;

import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import io.logstore.coordinator.group.CoordinatorRecord;
import io.logstore.coordinator.group.GroupRecordCodec;
import io.logstore.coordinator.group.GroupStore;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.storage.AppendResult;
import io.logstore.storage.LogSlice;
import io.logstore.storage.PartitionLog;
import io.logstore.wire.WireRecords;
import io.logstore.wire.WireRecords.KeyValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic {@code __consumer_offsets} as the group coordinator's store: created through
 * the controller by the first FindCoordinator for a group, as Kafka creates it on first use, so an
 * idle broker starts without 50 empty partitions; with {@code offsets.topic.num.partitions}
 * partitions; a group lives in partition {@code abs(groupId.hashCode()) % partitions}, as in Kafka.
 * It is compacted ({@code cleanup.policy=compact}): its records are the coordinator's state,
 * removed only by newer records with the same key and by the coordinator's own tombstones. The
 * coordinator loads a partition's groups when this broker becomes its leader; records are
 * acknowledged once the whole ISR has them.
 */
public final class LogGroupStore implements GroupStore {
  /** Kafka's name for the topic. */
  static final String TOPIC = "__consumer_offsets";

  private static final Logger log = LoggerFactory.getLogger(LogGroupStore.class);
  private static final int READ_BYTES = 1024 * 1024;
  private static final long REPLICATION_TIMEOUT_MS = 30_000;

  private final TopicManager topics;
  private final Clock clock;

  public LogGroupStore(TopicManager topics, Clock clock) {
    this.topics = topics;
    this.clock = clock;
  }

  /**
   * The topic, looked up afresh each time (the replica manager replaces topic entries as the
   * metadata changes).
   */
  private TopicInfo topic() {
    return topics
        .topic(TOPIC)
        .orElseThrow(
            () ->
                new GroupStore.GroupStoreException(
                    TOPIC + " does not exist on this broker yet", null));
  }

  static int partitionFor(String groupId, int partitions) {
    return Utils.abs(groupId.hashCode()) % partitions;
  }

  private Partition partitionOf(String groupId) {
    TopicInfo info = topic();
    int index = partitionFor(groupId, info.partitionCount());
    return info.partition(index)
        .orElseThrow(
            () ->
                new GroupStore.GroupStoreException(
                    TOPIC + "-" + index + " is not on this broker", null));
  }

  @Override
  public int partitionFor(String groupId) {
    return topics.topic(TOPIC).map(t -> partitionFor(groupId, t.partitionCount())).orElse(-1);
  }

  @Override
  public void loadPartition(int index, Consumer<CoordinatorRecord> replay) {
    Partition partition = topic().partition(index).orElse(null);
    if (partition == null) {
      return;
    }
    int records = loadPartition(partition.log(), replay);
    log.info("Replayed {} records from {}-{}", records, TOPIC, index);
  }

  @Override
  public CompletableFuture<Void> append(String groupId, List<CoordinatorRecord> records) {
    List<KeyValue> kvs = new ArrayList<>(records.size());
    for (CoordinatorRecord record : records) {
      kvs.add(new KeyValue(GroupRecordCodec.key(record), GroupRecordCodec.value(record)));
    }
    Partition partition = partitionOf(groupId);
    if (!partition.isLeader()) {
      throw new GroupStore.GroupStoreException(
          TOPIC + "-" + partition.index() + " is not led here", null);
    }
    ByteBuffer batch = WireRecords.buildBatch(kvs, clock.millis());
    AppendResult appended;
    try {
      appended = partition.log().appendAsLeader(batch, partition.leaderEpoch());
    } catch (Exception e) {
      log.error(
          "cannot append to topicPartition={}-{} groupId={}", TOPIC, partition.index(), groupId, e);
      throw new GroupStore.GroupStoreException(
          "append to " + TOPIC + "-" + partition.index() + " failed", e);
    }
    long end = appended.lastOffset() + 1;
    CompletableFuture<Void> durable = partition.awaitDurable(end);
    // The coordinator's records are acknowledged as acks=all: on the whole ISR.
    return durable
        .thenCompose(ok -> partition.awaitReplicated(end, clock.millis() + REPLICATION_TIMEOUT_MS))
        .thenAccept(
            outcome -> {
              if (outcome != ReplicationError.NONE
                  && outcome != ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
                throw new GroupStore.GroupStoreException(
                    TOPIC + "-" + partition.index() + " did not replicate: " + outcome, null);
              }
            });
  }

  /** Every partition on this broker (the coordinator loads per led partition instead). */
  @Override
  public void load(Consumer<CoordinatorRecord> replay) {
    TopicInfo topic = topics.topic(TOPIC).orElse(null);
    if (topic == null) {
      log.info("{} does not exist yet: no group state to replay", TOPIC);
      return;
    }
    int records = 0;
    for (Partition partition : topic.partitions()) {
      records += loadPartition(partition.log(), replay);
    }
    log.info(
        "Replayed {} records from {} partitions of {}", records, topic.partitions().size(), TOPIC);
  }

  private static int loadPartition(PartitionLog partitionLog, Consumer<CoordinatorRecord> replay) {
    int[] count = {0};
    long offset = partitionLog.logStartOffset();
    long end = partitionLog.logEndOffset();
    try {
      while (offset < end) {
        LogSlice slice = partitionLog.read(offset, READ_BYTES, end, true);
        if (slice.isEmpty()) {
          break;
        }
        long from = offset;
        long next =
            WireRecords.forEachRecord(
                slice.readFully(),
                r -> {
                  if (r.offset() >= from) {
                    replay.accept(GroupRecordCodec.decode(r.key(), r.value()));
                    count[0]++;
                  }
                });
        if (next <= offset) {
          throw new IllegalStateException(
              "no progress reading " + partitionLog.id() + " at offset " + offset);
        }
        offset = next;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + partitionLog.id() + " at " + offset, e);
    } catch (io.logstore.storage.OffsetOutOfRangeException e) {
      throw new IllegalStateException("cannot read " + partitionLog.id() + " at " + offset, e);
    }
    return count[0];
  }
}
