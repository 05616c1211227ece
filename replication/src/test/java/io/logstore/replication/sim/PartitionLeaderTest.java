package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.FetchValidation;
import io.logstore.replication.PartitionLeader;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PartitionLeaderTest {

  private static final UUID TOPIC = new UUID(5, 6);
  private final SimLog log = new SimLog();

  private PartitionLeader leader(List<Integer> isr) {
    return new PartitionLeader(
        1, log, new PartitionRecord(TOPIC, 0, List.of(1, 2, 3), isr, 1, 4, 9), 1_000, 0);
  }

  private static FetchValidation.Accept accept(FetchValidation v) {
    assertThat(v).isInstanceOf(FetchValidation.Accept.class);
    return (FetchValidation.Accept) v;
  }

  @Test
  void theHighWatermarkIsTheSlowestIsrMemberAndCountsOnlyTheLeadersFsyncedRecords() {
    // Given three ISR members and 10 records of which the leader fsynced 6
    PartitionLeader leader = leader(List.of(1, 2, 3));
    for (int i = 0; i < 10; i++) {
      log.appendAsLeader(4, i);
      if (i == 5) {
        log.sync();
      }
    }

    // When follower 2 fetches at 8 and follower 3 at 3
    leader.onFollowerFetch(2, 4, 8, 4, 10);
    leader.onFollowerFetch(3, 4, 3, 4, 10);

    // Then the high watermark is 3; with 3 at 9 it is the leader's durable end, 6
    assertThat(leader.highWatermark()).isEqualTo(3);
    leader.onFollowerFetch(3, 4, 9, 4, 20);
    assertThat(leader.highWatermark()).isEqualTo(6);
    log.sync();
    assertThat(leader.maybeAdvanceHighWatermark()).isTrue();
    assertThat(leader.highWatermark()).isEqualTo(8);
  }

  @Test
  void aLaggingFollowerIsProposedForRemovalAfterTheLagTime() {
    PartitionLeader leader = leader(List.of(1, 2, 3));
    log.appendAsLeader(4, 1);
    log.sync();
    leader.onFollowerFetch(2, 4, 1, 4, 500);

    assertThat(leader.maybeShrinkIsr(900)).isNull();
    List<Integer> proposed = leader.maybeShrinkIsr(1_001);

    assertThat(proposed).containsExactly(1, 2);
    assertThat(leader.pendingIsr()).containsExactly(1, 2);
    assertThat(leader.maybeShrinkIsr(5_000)).as("one change in flight").isNull();
  }

  @Test
  void aCaughtUpFollowerIsProposedForTheIsrAndCountsAtOnce() {
    // Given ISR 1,2 and follower 3 behind
    PartitionLeader leader = leader(List.of(1, 2));
    for (int i = 0; i < 4; i++) {
      log.appendAsLeader(4, i);
    }
    log.sync();
    leader.onFollowerFetch(2, 4, 4, 4, 1);
    assertThat(leader.highWatermark()).isEqualTo(4);

    // When 3 fetches below the high watermark, then at it
    FetchValidation.Accept behind = accept(leader.onFollowerFetch(3, 4, 2, 4, 2));
    FetchValidation.Accept caughtUp = accept(leader.onFollowerFetch(3, 4, 4, 4, 3));

    // Then only the second fetch proposes 1,2,3
    assertThat(behind.proposedIsr()).isNull();
    assertThat(caughtUp.proposedIsr()).containsExactly(1, 2, 3);
  }

  @Test
  void acksAllNeedsMinInsyncReplicasBeforeAndAfterTheAppend() {
    PartitionLeader leader = leader(List.of(1));
    log.appendAsLeader(4, 1);
    log.sync();
    leader.maybeAdvanceHighWatermark();

    assertThat(leader.checkBeforeAcksAllAppend(2)).isEqualTo(ReplicationError.NOT_ENOUGH_REPLICAS);
    assertThat(leader.checkBeforeAcksAllAppend(1)).isEqualTo(ReplicationError.NONE);
    assertThat(leader.acksAllOutcome(1, 2))
        .isEqualTo(ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    assertThat(leader.acksAllOutcome(1, 1)).isEqualTo(ReplicationError.NONE);
    assertThat(leader.acksAllOutcome(2, 1)).as("not yet replicated").isNull();
  }

  @Test
  void fetchesWithTheWrongLeaderEpochOrFromStrangersAreRefused() {
    PartitionLeader leader = leader(List.of(1, 2, 3));

    assertThat(leader.onFollowerFetch(2, 5, 0, -1, 0))
        .isEqualTo(new FetchValidation.Error(ReplicationError.UNKNOWN_LEADER_EPOCH));
    assertThat(leader.onFollowerFetch(2, 3, 0, -1, 0))
        .isEqualTo(new FetchValidation.Error(ReplicationError.FENCED_LEADER_EPOCH));
    assertThat(leader.onFollowerFetch(7, 4, 0, -1, 0))
        .isEqualTo(new FetchValidation.Error(ReplicationError.NOT_LEADER_OR_FOLLOWER));
    assertThat(leader.onFollowerFetch(2, 4, 5, -1, 0))
        .isEqualTo(new FetchValidation.Error(ReplicationError.OFFSET_OUT_OF_RANGE));
  }

  @Test
  void onlyTheAnswerToThePendingProposalEndsIt() {
    // Given ISR 1,2 (partition epoch 9) and follower 3 caught up: the leader proposes 1,2,3
    PartitionLeader leader = leader(List.of(1, 2));
    log.appendAsLeader(4, 1);
    log.sync();
    leader.onFollowerFetch(2, 4, 1, 4, 1);
    FetchValidation.Accept expand = accept(leader.onFollowerFetch(3, 4, 1, 4, 2));
    assertThat(expand.proposedIsr()).containsExactly(1, 2, 3);

    // When a late refusal of an older proposal arrives
    leader.onIsrChangeFailed(leader.pendingProposalId() - 1);
    log.appendAsLeader(4, 2);
    log.sync();
    leader.onFollowerFetch(2, 4, 2, 4, 3);

    // Then the expansion is still pending and follower 3 still counts: the high watermark waits
    assertThat(leader.pendingIsr()).containsExactly(1, 2, 3);
    assertThat(leader.highWatermark()).isEqualTo(1);
    leader.onFollowerFetch(3, 4, 2, 4, 4);
    assertThat(leader.highWatermark()).isEqualTo(2);

    // And the refusal of the pending proposal itself ends it
    leader.onIsrChangeFailed(leader.pendingProposalId());
    assertThat(leader.pendingIsr()).isNull();
  }

  @Test
  void theLowWatermarkWaitsForTheIsrFollowersThatReportedALogStart() {
    // Given ISR 1,2 (3 is out of sync) and 10 records whose first 6 the leader deleted
    PartitionLeader leader = leader(List.of(1, 2));
    for (int i = 0; i < 10; i++) {
      log.appendAsLeader(4, i);
    }
    log.sync();
    log.moveLogStart(6);

    // Then before any follower reported, the low watermark is the leader's log start
    assertThat(leader.lowWatermark()).isEqualTo(6);

    // When follower 2 reports log start 0 and out-of-sync 3 reports 0 too
    accept(leader.onFollowerFetch(2, 4, 10, 4, 1));
    leader.onFollowerLogStart(2, 0);
    leader.onFollowerLogStart(3, 0);

    // Then the low watermark is 2's; once 2 reports 6 it is 6 (3, not in the ISR, is not waited
    // for); a fetch without a log start (-1) changes nothing; strangers are ignored
    assertThat(leader.lowWatermark()).isZero();
    leader.onFollowerLogStart(2, 6);
    assertThat(leader.lowWatermark()).isEqualTo(6);
    leader.onFollowerLogStart(2, -1);
    leader.onFollowerLogStart(7, 0);
    assertThat(leader.lowWatermark()).isEqualTo(6);
  }

  @Test
  void aReplicaAddedByAReassignmentIsAFollowerAndARemovedOneIsNot() {
    // Given leader 1 of replicas 1, 2, 3 with 4 records
    PartitionLeader leader = leader(List.of(1, 2, 3));
    for (int i = 0; i < 4; i++) {
      log.appendAsLeader(4, i);
    }
    log.sync();
    assertThat(leader.onFollowerFetch(4, 4, 0, -1, 1)).isInstanceOf(FetchValidation.Error.class);

    // When a reassignment makes the replicas 1, 2, 4 at the same leader epoch
    leader.onPartitionState(
        new PartitionRecord(TOPIC, 0, List.of(1, 2, 4), List.of(1, 2), 1, 4, 10));

    // Then 4 may fetch and joins the ISR once caught up; 3 is refused
    leader.onFollowerFetch(2, 4, 4, 4, 2);
    assertThat(accept(leader.onFollowerFetch(4, 4, 0, -1, 3)).proposedIsr()).isNull();
    assertThat(accept(leader.onFollowerFetch(4, 4, 4, 4, 4)).proposedIsr())
        .containsExactly(1, 2, 4);
    assertThat(leader.onFollowerFetch(3, 4, 4, 4, 5)).isInstanceOf(FetchValidation.Error.class);
  }
}
