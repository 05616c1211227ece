package io.logstore.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.coordinator.group.GroupCoordinatorShard.LeavingMember;
import io.logstore.coordinator.group.OffsetCommands.CommitCommand;
import io.logstore.coordinator.group.OffsetCommands.PartitionCommit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The classic group state machine, driven by a manual clock and an in-memory store. */
class GroupCoordinatorShardTest {
  private static final int SESSION_MS = 10_000;
  private static final int REBALANCE_MS = 30_000;
  private static final int INITIAL_DELAY_MS = 3_000;

  private final ManualTimer timer = new ManualTimer();
  private final InMemoryGroupStore store = new InMemoryGroupStore();
  private final GroupConfig config =
      new GroupConfig(1, INITIAL_DELAY_MS, 6000, 300_000, 2, 60_000L, 10_000L, 4096, 300_000);
  private GroupCoordinatorShard shard = newShard();

  /** The value of a future the test expects to be complete already (never blocks). */
  private static <T> T done(CompletableFuture<T> future) {
    assertThat(future).isDone();
    return future.join();
  }

  private GroupCoordinatorShard newShard() {
    return new GroupCoordinatorShard(config, timer, store, timer, Runnable::run);
  }

  private static JoinGroupRequestData join(
      String memberId, String instanceId, String... protocols) {
    JoinGroupRequestProtocolCollection collection = new JoinGroupRequestProtocolCollection();
    for (String p : protocols) {
      collection.add(new JoinGroupRequestProtocol().setName(p).setMetadata(p.getBytes()));
    }
    return new JoinGroupRequestData()
        .setGroupId("g")
        .setMemberId(memberId)
        .setGroupInstanceId(instanceId)
        .setProtocolType("consumer")
        .setSessionTimeoutMs(SESSION_MS)
        .setRebalanceTimeoutMs(REBALANCE_MS)
        .setProtocols(collection);
  }

  /** A member id obtained through MEMBER_ID_REQUIRED, then a parked join with it. */
  private CompletableFuture<JoinGroupResponseData> joinWithId(String[] idOut) {
    JoinGroupResponseData first =
        done(shard.join(join("", null, "range"), true, true, "client", ""));
    assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
    idOut[0] = first.memberId();
    return shard.join(join(first.memberId(), null, "range"), true, true, "client", "");
  }

  private SyncGroupResponseData sync(String memberId, int generation, Map<String, byte[]> plan) {
    SyncGroupRequestData request =
        new SyncGroupRequestData()
            .setGroupId("g")
            .setMemberId(memberId)
            .setGenerationId(generation);
    plan.forEach(
        (id, bytes) ->
            request
                .assignments()
                .add(new SyncGroupRequestAssignment().setMemberId(id).setAssignment(bytes)));
    return done(shard.sync(request));
  }

  @Test
  void shouldRequireKnownMemberIdOnFirstJoinFromV4() {
    JoinGroupResponseData response =
        done(shard.join(join("", null, "range"), true, true, "client", ""));

    assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
    assertThat(response.memberId()).startsWith("client-");
    assertThat(shard.group("g").state()).isEqualTo(GroupState.EMPTY);
  }

  @Test
  void shouldWaitInitialDelayThenCompleteJoinAndBecomeStableOnLeaderSync() {
    // Given two members joining an empty group
    String[] a = new String[1];
    String[] b = new String[1];
    CompletableFuture<JoinGroupResponseData> joinA = joinWithId(a);
    CompletableFuture<JoinGroupResponseData> joinB = joinWithId(b);
    assertThat(shard.group("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);

    // When less than the initial delay passes, nobody is answered. B arrived during the delay,
    // which extends it once more; then both are answered
    timer.advance(INITIAL_DELAY_MS);
    assertThat(joinA).isNotDone();
    timer.advance(INITIAL_DELAY_MS);
    JoinGroupResponseData leader = done(joinA);
    JoinGroupResponseData follower = done(joinB);

    // Then A leads generation 1 and alone sees the member list
    assertThat(leader.generationId()).isEqualTo(1);
    assertThat(leader.leader()).isEqualTo(a[0]);
    assertThat(leader.members()).hasSize(2);
    assertThat(follower.members()).isEmpty();
    assertThat(leader.protocolName()).isEqualTo("range");
    assertThat(shard.group("g").state()).isEqualTo(GroupState.COMPLETING_REBALANCE);

    // When the follower syncs first it waits; the leader's sync answers both
    CompletableFuture<SyncGroupResponseData> followerSync =
        shard.sync(new SyncGroupRequestData().setGroupId("g").setMemberId(b[0]).setGenerationId(1));
    assertThat(followerSync).isNotDone();
    SyncGroupResponseData leaderSync =
        sync(a[0], 1, Map.of(a[0], new byte[] {1}, b[0], new byte[] {2}));
    assertThat(leaderSync.assignment()).containsExactly(1);
    assertThat(done(followerSync).assignment()).containsExactly(2);
    assertThat(shard.group("g").state()).isEqualTo(GroupState.STABLE);
  }

  private String[] stableGroupOfTwo() {
    String[] a = new String[1];
    String[] b = new String[1];
    CompletableFuture<JoinGroupResponseData> joinA = joinWithId(a);
    joinWithId(b);
    timer.advance(2 * INITIAL_DELAY_MS);
    assertThat(done(joinA).generationId()).isEqualTo(1);
    sync(a[0], 1, Map.of(a[0], new byte[] {1}, b[0], new byte[] {2}));
    sync(b[0], 1, Map.of());
    assertThat(shard.group("g").state()).isEqualTo(GroupState.STABLE);
    return new String[] {a[0], b[0]};
  }

  @Test
  void shouldFenceStaleGenerationsAndUnknownMembers() {
    String[] ids = stableGroupOfTwo();

    assertThat(shard.heartbeat("g", ids[0], null, 1)).isEqualTo(Errors.NONE);
    assertThat(shard.heartbeat("g", ids[0], null, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
    assertThat(shard.heartbeat("g", "nobody", null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(shard.heartbeat("other", ids[0], null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(Errors.forCode(sync(ids[1], 7, Map.of()).errorCode()))
        .isEqualTo(Errors.ILLEGAL_GENERATION);
  }

  @Test
  void shouldRebalanceWithoutAMemberWhoseSessionExpired() {
    // Given a stable group where only A keeps heartbeating
    String[] ids = stableGroupOfTwo();
    for (int i = 0; i < 3; i++) {
      timer.advance(SESSION_MS / 4);
      assertThat(shard.heartbeat("g", ids[0], null, 1)).isEqualTo(Errors.NONE);
    }
    timer.advance(SESSION_MS / 4);

    // Then B's session has expired and A is told to rejoin
    assertThat(shard.group("g").hasMember(ids[1])).isFalse();
    assertThat(shard.heartbeat("g", ids[0], null, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

    // When A rejoins, generation 2 starts at once with A alone
    JoinGroupResponseData rejoin =
        done(shard.join(join(ids[0], null, "range"), true, true, "c", ""));
    assertThat(rejoin.generationId()).isEqualTo(2);
    assertThat(rejoin.members()).hasSize(1);
  }

  @Test
  void shouldBecomeEmptyWhenTheLastMembersLeave() {
    String[] ids = stableGroupOfTwo();

    GroupCoordinatorShard.LeaveResult result =
        shard.leave("g", List.of(new LeavingMember(ids[0], null), new LeavingMember(ids[1], null)));

    assertThat(result.memberErrors()).containsExactly(Errors.NONE, Errors.NONE);
    assertThat(shard.group("g").state()).isEqualTo(GroupState.EMPTY);
    assertThat(shard.group("g").generationId()).isEqualTo(2);
  }

  @Test
  void shouldRejectInconsistentProtocolsBadSessionTimeoutsAndFullGroups() {
    stableGroupOfTwo();

    JoinGroupResponseData other =
        done(shard.join(join("", null, "roundrobin"), false, true, "c", ""));
    assertThat(Errors.forCode(other.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
    JoinGroupResponseData tooShort =
        done(shard.join(join("", null, "range").setSessionTimeoutMs(10), false, true, "c", ""));
    assertThat(Errors.forCode(tooShort.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
    JoinGroupResponseData third = done(shard.join(join("", null, "range"), false, true, "c", ""));
    assertThat(Errors.forCode(third.errorCode())).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
  }

  /**
   * Static members s1 and s2 join (with JoinGroup v9 or older) and s1, the leader, assigns {1} to
   * itself and {2} to s2: generation 1, Stable. Returns their member ids, s1 first.
   */
  private String[] stableStaticGroup(boolean v9) {
    CompletableFuture<JoinGroupResponseData> j1 =
        shard.join(join("", "s1", "range"), true, v9, "c", "");
    CompletableFuture<JoinGroupResponseData> j2 =
        shard.join(join("", "s2", "range"), true, v9, "c", "");
    timer.advance(2 * INITIAL_DELAY_MS);
    String leader = done(j1).memberId();
    String follower = done(j2).memberId();
    assertThat(done(j1).leader()).isEqualTo(leader);
    sync(leader, 1, Map.of(leader, new byte[] {1}, follower, new byte[] {2}));
    assertThat(shard.group("g").state()).isEqualTo(GroupState.STABLE);
    return new String[] {leader, follower};
  }

  @Test
  void shouldGiveARestartedStaticMemberItsAssignmentAndFenceTheOldId() {
    // Given a stable group of static members s1 (leader, assigned 1) and s2 (assigned 2)
    String old = stableStaticGroup(true)[1];

    // When s2 restarts and joins without a member id
    JoinGroupResponseData rejoin = done(shard.join(join("", "s2", "range"), true, true, "c", ""));

    // Then it gets a new id in the same generation, no rebalance, and the old id is fenced
    assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
    assertThat(rejoin.generationId()).isEqualTo(1);
    assertThat(rejoin.memberId()).isNotEqualTo(old);
    assertThat(shard.group("g").state()).isEqualTo(GroupState.STABLE);
    assertThat(sync(rejoin.memberId(), 1, Map.of()).assignment()).containsExactly(2);
    assertThat(shard.heartbeat("g", old, "s2", 1)).isEqualTo(Errors.FENCED_INSTANCE_ID);
  }

  @Test
  void shouldLetARestartedStaticLeaderSkipTheAssignmentWithoutARebalance() {
    restartStaticLeader(true);
  }

  @Test
  void shouldLetARestartedStaticLeaderOfAPreV9ClientSyncAsAFollower() {
    restartStaticLeader(false);
  }

  private void restartStaticLeader(boolean v9) {
    // Given a stable group of static members s1 (leader, assigned 1) and s2 (assigned 2)
    String[] ids = stableStaticGroup(v9);
    String oldLeader = ids[0];
    String follower = ids[1];

    // When s1 restarts and joins without a member id
    JoinGroupResponseData rejoin = done(shard.join(join("", "s1", "range"), true, v9, "c", ""));

    // Then there is no rebalance: same generation, the group stays stable
    assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
    assertThat(rejoin.generationId()).isEqualTo(1);
    assertThat(shard.group("g").state()).isEqualTo(GroupState.STABLE);
    if (v9) {
      // And from v9 it leads, sees both members and is told to skip the assignment
      assertThat(rejoin.leader()).isEqualTo(rejoin.memberId());
      assertThat(rejoin.skipAssignment()).isTrue();
      assertThat(rejoin.members()).hasSize(2);
    } else {
      // And before v9 it is told its old id leads, so it syncs as a follower
      assertThat(rejoin.leader()).isEqualTo(oldLeader);
      assertThat(rejoin.skipAssignment()).isFalse();
      assertThat(rejoin.members()).isEmpty();
    }
    // And its SyncGroup (no assignments) returns its old assignment; the follower is untouched
    assertThat(sync(rejoin.memberId(), 1, Map.of()).assignment()).containsExactly(1);
    assertThat(shard.heartbeat("g", follower, "s2", 1)).isEqualTo(Errors.NONE);
    assertThat(shard.heartbeat("g", oldLeader, "s1", 1)).isEqualTo(Errors.FENCED_INSTANCE_ID);
  }

  @Test
  void shouldReloadGroupsAndOffsetsByReplayingTheStore() {
    // Given a stable group with committed offsets
    String[] ids = stableGroupOfTwo();
    TopicPartition tp = new TopicPartition("t", 0);
    Map<TopicPartition, Errors> committed =
        done(
            new OffsetCommands(shard)
                .commit(
                    new CommitCommand(
                        "g",
                        1,
                        ids[0],
                        null,
                        false,
                        Map.of(tp, new PartitionCommit(42, 3, "meta")))));
    assertThat(committed).containsEntry(tp, Errors.NONE);

    // When a new coordinator replays the same store
    shard = newShard();
    shard.load();

    // Then the group, its members' assignments and its offsets are back
    ClassicGroup group = shard.group("g");
    assertThat(group.state()).isEqualTo(GroupState.STABLE);
    assertThat(group.generationId()).isEqualTo(1);
    assertThat(group.member(ids[1]).assignment()).containsExactly(2);
    OffsetAndMetadata offset = new OffsetCommands(shard).fetch("g", List.of(tp)).get(tp);
    assertThat(offset.offset()).isEqualTo(42);
    assertThat(offset.leaderEpoch()).isEqualTo(3);
    assertThat(offset.metadata()).isEqualTo("meta");
  }

  @Test
  void shouldExpireOffsetsOfAnEmptyGroupAfterRetentionAndDeleteTheGroup() {
    // Given an admin commit to a group with no members
    TopicPartition tp = new TopicPartition("t", 1);
    OffsetCommands offsets = new OffsetCommands(shard);
    done(
        offsets.commit(
            new CommitCommand(
                "g", -1, "", null, false, Map.of(tp, new PartitionCommit(5, -1, "")))));

    // When less than the retention passes nothing expires; after it, the offset and group go
    timer.advance(config.offsetsRetentionMs() - 1);
    assertThat(offsets.expireOffsets()).isZero();
    timer.advance(1);
    assertThat(offsets.expireOffsets()).isEqualTo(1);
    assertThat(shard.group("g")).isNull();

    // And a replay of the store agrees
    shard = newShard();
    shard.load();
    assertThat(shard.group("g")).isNull();
  }

  @Test
  void shouldRefuseIllegalStateTransitions() {
    ClassicGroup group = new ClassicGroup("g", 0);

    assertThatThrownBy(() -> group.transitionTo(GroupState.STABLE, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("EMPTY to STABLE");
  }

  @Test
  void unloadingAPartitionAnswersParkedJoinsWithNotCoordinator() {
    // Given a member parked in JoinGroup (the initial rebalance delay holds it)
    String[] id = new String[1];
    CompletableFuture<JoinGroupResponseData> parked = joinWithId(id);
    assertThat(parked).isNotDone();

    // When this broker stops leading the group's offsets partition
    shard.unloadPartition(0);

    // Then the join is answered at once with NOT_COORDINATOR and the group is gone from memory
    assertThat(Errors.forCode(done(parked).errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(shard.group("g")).isNull();
  }
}
