package io.logstore.coordinator.group;

import io.logstore.coordinator.runtime.CoordinatorTimer;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A classic group: its state, generation, members and committed offsets. Owned by the coordinator
 * thread; no locks. State changes go through {@link #transitionTo}, which enforces {@link
 * GroupState}'s transitions.
 */
final class ClassicGroup {
  private final String groupId;
  private GroupState state = GroupState.EMPTY;
  private GroupState previousState = GroupState.EMPTY;
  private long currentStateTimestampMs;
  private int generationId;
  private String protocolType;
  private String protocolName;
  private String leaderId;
  private final Map<String, GroupMember> members = new LinkedHashMap<>();

  /** Members that were told MEMBER_ID_REQUIRED and have not joined with their id yet. */
  private final Set<String> pendingMembers = new HashSet<>();

  /** group.instance.id to member id. */
  private final Map<String, String> staticMembers = new HashMap<>();

  private final Map<TopicPartition, OffsetAndMetadata> offsets =
      new TreeMap<>(
          Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));

  /** Members of the current generation that have not sent SyncGroup yet. */
  private final Set<String> pendingSyncMembers = new HashSet<>();

  /** A member joined while the initial (delayed) rebalance was waiting. */
  private boolean newMemberAdded;

  private CoordinatorTimer.Handle joinTimer;
  private CoordinatorTimer.Handle syncTimer;

  ClassicGroup(String groupId, long nowMs) {
    this.groupId = groupId;
    this.currentStateTimestampMs = nowMs;
  }

  String groupId() {
    return groupId;
  }

  GroupState state() {
    return state;
  }

  GroupState previousState() {
    return previousState;
  }

  boolean isInState(GroupState s) {
    return state == s;
  }

  long currentStateTimestampMs() {
    return currentStateTimestampMs;
  }

  /** The one place a group changes state. */
  void transitionTo(GroupState target, long nowMs) {
    if (!target.canFollow(state)) {
      throw new IllegalStateException(
          "group " + groupId + " cannot move from " + state + " to " + target);
    }
    previousState = state;
    state = target;
    currentStateTimestampMs = nowMs;
  }

  /** Restores the persisted fields of a loaded group (load only). */
  void restore(
      int generationId,
      String protocolType,
      String protocolName,
      String leaderId,
      long stateTimestampMs,
      GroupState loadedState) {
    this.generationId = generationId;
    this.protocolType = protocolType;
    this.protocolName = protocolName;
    this.leaderId = leaderId;
    this.currentStateTimestampMs = stateTimestampMs;
    this.previousState = GroupState.EMPTY;
    this.state = loadedState;
  }

  int generationId() {
    return generationId;
  }

  String protocolType() {
    return protocolType;
  }

  String protocolName() {
    return protocolName;
  }

  String leaderId() {
    return leaderId;
  }

  boolean isLeader(String memberId) {
    return memberId.equals(leaderId);
  }

  Map<String, GroupMember> members() {
    return members;
  }

  Collection<GroupMember> allMembers() {
    return members.values();
  }

  GroupMember member(String memberId) {
    return members.get(memberId);
  }

  boolean hasMember(String memberId) {
    return members.containsKey(memberId);
  }

  int size() {
    return members.size();
  }

  void add(GroupMember member) {
    if (members.isEmpty()) {
      protocolType = member.protocolType();
    }
    members.put(member.memberId(), member);
    if (member.isStatic()) {
      staticMembers.put(member.groupInstanceId(), member.memberId());
    }
    if (leaderId == null) {
      leaderId = member.memberId();
    }
    pendingMembers.remove(member.memberId());
  }

  void remove(String memberId) {
    GroupMember removed = members.remove(memberId);
    if (removed != null && removed.isStatic()) {
      staticMembers.remove(removed.groupInstanceId(), memberId);
    }
    pendingMembers.remove(memberId);
    pendingSyncMembers.remove(memberId);
    if (memberId.equals(leaderId)) {
      leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
    }
  }

  /** Replaces a static member's id (a static member rejoined with an unknown member id). */
  GroupMember replaceStaticMember(String instanceId, String oldMemberId, GroupMember newMember) {
    GroupMember old = members.remove(oldMemberId);
    members.put(newMember.memberId(), newMember);
    staticMembers.put(instanceId, newMember.memberId());
    if (oldMemberId.equals(leaderId)) {
      leaderId = newMember.memberId();
    }
    return old;
  }

  String staticMemberId(String instanceId) {
    return instanceId == null ? null : staticMembers.get(instanceId);
  }

  boolean isStaticMemberFenced(String instanceId, String memberId) {
    String existing = staticMemberId(instanceId);
    return existing != null && !existing.equals(memberId);
  }

  Set<String> pendingMembers() {
    return pendingMembers;
  }

  boolean hasAllMembersJoined() {
    return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.isAwaitingJoin());
  }

  boolean canRebalance() {
    return GroupState.PREPARING_REBALANCE.canFollow(state);
  }

  /**
   * Whether a member with {@code type} and {@code protocolNames} may join: an empty group takes any
   * non-empty type and protocol list; otherwise the type must match and one of the protocols must
   * be supported by every member.
   */
  boolean supportsProtocols(String type, Set<String> protocolNames) {
    if (isInState(GroupState.EMPTY)) {
      return type != null && !type.isEmpty() && !protocolNames.isEmpty();
    }
    if (protocolType == null || !protocolType.equals(type)) {
      return false;
    }
    return protocolNames.stream().anyMatch(name -> candidateProtocols().contains(name));
  }

  private Set<String> candidateProtocols() {
    Set<String> candidates = null;
    for (GroupMember member : members.values()) {
      if (candidates == null) {
        candidates = new HashSet<>(member.protocols().keySet());
      } else {
        candidates.retainAll(member.protocols().keySet());
      }
    }
    return candidates == null ? Set.of() : candidates;
  }

  /** Each member votes for its first preferred common protocol; the most votes win. */
  String selectProtocol() {
    if (members.isEmpty()) {
      throw new IllegalStateException("cannot select a protocol for empty group " + groupId);
    }
    Set<String> candidates = candidateProtocols();
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (GroupMember member : members.values()) {
      votes.merge(member.vote(candidates), 1, Integer::sum);
    }
    return votes.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow();
  }

  /** Starts the next generation: Empty if there are no members, else CompletingRebalance. */
  void initNextGeneration(long nowMs) {
    generationId++;
    if (!members.isEmpty()) {
      protocolName = selectProtocol();
      transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
    } else {
      protocolName = null;
      transitionTo(GroupState.EMPTY, nowMs);
    }
  }

  boolean newMemberAdded() {
    return newMemberAdded;
  }

  void setNewMemberAdded(boolean added) {
    newMemberAdded = added;
  }

  int rebalanceTimeoutMs() {
    int max = 0;
    for (GroupMember member : members.values()) {
      max = Math.max(max, member.rebalanceTimeoutMs());
    }
    return max;
  }

  Set<String> pendingSyncMembers() {
    return pendingSyncMembers;
  }

  Map<TopicPartition, OffsetAndMetadata> offsets() {
    return offsets;
  }

  void setJoinTimer(CoordinatorTimer.Handle timer) {
    cancelJoinTimer();
    joinTimer = timer;
  }

  void cancelJoinTimer() {
    if (joinTimer != null) {
      joinTimer.cancel();
      joinTimer = null;
    }
  }

  void setSyncTimer(CoordinatorTimer.Handle timer) {
    cancelSyncTimer();
    syncTimer = timer;
  }

  void cancelSyncTimer() {
    if (syncTimer != null) {
      syncTimer.cancel();
      syncTimer = null;
    }
  }
}
