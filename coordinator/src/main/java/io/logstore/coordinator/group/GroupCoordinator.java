package io.logstore.coordinator.group;

import io.logstore.coordinator.group.GroupCoordinatorShard.LeaveResult;
import io.logstore.coordinator.group.GroupCoordinatorShard.LeavingMember;
import io.logstore.coordinator.group.OffsetCommands.CommitCommand;
import io.logstore.coordinator.group.OffsetCommands.DeleteOffsetsResult;
import io.logstore.coordinator.group.OffsetCommands.GroupDescription;
import io.logstore.coordinator.group.OffsetCommands.GroupListing;
import io.logstore.coordinator.runtime.CoordinatorThread;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker: of the groups of the {@code __consumer_offsets} partitions
 * it leads ({@link #onLeadership}), on a single broker (a cluster of one) as in a cluster. One
 * {@link CoordinatorThread}, {@code logstore-group-coordinator}, owns all group state; handlers on
 * the network threads submit commands and get futures, completed on that thread. Join and sync
 * waits, the initial rebalance delay, rebalance and session timeouts and offset retention are
 * timers of that thread.
 */
public final class GroupCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

  private final CoordinatorThread thread;
  private final GroupCoordinatorShard shard;
  private final OffsetCommands offsets;
  private final GroupConfig config;

  /**
   * The offsets-topic partitions this broker leads and has loaded. Written on the coordinator
   * thread.
   */
  private volatile Set<Integer> owned = Set.of();

  private GroupCoordinator(
      CoordinatorThread thread, GroupCoordinatorShard shard, GroupConfig config) {
    this.thread = thread;
    this.shard = shard;
    this.offsets = new OffsetCommands(shard);
    this.config = config;
  }

  /**
   * Starts the coordinator thread and the retention task; groups load as this broker becomes the
   * leader of their offsets partitions ({@link #onLeadership}).
   */
  public static GroupCoordinator start(GroupStore store, GroupConfig config, Clock clock) {
    CoordinatorThread thread = new CoordinatorThread("logstore-group-coordinator");
    GroupCoordinatorShard shard =
        new GroupCoordinatorShard(config, thread.timer(), store, clock, thread);
    GroupCoordinator coordinator = new GroupCoordinator(thread, shard, config);
    thread.every(config.retentionCheckIntervalMs(), coordinator.offsets::expireOffsets);
    return coordinator;
  }

  /**
   * This broker now leads exactly {@code partitions} of the offsets topic. Loads the groups of
   * newly led partitions and drops those of partitions led elsewhere now; requests for their groups
   * get NOT_COORDINATOR meanwhile.
   */
  public void onLeadership(Set<Integer> partitions) {
    Set<Integer> target = Set.copyOf(partitions);
    thread.execute(
        () -> {
          Set<Integer> current = owned;
          Set<Integer> now = new TreeSet<>(current);
          for (int p : current) {
            if (!target.contains(p)) {
              shard.unloadPartition(p);
              now.remove(p);
            }
          }
          owned = Set.copyOf(now);
          for (int p : target) {
            if (!current.contains(p)) {
              shard.loadPartition(p);
              now.add(p);
              owned = Set.copyOf(now);
            }
          }
        });
  }

  /** Whether this broker coordinates {@code groupId} now. */
  private boolean owns(String groupId) {
    Set<Integer> o = owned;
    return o.contains(shard.store.partitionFor(groupId));
  }

  private <T> CompletableFuture<T> notCoordinator(String groupId) {
    return CompletableFuture.failedFuture(
        new NotCoordinatorException("broker does not coordinate group " + groupId));
  }

  public GroupConfig config() {
    return config;
  }

  private <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> command) {
    return thread.submit(command);
  }

  private <T> CompletableFuture<T> call(Supplier<T> command) {
    return thread.call(command);
  }

  public CompletableFuture<JoinGroupResponseData> joinGroup(
      JoinGroupRequestData request,
      boolean requireKnownMemberId,
      boolean supportsSkipAssignment,
      String clientId,
      String clientHost) {
    if (!owns(request.groupId())) {
      return notCoordinator(request.groupId());
    }
    return submit(
        () ->
            shard.join(
                request, requireKnownMemberId, supportsSkipAssignment, clientId, clientHost));
  }

  public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
    if (!owns(request.groupId())) {
      return notCoordinator(request.groupId());
    }
    return submit(() -> shard.sync(request));
  }

  public CompletableFuture<Errors> heartbeat(
      String groupId, String memberId, String groupInstanceId, int generationId) {
    if (!owns(groupId)) {
      return notCoordinator(groupId);
    }
    return call(() -> shard.heartbeat(groupId, memberId, groupInstanceId, generationId));
  }

  /** A member leaving: its id, or an empty id and its group.instance.id. */
  public record Leaving(String memberId, String groupInstanceId) {}

  /** LeaveGroup's outcome: a group-level error, else one error per member in request order. */
  public record LeaveOutcome(Errors error, List<Errors> memberErrors) {}

  public CompletableFuture<LeaveOutcome> leaveGroup(String groupId, List<Leaving> members) {
    List<LeavingMember> leaving =
        members.stream().map(m -> new LeavingMember(m.memberId(), m.groupInstanceId())).toList();
    if (!owns(groupId)) {
      return notCoordinator(groupId);
    }
    return call(
        () -> {
          LeaveResult r = shard.leave(groupId, leaving);
          return new LeaveOutcome(r.error(), r.memberErrors());
        });
  }

  /** One partition's commit. */
  public record PartitionCommit(long offset, int leaderEpoch, String metadata) {}

  /**
   * Commits offsets; {@code generationId} -1 with an empty member id is a commit from outside the
   * group protocol (admin client, assign()-based consumer). Partitions map to their errors.
   */
  public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(
      String groupId,
      int generationId,
      String memberId,
      String groupInstanceId,
      boolean groupIdNotFoundIsError,
      Map<TopicPartition, PartitionCommit> partitions) {
    Map<TopicPartition, OffsetCommands.PartitionCommit> commits = new java.util.LinkedHashMap<>();
    partitions.forEach(
        (tp, c) ->
            commits.put(
                tp, new OffsetCommands.PartitionCommit(c.offset(), c.leaderEpoch(), c.metadata())));
    CommitCommand command =
        new CommitCommand(
            groupId, generationId, memberId, groupInstanceId, groupIdNotFoundIsError, commits);
    if (!owns(groupId)) {
      return notCoordinator(groupId);
    }
    return submit(() -> offsets.commit(command));
  }

  /**
   * Committed offsets; {@code partitions} null for all. A partition never committed maps to null.
   */
  public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetchOffsets(
      String groupId, List<TopicPartition> partitions) {
    if (!owns(groupId)) {
      return notCoordinator(groupId);
    }
    return call(() -> offsets.fetch(groupId, partitions));
  }

  /** A group as ListGroups reports it. */
  public record Listing(String groupId, String protocolType, String state) {}

  public CompletableFuture<List<Listing>> listGroups(Set<String> states, Set<String> types) {
    return call(
        () -> {
          List<GroupListing> listings = offsets.list(states, types);
          return listings.stream()
              .map(l -> new Listing(l.groupId(), l.protocolType(), l.state().kafkaName()))
              .toList();
        });
  }

  /** A member as DescribeGroups reports it. */
  public record MemberInfo(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      byte[] metadata,
      byte[] assignment) {}

  /** A group as DescribeGroups reports it; null members list for a group that does not exist. */
  public record Description(
      String groupId,
      String state,
      String protocolType,
      String protocolData,
      List<MemberInfo> members) {}

  /** DescribeGroups; an unknown group maps to null. */
  public CompletableFuture<Map<String, Description>> describeGroups(List<String> groupIds) {
    for (String groupId : groupIds) {
      if (!owns(groupId)) {
        return notCoordinator(groupId);
      }
    }
    return call(
        () -> {
          Map<String, Description> result = new java.util.LinkedHashMap<>();
          for (String groupId : groupIds) {
            GroupDescription d = offsets.describe(groupId);
            result.put(
                groupId,
                d == null
                    ? null
                    : new Description(
                        d.groupId(),
                        d.state().kafkaName(),
                        d.protocolType(),
                        d.protocolData(),
                        d.members().stream()
                            .map(
                                m ->
                                    new MemberInfo(
                                        m.memberId(),
                                        m.groupInstanceId(),
                                        m.clientId(),
                                        m.clientHost(),
                                        m.metadata(),
                                        m.assignment()))
                            .toList()));
          }
          return result;
        });
  }

  public CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
    for (String groupId : groupIds) {
      if (!owns(groupId)) {
        return notCoordinator(groupId);
      }
    }
    return submit(() -> offsets.deleteGroups(groupIds));
  }

  /** OffsetDelete's outcome: a group-level error, else one error per partition. */
  public record OffsetDeleteOutcome(Errors error, Map<TopicPartition, Errors> partitions) {}

  public CompletableFuture<OffsetDeleteOutcome> deleteOffsets(
      String groupId, List<TopicPartition> partitions) {
    if (!owns(groupId)) {
      return notCoordinator(groupId);
    }
    return submit(
        () ->
            offsets
                .deleteOffsets(groupId, partitions)
                .thenApply(
                    (DeleteOffsetsResult r) -> new OffsetDeleteOutcome(r.error(), r.partitions())));
  }

  /** Runs the offset retention pass now (tests). */
  public CompletableFuture<Integer> expireOffsetsNow() {
    return call(offsets::expireOffsets);
  }

  @Override
  public void close() {
    thread.close();
  }
}
