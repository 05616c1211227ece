package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.AcksAllPurgatory.Completion;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.ReplicatedPartition;
import io.logstore.replication.ReplicatedPartition.Answers;
import io.logstore.replication.ReplicatedPartition.LowWatermarkAnswer;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader-side glue the broker's Partition and the simulation's leader both run. */
class ReplicatedPartitionTest {
  private static final UUID TOPIC = new UUID(5, 5);
  private static final int MIN_ISR = 2;

  private final SimLog log = new SimLog();
  private final ReplicatedPartition<String, String> partition =
      new ReplicatedPartition<>(new PartitionReplica(2, log, 1_000), 10);

  private static PartitionRecord state(int leader, int leaderEpoch) {
    return new PartitionRecord(
        TOPIC, 0, List.of(1, 2, 3), List.of(1, 2, 3), leader, leaderEpoch, leaderEpoch);
  }

  @BeforeEach
  void leadWithThreeDurableRecords() {
    partition.applyState(state(2, 0), MIN_ISR, 0, new Answers<>());
    log.appendAsLeader(0, 10);
    log.appendAsLeader(0, 11);
    log.appendAsLeader(0, 12);
    log.sync();
  }

  @Test
  void anAcksAllWaitIsAnsweredWhenBothFollowersFetchedPastIt() {
    // Given a produce of the three records waiting for replication
    Answers<String, String> parked = new Answers<>();
    assertThat(partition.awaitReplicated(3, 5_000, "produce", MIN_ISR, 0, parked))
        .isEqualTo(ReplicationError.NONE);
    assertThat(parked.acks()).isEmpty();

    // When follower 1 fetched to 3: not yet (follower 3 is in the ISR and behind)
    Answers<String, String> one = new Answers<>();
    partition.onFollowerFetch(1, 0, 3, 0, 0, MIN_ISR, 10, one);
    assertThat(one.acks()).isEmpty();

    // Then follower 3's fetch to 3 answers it
    Answers<String, String> both = new Answers<>();
    partition.onFollowerFetch(3, 0, 3, 0, 0, MIN_ISR, 20, both);
    assertThat(both.acks()).containsExactly(new Completion<>("produce", ReplicationError.NONE));
    assertThat(log.highWatermark()).isEqualTo(3);
  }

  @Test
  void aDeleteRecordsWaitIsAnsweredByTheFollowersLogStartsOrItsDeadline() {
    // Given the leader's log starts at 2 and both followers reported log start 0
    partition.onFollowerFetch(1, 0, 3, 0, 0, MIN_ISR, 10, new Answers<>());
    partition.onFollowerFetch(3, 0, 3, 0, 0, MIN_ISR, 10, new Answers<>());
    log.moveLogStart(2);
    Answers<String, String> parked = new Answers<>();
    partition.awaitLowWatermark(2, 1_000, "delete", parked);
    partition.awaitLowWatermark(3, 500, "too far", parked);
    assertThat(parked.lowWatermarks()).isEmpty();

    // When both followers report log start 2
    partition.onFollowerFetch(1, 0, 3, 0, 2, MIN_ISR, 20, new Answers<>());
    Answers<String, String> reached = new Answers<>();
    partition.onFollowerFetch(3, 0, 3, 0, 2, MIN_ISR, 30, reached);

    // Then the first wait gets low watermark 2; the second one times out on the ISR timer
    assertThat(reached.lowWatermarks())
        .containsExactly(new LowWatermarkAnswer<>("delete", ReplicationError.NONE, 2));
    Answers<String, String> timer = new Answers<>();
    partition.onIsrTimer(MIN_ISR, 600, timer);
    assertThat(timer.lowWatermarks())
        .containsExactly(
            new LowWatermarkAnswer<>("too far", ReplicationError.REQUEST_TIMED_OUT, -1));
  }

  @Test
  void losingLeadershipFailsEveryWait() {
    // Given an acks=all wait and a DeleteRecords wait
    partition.awaitReplicated(3, 5_000, "produce", MIN_ISR, 0, new Answers<>());
    log.moveLogStart(1);
    partition.onFollowerFetch(1, 0, 3, 0, 0, MIN_ISR, 10, new Answers<>());
    partition.awaitLowWatermark(1, 5_000, "delete", new Answers<>());

    // When the metadata makes broker 1 the leader at epoch 1
    Answers<String, String> lost = new Answers<>();
    PartitionReplica.Transition t = partition.applyState(state(1, 1), MIN_ISR, 20, lost);

    // Then both fail with NOT_LEADER_OR_FOLLOWER, and new waits are refused at once
    assertThat(t.lostLeadership()).isTrue();
    assertThat(lost.acks())
        .containsExactly(new Completion<>("produce", ReplicationError.NOT_LEADER_OR_FOLLOWER));
    assertThat(lost.lowWatermarks())
        .containsExactly(
            new LowWatermarkAnswer<>("delete", ReplicationError.NOT_LEADER_OR_FOLLOWER, -1));
    assertThat(partition.awaitReplicated(4, 5_000, "late", MIN_ISR, 30, new Answers<>()))
        .isEqualTo(ReplicationError.NOT_LEADER_OR_FOLLOWER);
  }
}
