package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.AcksAllPurgatory;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.PartitionReplica.Transition;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PartitionReplicaTest {

  private static final UUID TOPIC = new UUID(8, 8);
  private final SimLog log = new SimLog();
  private final PartitionReplica replica = new PartitionReplica(2, log, 1_000);

  private static PartitionRecord state(int leader, int leaderEpoch, int partitionEpoch) {
    return new PartitionRecord(
        TOPIC, 0, List.of(1, 2, 3), List.of(1, 2, 3), leader, leaderEpoch, partitionEpoch);
  }

  @Test
  void rolesFollowTheMetadataAndIgnoreOlderEpochs() {
    Transition follow = replica.onPartitionState(state(1, 0, 0), 0);
    assertThat(follow.to()).isInstanceOf(PartitionReplica.Following.class);
    assertThat(replica.follower().leaderId()).isEqualTo(1);

    Transition sameEpoch = replica.onPartitionState(state(1, 0, 1), 0);
    assertThat(sameEpoch.changed()).as("an ISR change under the same leader").isFalse();

    Transition lead = replica.onPartitionState(state(2, 1, 2), 0);
    assertThat(lead.to()).isInstanceOf(PartitionReplica.Leading.class);
    assertThat(replica.leader().leaderEpoch()).isEqualTo(1);
    assertThat(log.latestEpoch()).hasValue(1);

    Transition stale = replica.onPartitionState(state(1, 0, 5), 0);
    assertThat(stale.changed()).as("late metadata of an older epoch").isFalse();

    Transition offline = replica.onPartitionState(state(-1, 2, 3), 0);
    assertThat(offline.lostLeadership()).isTrue();
    assertThat(offline.to()).isEqualTo(new PartitionReplica.Offline(2));

    Transition unassigned =
        replica.onPartitionState(
            new PartitionRecord(TOPIC, 0, List.of(1, 3), List.of(1, 3), 1, 3, 4), 0);
    assertThat(unassigned.to()).isInstanceOf(PartitionReplica.NotReplica.class);
  }

  @Test
  void thePurgatoryAnswersOnTheHighWatermarkOnTimeoutAndOnLostLeadership() {
    // Given this broker leads with ISR 1,2,3 and has 3 records, fsynced
    replica.onPartitionState(state(2, 0, 0), 0);
    log.appendAsLeader(0, 10);
    log.appendAsLeader(0, 11);
    log.appendAsLeader(0, 12);
    log.sync();
    AcksAllPurgatory<String> purgatory = new AcksAllPurgatory<>(2);
    assertThat(purgatory.park(1, 500, "first")).isTrue();
    assertThat(purgatory.park(3, 500, "third")).isTrue();
    assertThat(purgatory.park(3, 500, "over the bound")).isFalse();

    // When followers 1 and 3 have fetched up to offset 1
    replica.leader().onFollowerFetch(1, 0, 1, 0, 10);
    replica.leader().onFollowerFetch(3, 0, 1, 0, 10);

    // Then only the first waiter completes; the second times out; a new one fails on lost
    // leadership
    assertThat(purgatory.poll(replica.leader(), 2, 20))
        .containsExactly(new AcksAllPurgatory.Completion<>("first", ReplicationError.NONE));
    assertThat(purgatory.poll(replica.leader(), 2, 500))
        .containsExactly(
            new AcksAllPurgatory.Completion<>("third", ReplicationError.REQUEST_TIMED_OUT));
    purgatory.park(3, 5_000, "late");
    assertThat(purgatory.failAll(ReplicationError.NOT_LEADER_OR_FOLLOWER))
        .containsExactly(
            new AcksAllPurgatory.Completion<>("late", ReplicationError.NOT_LEADER_OR_FOLLOWER));
    assertThat(purgatory.size()).isZero();
  }
}
