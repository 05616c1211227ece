package io.logstore.coordinator.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup on the {@link GroupCoordinatorShard}'s groups: who may join (group size, protocols,
 * session timeouts), new members (MEMBER_ID_REQUIRED from v4, static members and their replacement,
 * KIP-814 for a restarted static leader), known members rejoining in each state. The rebalance
 * itself (prepare, complete, timers) stays in the shard.
 *
 * <p>Threading: the coordinator thread, as the shard.
 */
final class JoinCommands {
  private final GroupCoordinatorShard shard;

  JoinCommands(GroupCoordinatorShard shard) {
    this.shard = shard;
  }

  /**
   * JoinGroup. {@code requireKnownMemberId} is true from v4: a first join without a member id gets
   * MEMBER_ID_REQUIRED and a new id.
   */
  CompletableFuture<JoinGroupResponseData> join(
      JoinGroupRequestData request,
      boolean requireKnownMemberId,
      boolean supportsSkipAssignment,
      String clientId,
      String clientHost) {
    CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
    String groupId = request.groupId();
    String memberId = request.memberId() == null ? "" : request.memberId();
    if (groupId == null || groupId.isEmpty()) {
      return GroupCoordinatorShard.joinError(Errors.INVALID_GROUP_ID, memberId);
    }
    if (request.sessionTimeoutMs() < shard.config.minSessionTimeoutMs()
        || request.sessionTimeoutMs() > shard.config.maxSessionTimeoutMs()) {
      return GroupCoordinatorShard.joinError(Errors.INVALID_SESSION_TIMEOUT, memberId);
    }
    boolean unknownMember = memberId.isEmpty();
    ClassicGroup group = shard.groups.get(groupId);
    if (group == null) {
      if (!unknownMember) {
        return GroupCoordinatorShard.joinError(Errors.UNKNOWN_MEMBER_ID, memberId);
      }
      group = new ClassicGroup(groupId, shard.now());
      shard.groups.put(groupId, group);
    }
    Map<String, byte[]> protocols = protocols(request);
    if (group.isInState(GroupState.DEAD)) {
      return GroupCoordinatorShard.joinError(Errors.COORDINATOR_NOT_AVAILABLE, memberId);
    }
    if (!group.supportsProtocols(request.protocolType(), protocols.keySet())) {
      return GroupCoordinatorShard.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId);
    }
    boolean replacesStaticMember =
        unknownMember && group.staticMemberId(request.groupInstanceId()) != null;
    if (!replacesStaticMember && !acceptJoiningMember(group, memberId)) {
      return GroupCoordinatorShard.joinError(Errors.GROUP_MAX_SIZE_REACHED, memberId);
    }
    if (unknownMember) {
      joinUnknownMember(
          group,
          request,
          protocols,
          requireKnownMemberId,
          supportsSkipAssignment,
          clientId,
          clientHost,
          future);
    } else {
      joinKnownMember(group, request, protocols, clientId, clientHost, future);
    }
    return future;
  }

  private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
    switch (group.state()) {
      case EMPTY:
      case DEAD:
        return true;
      case PREPARING_REBALANCE:
        GroupMember member = group.member(memberId);
        long awaiting = group.allMembers().stream().filter(GroupMember::isAwaitingJoin).count();
        return (member != null && member.isAwaitingJoin())
            || awaiting < shard.config.maxGroupSize();
      default:
        return group.hasMember(memberId) || group.size() < shard.config.maxGroupSize();
    }
  }

  private static Map<String, byte[]> protocols(JoinGroupRequestData request) {
    Map<String, byte[]> protocols = new LinkedHashMap<>();
    for (JoinGroupRequestProtocol p : request.protocols()) {
      protocols.putIfAbsent(p.name(), p.metadata());
    }
    return protocols;
  }

  private void joinUnknownMember(
      ClassicGroup group,
      JoinGroupRequestData request,
      Map<String, byte[]> protocols,
      boolean requireKnownMemberId,
      boolean supportsSkipAssignment,
      String clientId,
      String clientHost,
      CompletableFuture<JoinGroupResponseData> future) {
    String instanceId = request.groupInstanceId();
    String newMemberId = (instanceId != null ? instanceId : clientId) + "-" + UUID.randomUUID();
    if (instanceId != null) {
      String existing = group.staticMemberId(instanceId);
      if (existing != null) {
        replaceStaticMember(
            group, existing, newMemberId, request, protocols, supportsSkipAssignment, future);
        return;
      }
      addMemberAndRebalance(group, newMemberId, request, protocols, clientId, clientHost, future);
      return;
    }
    if (requireKnownMemberId) {
      group.pendingMembers().add(newMemberId);
      shard.schedulePendingMemberTimeout(group, newMemberId, request.sessionTimeoutMs());
      future.complete(
          new JoinGroupResponseData()
              .setErrorCode(Errors.MEMBER_ID_REQUIRED.code())
              .setMemberId(newMemberId)
              .setGenerationId(-1)
              .setProtocolName(null)
              .setLeader(""));
      return;
    }
    addMemberAndRebalance(group, newMemberId, request, protocols, clientId, clientHost, future);
  }

  private void joinKnownMember(
      ClassicGroup group,
      JoinGroupRequestData request,
      Map<String, byte[]> protocols,
      String clientId,
      String clientHost,
      CompletableFuture<JoinGroupResponseData> future) {
    String memberId = request.memberId();
    if (group.pendingMembers().contains(memberId)) {
      addMemberAndRebalance(group, memberId, request, protocols, clientId, clientHost, future);
      return;
    }
    if (group.isStaticMemberFenced(request.groupInstanceId(), memberId)) {
      future.complete(GroupCoordinatorShard.joinErrorResponse(Errors.FENCED_INSTANCE_ID, memberId));
      return;
    }
    GroupMember member = group.member(memberId);
    if (member == null) {
      future.complete(GroupCoordinatorShard.joinErrorResponse(Errors.UNKNOWN_MEMBER_ID, memberId));
      return;
    }
    switch (group.state()) {
      case PREPARING_REBALANCE ->
          updateMemberAndRebalance(group, member, request, protocols, future);
      case COMPLETING_REBALANCE -> {
        if (member.sameProtocols(protocols)) {
          // The join response was lost: send it again.
          future.complete(shard.joinResponse(group, member));
        } else {
          updateMemberAndRebalance(group, member, request, protocols, future);
        }
      }
      case STABLE -> {
        if (group.isLeader(memberId) || !member.sameProtocols(protocols)) {
          updateMemberAndRebalance(group, member, request, protocols, future);
        } else {
          shard.scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
          future.complete(shard.joinResponse(group, member));
        }
      }
      default ->
          future.complete(
              GroupCoordinatorShard.joinErrorResponse(Errors.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private void replaceStaticMember(
      ClassicGroup group,
      String oldMemberId,
      String newMemberId,
      JoinGroupRequestData request,
      Map<String, byte[]> protocols,
      boolean supportsSkipAssignment,
      CompletableFuture<JoinGroupResponseData> future) {
    GroupMember old = group.member(oldMemberId);
    GroupMember replacement =
        new GroupMember(
            newMemberId,
            request.groupInstanceId(),
            old.clientId(),
            old.clientHost(),
            request.rebalanceTimeoutMs(),
            request.sessionTimeoutMs(),
            request.protocolType(),
            protocols);
    replacement.setAssignment(old.assignment());
    GroupCoordinatorShard.cancelSession(old);
    group.replaceStaticMember(request.groupInstanceId(), oldMemberId, replacement);
    if (group.pendingSyncMembers().remove(oldMemberId)) {
      group.pendingSyncMembers().add(newMemberId);
    }
    // The old instance is fenced: its parked requests fail.
    if (old.isAwaitingJoin()) {
      old.awaitingJoin()
          .complete(
              GroupCoordinatorShard.joinErrorResponse(Errors.FENCED_INSTANCE_ID, oldMemberId));
    }
    if (old.isAwaitingSync()) {
      old.awaitingSync().complete(GroupCoordinatorShard.syncError(Errors.FENCED_INSTANCE_ID));
    }
    boolean sameProtocols = old.sameProtocols(protocols);
    if (group.isInState(GroupState.STABLE) && sameProtocols) {
      // A static member restarted: it gets its old assignment back (SyncGroup) without a
      // rebalance. The leader too (KIP-814): from JoinGroup v9 it gets the members with
      // SkipAssignment set, so it can check its metadata without assigning; before v9 it is told
      // that its old member id leads, so it syncs as a follower.
      shard.scheduleSessionTimeout(group, replacement, replacement.sessionTimeoutMs());
      GroupMember persisted = replacement;
      boolean leader = group.isLeader(newMemberId);
      shard
          .writeSnapshot(group)
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  future.complete(
                      GroupCoordinatorShard.joinErrorResponse(
                          Errors.UNKNOWN_SERVER_ERROR, newMemberId));
                } else if (!leader) {
                  future.complete(shard.joinResponse(group, persisted));
                } else if (supportsSkipAssignment) {
                  future.complete(shard.joinResponse(group, persisted).setSkipAssignment(true));
                } else {
                  future.complete(
                      shard
                          .joinResponse(group, persisted)
                          .setLeader(oldMemberId)
                          .setMembers(new ArrayList<>()));
                }
              });
      return;
    }
    replacement.setAwaitingJoin(future);
    shard.scheduleSessionTimeout(group, replacement, replacement.sessionTimeoutMs());
    if (group.canRebalance()) {
      shard.prepareRebalance(group, "static member " + request.groupInstanceId() + " rejoined");
    } else {
      shard.maybeCompleteJoin(group);
    }
  }

  private void addMemberAndRebalance(
      ClassicGroup group,
      String memberId,
      JoinGroupRequestData request,
      Map<String, byte[]> protocols,
      String clientId,
      String clientHost,
      CompletableFuture<JoinGroupResponseData> future) {
    GroupMember member =
        new GroupMember(
            memberId,
            request.groupInstanceId(),
            clientId,
            clientHost,
            request.rebalanceTimeoutMs(),
            request.sessionTimeoutMs(),
            request.protocolType(),
            protocols);
    member.setNew(true);
    member.setAwaitingJoin(future);
    group.add(member);
    if (group.isInState(GroupState.PREPARING_REBALANCE)
        && group.previousState() == GroupState.EMPTY) {
      group.setNewMemberAdded(true);
    }
    shard.scheduleSessionTimeout(group, member, shard.config.newMemberJoinTimeoutMs());
    if (group.canRebalance()) {
      shard.prepareRebalance(group, "member " + memberId + " joined");
    } else {
      shard.maybeCompleteJoin(group);
    }
  }

  private void updateMemberAndRebalance(
      ClassicGroup group,
      GroupMember member,
      JoinGroupRequestData request,
      Map<String, byte[]> protocols,
      CompletableFuture<JoinGroupResponseData> future) {
    member.update(request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols);
    if (member.isAwaitingJoin()) {
      member
          .awaitingJoin()
          .complete(
              GroupCoordinatorShard.joinErrorResponse(
                  Errors.REBALANCE_IN_PROGRESS, member.memberId()));
    }
    member.setAwaitingJoin(future);
    if (group.canRebalance()) {
      shard.prepareRebalance(group, "member " + member.memberId() + " rejoined");
    } else {
      shard.maybeCompleteJoin(group);
    }
  }
}
