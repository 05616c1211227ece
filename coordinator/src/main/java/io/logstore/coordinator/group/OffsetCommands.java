package io.logstore.coordinator.group;

import io.logstore.coordinator.group.CoordinatorRecord.GroupMetadata;
import io.logstore.coordinator.group.CoordinatorRecord.OffsetCommit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands on committed offsets and on whole groups (commit, fetch, delete, list, describe,
 * retention), run on the coordinator thread against the {@link GroupCoordinatorShard}'s groups.
 * Every change is a record written through {@link GroupCoordinatorShard#write}.
 */
final class OffsetCommands {
  private static final Logger log = LoggerFactory.getLogger(OffsetCommands.class);

  private final GroupCoordinatorShard shard;

  OffsetCommands(GroupCoordinatorShard shard) {
    this.shard = shard;
  }

  /** One partition's commit as the client sent it. */
  record PartitionCommit(long offset, int leaderEpoch, String metadata) {}

  /** An OffsetCommit request, partitions already checked by the handler. */
  record CommitCommand(
      String groupId,
      int generationId,
      String memberId,
      String groupInstanceId,
      boolean groupIdNotFoundIsError,
      Map<TopicPartition, PartitionCommit> partitions) {}

  CompletableFuture<Map<TopicPartition, Errors>> commit(CommitCommand command) {
    Errors error = validateCommit(command);
    if (error != Errors.NONE || command.partitions().isEmpty()) {
      return CompletableFuture.completedFuture(allWith(command.partitions().keySet(), error));
    }
    long now = shard.now();
    List<CoordinatorRecord> records = new ArrayList<>();
    for (Map.Entry<TopicPartition, PartitionCommit> e : command.partitions().entrySet()) {
      PartitionCommit c = e.getValue();
      records.add(
          new OffsetCommit(
              command.groupId(),
              e.getKey().topic(),
              e.getKey().partition(),
              new OffsetAndMetadata(c.offset(), c.leaderEpoch(), c.metadata(), now)));
    }
    return shard
        .write(command.groupId(), records)
        .handle(
            (ok, failure) ->
                allWith(
                    command.partitions().keySet(),
                    failure == null ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE));
  }

  private Errors validateCommit(CommitCommand c) {
    ClassicGroup group = shard.group(c.groupId());
    String memberId = c.memberId() == null ? "" : c.memberId();
    if (group == null) {
      if (c.generationId() < 0) {
        return Errors.NONE; // a simple consumer or the admin client: the group is created
      }
      return c.groupIdNotFoundIsError() ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
    }
    if (group.isInState(GroupState.DEAD)) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    if (c.generationId() < 0 && group.isInState(GroupState.EMPTY)) {
      return Errors.NONE;
    }
    if (c.generationId() >= 0 || !memberId.isEmpty() || c.groupInstanceId() != null) {
      if (c.groupInstanceId() != null) {
        String existing = group.staticMemberId(c.groupInstanceId());
        if (existing == null) {
          return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!existing.equals(memberId)) {
          return Errors.FENCED_INSTANCE_ID;
        }
      }
      GroupMember member = group.member(memberId);
      if (member == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (c.generationId() != group.generationId()) {
        return Errors.ILLEGAL_GENERATION;
      }
      if (group.isInState(GroupState.COMPLETING_REBALANCE)) {
        return Errors.REBALANCE_IN_PROGRESS;
      }
      // A commit is a sign of life, as in Kafka.
      shard.scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
      return Errors.NONE;
    }
    return group.isInState(GroupState.EMPTY) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
  }

  private static Map<TopicPartition, Errors> allWith(Set<TopicPartition> partitions, Errors e) {
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      result.put(tp, e);
    }
    return result;
  }

  /**
   * The committed offsets of {@code partitions} (null: every committed partition). A partition
   * without a committed offset maps to null.
   */
  Map<TopicPartition, OffsetAndMetadata> fetch(String groupId, List<TopicPartition> partitions) {
    ClassicGroup group = shard.group(groupId);
    Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
    boolean live = group != null && !group.isInState(GroupState.DEAD);
    if (partitions == null) {
      if (live) {
        result.putAll(group.offsets());
      }
      return result;
    }
    for (TopicPartition tp : partitions) {
      result.put(tp, live ? group.offsets().get(tp) : null);
    }
    return result;
  }

  // ------------------------------------------------------------------ list, describe

  /** A group as ListGroups shows it. */
  record GroupListing(String groupId, String protocolType, GroupState state) {}

  /** ListGroups; {@code states} and {@code types} are lower-case filters, empty for all. */
  List<GroupListing> list(Set<String> states, Set<String> types) {
    List<GroupListing> listings = new ArrayList<>();
    if (!types.isEmpty() && !types.contains("classic")) {
      return listings;
    }
    for (ClassicGroup group : shard.groups()) {
      if (group.isInState(GroupState.DEAD)) {
        continue;
      }
      if (!states.isEmpty()
          && !states.contains(group.state().kafkaName().toLowerCase(java.util.Locale.ROOT))) {
        continue;
      }
      listings.add(
          new GroupListing(
              group.groupId(),
              group.protocolType() == null ? "" : group.protocolType(),
              group.state()));
    }
    listings.sort(java.util.Comparator.comparing(GroupListing::groupId));
    return listings;
  }

  /** A member as DescribeGroups shows it. */
  record MemberDescription(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      byte[] metadata,
      byte[] assignment) {}

  /** A group as DescribeGroups shows it. */
  record GroupDescription(
      String groupId,
      GroupState state,
      String protocolType,
      String protocolData,
      List<MemberDescription> members) {}

  /** DescribeGroups for one group; null when there is no such group. */
  GroupDescription describe(String groupId) {
    ClassicGroup group = shard.group(groupId);
    if (group == null || group.isInState(GroupState.DEAD)) {
      return null;
    }
    boolean stable = group.isInState(GroupState.STABLE);
    List<MemberDescription> members = new ArrayList<>();
    for (GroupMember m : group.allMembers()) {
      members.add(
          new MemberDescription(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              stable ? m.metadata(group.protocolName()) : new byte[0],
              stable ? m.assignment() : new byte[0]));
    }
    return new GroupDescription(
        group.groupId(),
        group.state(),
        group.protocolType() == null ? "" : group.protocolType(),
        stable ? group.protocolName() : "",
        members);
  }

  // ------------------------------------------------------------------ deletes

  CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
    Map<String, Errors> results = new LinkedHashMap<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    Map<String, CompletableFuture<Void>> byGroup = new LinkedHashMap<>();
    for (String groupId : groupIds) {
      ClassicGroup group = shard.group(groupId);
      if (group == null || group.isInState(GroupState.DEAD)) {
        results.put(groupId, Errors.GROUP_ID_NOT_FOUND);
        continue;
      }
      if (!group.isInState(GroupState.EMPTY)) {
        results.put(groupId, Errors.NON_EMPTY_GROUP);
        continue;
      }
      List<CoordinatorRecord> tombstones = new ArrayList<>();
      for (TopicPartition tp : group.offsets().keySet()) {
        tombstones.add(new OffsetCommit(groupId, tp.topic(), tp.partition(), null));
      }
      tombstones.add(new GroupMetadata(groupId, null));
      CompletableFuture<Void> write = shard.write(groupId, tombstones);
      byGroup.put(groupId, write);
      writes.add(write.exceptionally(e -> null));
      results.put(groupId, Errors.NONE);
    }
    return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            ignored -> {
              byGroup.forEach(
                  (groupId, write) -> {
                    if (write.isCompletedExceptionally()) {
                      results.put(groupId, Errors.COORDINATOR_NOT_AVAILABLE);
                    }
                  });
              return results;
            });
  }

  /** OffsetDelete's outcome: a group-level error, else one error per partition. */
  record DeleteOffsetsResult(Errors error, Map<TopicPartition, Errors> partitions) {}

  CompletableFuture<DeleteOffsetsResult> deleteOffsets(
      String groupId, List<TopicPartition> partitions) {
    ClassicGroup group = shard.group(groupId);
    if (group == null || group.isInState(GroupState.DEAD)) {
      return CompletableFuture.completedFuture(
          new DeleteOffsetsResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
    }
    boolean consumerProtocol = ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType());
    if (!group.isInState(GroupState.EMPTY) && !consumerProtocol) {
      return CompletableFuture.completedFuture(
          new DeleteOffsetsResult(Errors.NON_EMPTY_GROUP, Map.of()));
    }
    Set<String> subscribed = group.isInState(GroupState.EMPTY) ? Set.of() : subscribedTopics(group);
    Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
    List<CoordinatorRecord> tombstones = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (subscribed.contains(tp.topic())) {
        errors.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
        continue;
      }
      errors.put(tp, Errors.NONE);
      if (group.offsets().containsKey(tp)) {
        tombstones.add(new OffsetCommit(groupId, tp.topic(), tp.partition(), null));
      }
    }
    if (tombstones.isEmpty()) {
      return CompletableFuture.completedFuture(new DeleteOffsetsResult(Errors.NONE, errors));
    }
    return shard
        .write(groupId, tombstones)
        .handle(
            (ok, failure) ->
                failure == null
                    ? new DeleteOffsetsResult(Errors.NONE, errors)
                    : new DeleteOffsetsResult(Errors.COORDINATOR_NOT_AVAILABLE, Map.of()));
  }

  /** The topics the members subscribe to, from their consumer-protocol subscriptions. */
  private static Set<String> subscribedTopics(ClassicGroup group) {
    Set<String> topics = new HashSet<>();
    if (group.protocolName() == null) {
      return topics;
    }
    for (GroupMember member : group.allMembers()) {
      try {
        ByteBuffer buffer = ByteBuffer.wrap(member.metadata(group.protocolName()));
        topics.addAll(ConsumerProtocol.deserializeSubscription(buffer).topics());
      } catch (RuntimeException e) {
        log.warn(
            "Unreadable subscription groupId={} memberId={}",
            group.groupId(),
            member.memberId(),
            e);
      }
    }
    return topics;
  }

  // ------------------------------------------------------------------ retention

  /**
   * Writes tombstones for expired offsets: of a group that has been Empty for {@code
   * offsets.retention}, all; of a group without protocol (simple consumers), those not committed
   * for that long. An Empty group left without offsets is deleted. Returns the number expired.
   */
  int expireOffsets() {
    long now = shard.now();
    long retentionMs = shard.config.offsetsRetentionMs();
    int expired = 0;
    for (ClassicGroup group : List.copyOf(shard.groups())) {
      if (group.isInState(GroupState.DEAD)) {
        continue;
      }
      boolean simple = group.protocolType() == null;
      if (!simple && !group.isInState(GroupState.EMPTY)) {
        continue;
      }
      List<CoordinatorRecord> tombstones = new ArrayList<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.offsets().entrySet()) {
        long base = simple ? e.getValue().commitTimestampMs() : group.currentStateTimestampMs();
        if (now - base >= retentionMs) {
          TopicPartition tp = e.getKey();
          tombstones.add(new OffsetCommit(group.groupId(), tp.topic(), tp.partition(), null));
        }
      }
      expired += tombstones.size();
      boolean allGone = tombstones.size() == group.offsets().size();
      if (allGone && group.isInState(GroupState.EMPTY)) {
        tombstones.add(new GroupMetadata(group.groupId(), null));
      }
      if (!tombstones.isEmpty()) {
        log.info(
            "Expiring offsets groupId={} count={} deleteGroup={}",
            group.groupId(),
            expired,
            allGone && group.isInState(GroupState.EMPTY));
        shard.write(group.groupId(), tombstones);
      }
    }
    return expired;
  }
}
