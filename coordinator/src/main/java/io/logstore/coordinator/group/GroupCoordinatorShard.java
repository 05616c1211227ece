package io.logstore.coordinator.group;

import io.logstore.coordinator.group.CoordinatorRecord.GroupMetadata;
import io.logstore.coordinator.group.CoordinatorRecord.GroupSnapshot;
import io.logstore.coordinator.group.CoordinatorRecord.MemberSnapshot;
import io.logstore.coordinator.group.CoordinatorRecord.OffsetCommit;
import io.logstore.coordinator.runtime.CoordinatorTimer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol: every group of this broker, their members, rebalances and committed
 * offsets. Kafka's {@code CoordinatorShard} shape: a command validates against the current state,
 * yields records and a response; offsets and group deletions change in memory only by {@link
 * #replay replaying} those records right after they are appended, and responses that depend on them
 * wait until they are durable. Membership during a rebalance (who has joined, parked responses,
 * timers) is live state; its durable form is the group-metadata snapshot written when a generation
 * starts, when its assignments are known and when the group becomes empty, and replayed at load.
 *
 * <p>Threading: every method runs on the coordinator thread (tests: the test thread). Futures
 * returned complete on that thread. {@code continuation} is where durability callbacks hop back to.
 */
final class GroupCoordinatorShard {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorShard.class);

  final GroupConfig config;
  final CoordinatorTimer timer;
  final GroupStore store;
  final Clock clock;
  final Executor continuation;
  final Map<String, ClassicGroup> groups = new HashMap<>();
  private final JoinCommands joins = new JoinCommands(this);
  private boolean loading;

  GroupCoordinatorShard(
      GroupConfig config,
      CoordinatorTimer timer,
      GroupStore store,
      Clock clock,
      Executor continuation) {
    this.config = config;
    this.timer = timer;
    this.store = store;
    this.clock = clock;
    this.continuation = continuation;
  }

  long now() {
    return clock.millis();
  }

  ClassicGroup group(String groupId) {
    return groups.get(groupId);
  }

  Collection<ClassicGroup> groups() {
    return groups.values();
  }

  // ------------------------------------------------------------------ load and replay

  /** Replays everything stored, then starts the session timers of the loaded members. */
  void load() {
    loading = true;
    try {
      store.load(this::replay);
    } finally {
      loading = false;
    }
    for (ClassicGroup group : groups.values()) {
      for (GroupMember member : group.allMembers()) {
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
      }
    }
    log.info("Loaded {} groups", groups.size());
  }

  /**
   * Cluster: this broker now leads {@code partition} of the offsets topic; replays its records and
   * starts the session timers of the members loaded.
   */
  void loadPartition(int partition) {
    java.util.Set<String> before = new java.util.HashSet<>(groups.keySet());
    loading = true;
    try {
      store.loadPartition(partition, this::replay);
    } finally {
      loading = false;
    }
    int loaded = 0;
    for (ClassicGroup group : groups.values()) {
      if (!before.contains(group.groupId())) {
        loaded++;
        for (GroupMember member : group.allMembers()) {
          scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
        }
      }
    }
    log.info("Loaded {} groups from partition {}", loaded, partition);
  }

  /** Cluster: this broker no longer leads {@code partition}; its groups leave memory. */
  void unloadPartition(int partition) {
    int removed = 0;
    for (var it = groups.values().iterator(); it.hasNext(); ) {
      ClassicGroup group = it.next();
      if (store.partitionFor(group.groupId()) == partition) {
        for (GroupMember member : group.allMembers()) {
          cancelSession(member);
          // Parked JoinGroup/SyncGroup requests go to the new coordinator now, not at their
          // (rebalance-long) client timeout.
          if (member.awaitingJoin() != null) {
            member
                .awaitingJoin()
                .complete(joinErrorResponse(Errors.NOT_COORDINATOR, member.memberId()));
            member.setAwaitingJoin(null);
          }
          if (member.awaitingSync() != null) {
            member.awaitingSync().complete(syncError(Errors.NOT_COORDINATOR));
            member.setAwaitingSync(null);
          }
        }
        it.remove();
        removed++;
      }
    }
    log.info("Unloaded {} groups of partition {}", removed, partition);
  }

  /** Applies one record to the in-memory state (at load and right after each append). */
  void replay(CoordinatorRecord record) {
    if (record instanceof OffsetCommit o) {
      TopicPartition tp = new TopicPartition(o.topic(), o.partition());
      if (o.value() != null) {
        groups
            .computeIfAbsent(o.groupId(), id -> new ClassicGroup(id, now()))
            .offsets()
            .put(tp, o.value());
      } else {
        ClassicGroup group = groups.get(o.groupId());
        if (group != null) {
          group.offsets().remove(tp);
        }
      }
      return;
    }
    GroupMetadata g = (GroupMetadata) record;
    if (g.value() == null) {
      ClassicGroup removed = groups.remove(g.groupId());
      if (removed != null && !removed.isInState(GroupState.DEAD)) {
        removed.transitionTo(GroupState.DEAD, now());
      }
      return;
    }
    if (loading) {
      restore(groups.computeIfAbsent(g.groupId(), id -> new ClassicGroup(id, now())), g.value());
    }
    // At runtime the snapshot was taken from the live group: it already holds these values.
  }

  private void restore(ClassicGroup group, GroupSnapshot s) {
    for (String memberId : List.copyOf(group.members().keySet())) {
      group.remove(memberId);
    }
    for (MemberSnapshot m : s.members()) {
      Map<String, byte[]> protocols = new LinkedHashMap<>();
      if (s.protocolName() != null) {
        protocols.put(s.protocolName(), m.subscription() == null ? new byte[0] : m.subscription());
      }
      GroupMember member =
          new GroupMember(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              m.rebalanceTimeoutMs(),
              m.sessionTimeoutMs(),
              s.protocolType(),
              protocols);
      member.setAssignment(m.assignment());
      group.add(member);
    }
    group.restore(
        s.generationId(),
        s.protocolType(),
        s.protocolName(),
        s.leaderId(),
        s.currentStateTimestampMs(),
        s.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE);
  }

  /**
   * Appends {@code records} of one group, replays them, and returns a future that completes on the
   * coordinator thread once they are durable. A failed append replays nothing.
   */
  CompletableFuture<Void> write(String groupId, List<CoordinatorRecord> records) {
    CompletableFuture<Void> durable;
    try {
      durable = store.append(groupId, records);
    } catch (GroupStore.GroupStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    records.forEach(this::replay);
    CompletableFuture<Void> done = new CompletableFuture<>();
    durable.whenCompleteAsync(
        (ok, error) -> {
          if (error != null) {
            log.error("records of groupId={} did not become durable", groupId, error);
            done.completeExceptionally(error);
          } else {
            done.complete(null);
          }
        },
        continuation);
    return done;
  }

  GroupSnapshot snapshot(ClassicGroup group) {
    List<MemberSnapshot> members = new ArrayList<>();
    for (GroupMember m : group.allMembers()) {
      members.add(
          new MemberSnapshot(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              m.rebalanceTimeoutMs(),
              m.sessionTimeoutMs(),
              group.protocolName() == null ? null : m.metadata(group.protocolName()),
              m.assignment()));
    }
    return new GroupSnapshot(
        group.protocolType(),
        group.generationId(),
        group.protocolName(),
        group.leaderId(),
        group.currentStateTimestampMs(),
        members);
  }

  CompletableFuture<Void> writeSnapshot(ClassicGroup group) {
    return write(group.groupId(), List.of(new GroupMetadata(group.groupId(), snapshot(group))));
  }

  // ------------------------------------------------------------------ JoinGroup

  /** JoinGroup: see {@link JoinCommands#join}. */
  CompletableFuture<JoinGroupResponseData> join(
      JoinGroupRequestData request,
      boolean requireKnownMemberId,
      boolean supportsSkipAssignment,
      String clientId,
      String clientHost) {
    return joins.join(request, requireKnownMemberId, supportsSkipAssignment, clientId, clientHost);
  }

  void prepareRebalance(ClassicGroup group, String reason) {
    if (group.isInState(GroupState.COMPLETING_REBALANCE)) {
      resetAndPropagateAssignmentError(group, Errors.REBALANCE_IN_PROGRESS);
    }
    group.cancelSyncTimer();
    group.pendingSyncMembers().clear();
    boolean initial = group.isInState(GroupState.EMPTY);
    group.transitionTo(GroupState.PREPARING_REBALANCE, now());
    log.info(
        "Preparing to rebalance groupId={} generationId={} reason={}",
        group.groupId(),
        group.generationId(),
        reason);
    if (initial) {
      int delay = config.initialRebalanceDelayMs();
      int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      group.setNewMemberAdded(false);
      scheduleInitialJoin(group, delay, remaining);
    } else {
      group.setJoinTimer(timer.schedule(group.rebalanceTimeoutMs(), () -> onJoinTimeout(group)));
      maybeCompleteJoin(group);
    }
  }

  private void scheduleInitialJoin(ClassicGroup group, int delayMs, int remainingMs) {
    group.setJoinTimer(
        timer.schedule(
            delayMs,
            () -> {
              if (groups.get(group.groupId()) != group
                  || !group.isInState(GroupState.PREPARING_REBALANCE)) {
                return;
              }
              if (group.newMemberAdded() && remainingMs != 0) {
                group.setNewMemberAdded(false);
                int next = Math.min(config.initialRebalanceDelayMs(), remainingMs);
                scheduleInitialJoin(
                    group, next, Math.max(remainingMs - config.initialRebalanceDelayMs(), 0));
              } else {
                completeJoin(group);
              }
            }));
  }

  private void onJoinTimeout(ClassicGroup group) {
    if (groups.get(group.groupId()) == group && group.isInState(GroupState.PREPARING_REBALANCE)) {
      completeJoin(group);
    }
  }

  void maybeCompleteJoin(ClassicGroup group) {
    if (group.isInState(GroupState.PREPARING_REBALANCE)
        && group.hasAllMembersJoined()
        && group.previousState() != GroupState.EMPTY) {
      completeJoin(group);
    }
  }

  /** Ends the join phase: members that did not rejoin are dropped, the next generation starts. */
  private void completeJoin(ClassicGroup group) {
    group.cancelJoinTimer();
    for (GroupMember member : List.copyOf(group.allMembers())) {
      if (!member.isAwaitingJoin()) {
        log.info(
            "Removing member that did not rejoin groupId={} memberId={}",
            group.groupId(),
            member.memberId());
        cancelSession(member);
        group.remove(member.memberId());
      }
    }
    group.initNextGeneration(now());
    log.info(
        "Group groupId={} generationId={} state={} members={} protocol={}",
        group.groupId(),
        group.generationId(),
        group.state(),
        group.size(),
        group.protocolName());
    if (group.isInState(GroupState.EMPTY)) {
      writeSnapshot(group);
      return;
    }
    int generation = group.generationId();
    Map<GroupMember, JoinGroupResponseData> responses = new LinkedHashMap<>();
    for (GroupMember member : group.allMembers()) {
      member.setAssignment(new byte[0]);
      responses.put(member, joinResponse(group, member));
      group.pendingSyncMembers().add(member.memberId());
    }
    CompletableFuture<Void> durable = writeSnapshot(group);
    for (Map.Entry<GroupMember, JoinGroupResponseData> entry : responses.entrySet()) {
      GroupMember member = entry.getKey();
      CompletableFuture<JoinGroupResponseData> future = member.awaitingJoin();
      member.setAwaitingJoin(null);
      member.setNew(false);
      scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
      durable.whenComplete(
          (ok, error) ->
              future.complete(
                  error == null
                      ? entry.getValue()
                      : joinErrorResponse(Errors.UNKNOWN_SERVER_ERROR, member.memberId())));
    }
    group.setSyncTimer(
        timer.schedule(group.rebalanceTimeoutMs(), () -> onSyncTimeout(group, generation)));
  }

  /** Members of the generation that never sent SyncGroup are removed, and a rebalance begins. */
  private void onSyncTimeout(ClassicGroup group, int generation) {
    if (groups.get(group.groupId()) != group
        || group.generationId() != generation
        || group.pendingSyncMembers().isEmpty()) {
      return;
    }
    if (!group.isInState(GroupState.COMPLETING_REBALANCE) && !group.isInState(GroupState.STABLE)) {
      return;
    }
    for (String memberId : List.copyOf(group.pendingSyncMembers())) {
      GroupMember member = group.member(memberId);
      if (member != null) {
        log.info(
            "Removing member that did not sync groupId={} memberId={}", group.groupId(), memberId);
        removeMember(group, member);
      }
    }
    group.pendingSyncMembers().clear();
    if (group.isInState(GroupState.STABLE) || group.isInState(GroupState.COMPLETING_REBALANCE)) {
      prepareRebalance(group, "members did not sync in time");
    }
  }

  JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member) {
    JoinGroupResponseData response =
        new JoinGroupResponseData()
            .setErrorCode(Errors.NONE.code())
            .setGenerationId(group.generationId())
            .setProtocolType(group.protocolType())
            .setProtocolName(group.protocolName())
            .setLeader(group.leaderId())
            .setMemberId(member.memberId());
    if (group.isLeader(member.memberId())) {
      List<JoinGroupResponseMember> members = new ArrayList<>();
      for (GroupMember m : group.allMembers()) {
        members.add(
            new JoinGroupResponseMember()
                .setMemberId(m.memberId())
                .setGroupInstanceId(m.groupInstanceId())
                .setMetadata(m.metadata(group.protocolName())));
      }
      response.setMembers(members);
    }
    return response;
  }

  static CompletableFuture<JoinGroupResponseData> joinError(Errors error, String memberId) {
    return CompletableFuture.completedFuture(joinErrorResponse(error, memberId));
  }

  static JoinGroupResponseData joinErrorResponse(Errors error, String memberId) {
    return new JoinGroupResponseData()
        .setErrorCode(error.code())
        .setGenerationId(-1)
        .setProtocolName(null)
        .setLeader("")
        .setMemberId(memberId == null ? "" : memberId);
  }

  // ------------------------------------------------------------------ SyncGroup

  CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
    ClassicGroup group = groups.get(request.groupId());
    if (group == null) {
      return syncFailed(Errors.UNKNOWN_MEMBER_ID);
    }
    if (group.isInState(GroupState.DEAD)) {
      return syncFailed(Errors.COORDINATOR_NOT_AVAILABLE);
    }
    Errors invalid =
        validateMember(
            group, request.memberId(), request.groupInstanceId(), request.generationId());
    if (invalid != Errors.NONE) {
      return syncFailed(invalid);
    }
    if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
        || (request.protocolName() != null
            && !request.protocolName().equals(group.protocolName()))) {
      return syncFailed(Errors.INCONSISTENT_GROUP_PROTOCOL);
    }
    GroupMember member = group.member(request.memberId());
    switch (group.state()) {
      case EMPTY:
        return syncFailed(Errors.UNKNOWN_MEMBER_ID);
      case PREPARING_REBALANCE:
        return syncFailed(Errors.REBALANCE_IN_PROGRESS);
      case STABLE:
        group.pendingSyncMembers().remove(member.memberId());
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
        return CompletableFuture.completedFuture(syncResponse(group, member));
      case COMPLETING_REBALANCE:
        break;
      default:
        throw new IllegalStateException("unexpected state " + group.state());
    }
    CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
    if (member.isAwaitingSync()) {
      member.awaitingSync().complete(syncError(Errors.REBALANCE_IN_PROGRESS));
    }
    member.setAwaitingSync(future);
    group.pendingSyncMembers().remove(member.memberId());
    scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
    if (group.isLeader(member.memberId())) {
      storeAssignments(group, request.assignments());
    }
    return future;
  }

  /** The leader's assignments: persisted first, then the group is Stable and members answered. */
  private void storeAssignments(ClassicGroup group, List<SyncGroupRequestAssignment> assignments) {
    Map<String, byte[]> byMember = new HashMap<>();
    for (SyncGroupRequestAssignment a : assignments) {
      byMember.put(a.memberId(), a.assignment());
    }
    for (GroupMember m : group.allMembers()) {
      m.setAssignment(byMember.getOrDefault(m.memberId(), new byte[0]));
    }
    int generation = group.generationId();
    writeSnapshot(group)
        .whenComplete(
            (ok, error) -> {
              if (groups.get(group.groupId()) != group
                  || group.generationId() != generation
                  || !group.isInState(GroupState.COMPLETING_REBALANCE)) {
                return; // a rebalance started meanwhile; parked syncs were answered by it
              }
              if (error != null) {
                resetAndPropagateAssignmentError(group, Errors.COORDINATOR_NOT_AVAILABLE);
                prepareRebalance(group, "group metadata write failed");
                return;
              }
              group.transitionTo(GroupState.STABLE, now());
              for (GroupMember m : group.allMembers()) {
                if (m.isAwaitingSync()) {
                  CompletableFuture<SyncGroupResponseData> f = m.awaitingSync();
                  m.setAwaitingSync(null);
                  f.complete(syncResponse(group, m));
                }
              }
              log.info("Group groupId={} generationId={} is Stable", group.groupId(), generation);
            });
  }

  private void resetAndPropagateAssignmentError(ClassicGroup group, Errors error) {
    for (GroupMember m : group.allMembers()) {
      m.setAssignment(new byte[0]);
      if (m.isAwaitingSync()) {
        CompletableFuture<SyncGroupResponseData> f = m.awaitingSync();
        m.setAwaitingSync(null);
        f.complete(syncError(error));
      }
    }
  }

  private static SyncGroupResponseData syncResponse(ClassicGroup group, GroupMember member) {
    return new SyncGroupResponseData()
        .setErrorCode(Errors.NONE.code())
        .setProtocolType(group.protocolType())
        .setProtocolName(group.protocolName())
        .setAssignment(member.assignment());
  }

  static SyncGroupResponseData syncError(Errors error) {
    return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
  }

  private static CompletableFuture<SyncGroupResponseData> syncFailed(Errors error) {
    return CompletableFuture.completedFuture(syncError(error));
  }

  /** Member, static-instance and generation checks shared by SyncGroup and Heartbeat. */
  private static Errors validateMember(
      ClassicGroup group, String memberId, String instanceId, int generationId) {
    if (instanceId != null) {
      String existing = group.staticMemberId(instanceId);
      if (existing == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (!existing.equals(memberId)) {
        return Errors.FENCED_INSTANCE_ID;
      }
    }
    if (!group.hasMember(memberId)) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generationId != group.generationId()) {
      return Errors.ILLEGAL_GENERATION;
    }
    return Errors.NONE;
  }

  // ------------------------------------------------------------------ Heartbeat, LeaveGroup

  Errors heartbeat(String groupId, String memberId, String instanceId, int generationId) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (group.isInState(GroupState.DEAD)) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    if (group.isInState(GroupState.EMPTY)) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    Errors invalid = validateMember(group, memberId, instanceId, generationId);
    if (invalid != Errors.NONE) {
      return invalid;
    }
    GroupMember member = group.member(memberId);
    scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
    return group.isInState(GroupState.PREPARING_REBALANCE)
        ? Errors.REBALANCE_IN_PROGRESS
        : Errors.NONE;
  }

  /** One member to remove in a LeaveGroup request. */
  record LeavingMember(String memberId, String groupInstanceId) {}

  /** The outcome of LeaveGroup: a group-level error, or one error per member. */
  record LeaveResult(Errors error, List<Errors> memberErrors) {}

  LeaveResult leave(String groupId, List<LeavingMember> leaving) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return new LeaveResult(Errors.UNKNOWN_MEMBER_ID, List.of());
    }
    if (group.isInState(GroupState.DEAD)) {
      return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
    }
    List<Errors> errors = new ArrayList<>();
    for (LeavingMember m : leaving) {
      errors.add(leaveOne(group, m));
    }
    return new LeaveResult(Errors.NONE, errors);
  }

  private Errors leaveOne(ClassicGroup group, LeavingMember leaving) {
    String memberId = leaving.memberId() == null ? "" : leaving.memberId();
    String instanceId = leaving.groupInstanceId();
    if (memberId.isEmpty()) {
      String existing = group.staticMemberId(instanceId);
      if (existing == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      memberId = existing;
    } else if (group.isStaticMemberFenced(instanceId, memberId)) {
      return Errors.FENCED_INSTANCE_ID;
    }
    if (group.pendingMembers().remove(memberId)) {
      maybeCompleteJoin(group);
      return Errors.NONE;
    }
    GroupMember member = group.member(memberId);
    if (member == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    log.info("Member left groupId={} memberId={}", group.groupId(), memberId);
    removeMemberAndRebalance(group, member);
    return Errors.NONE;
  }

  private void removeMember(ClassicGroup group, GroupMember member) {
    if (member.isAwaitingJoin()) {
      member
          .awaitingJoin()
          .complete(joinErrorResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId()));
      member.setAwaitingJoin(null);
    }
    if (member.isAwaitingSync()) {
      member.awaitingSync().complete(syncError(Errors.UNKNOWN_MEMBER_ID));
      member.setAwaitingSync(null);
    }
    cancelSession(member);
    group.remove(member.memberId());
  }

  private void removeMemberAndRebalance(ClassicGroup group, GroupMember member) {
    removeMember(group, member);
    switch (group.state()) {
      case STABLE, COMPLETING_REBALANCE ->
          prepareRebalance(group, "member " + member.memberId() + " left");
      case PREPARING_REBALANCE -> maybeCompleteJoin(group);
      default -> {}
    }
  }

  // ------------------------------------------------------------------ session timers

  void scheduleSessionTimeout(ClassicGroup group, GroupMember member, long timeoutMs) {
    cancelSession(member);
    member.setSessionTimer(
        timer.schedule(timeoutMs, () -> onSessionExpired(group, member.memberId(), timeoutMs)));
  }

  static void cancelSession(GroupMember member) {
    if (member.sessionTimer() != null) {
      member.sessionTimer().cancel();
      member.setSessionTimer(null);
    }
  }

  private void onSessionExpired(ClassicGroup group, String memberId, long timeoutMs) {
    GroupMember member = group.member(memberId);
    if (groups.get(group.groupId()) != group || member == null) {
      return;
    }
    if ((member.isAwaitingJoin() && !member.isNew()) || member.isAwaitingSync()) {
      // Parked in a join or sync: the member is alive.
      scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
      return;
    }
    log.info(
        "Session expired groupId={} memberId={} timeoutMs={}",
        group.groupId(),
        memberId,
        timeoutMs);
    removeMemberAndRebalance(group, member);
  }

  void schedulePendingMemberTimeout(ClassicGroup group, String memberId, long timeoutMs) {
    timer.schedule(
        timeoutMs,
        () -> {
          if (groups.get(group.groupId()) == group && group.pendingMembers().remove(memberId)) {
            log.info(
                "Pending member did not rejoin groupId={} memberId={}", group.groupId(), memberId);
            maybeCompleteJoin(group);
          }
        });
  }
}
