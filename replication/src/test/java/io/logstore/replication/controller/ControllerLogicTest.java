package io.logstore.replication.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.controller.ControllerLogic.AlterPartitionResult;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ControllerLogicTest {

  private static final UUID TOPIC = new UUID(3, 4);
  private final ControllerLogic logic = new ControllerLogic(false);
  private MetadataImage image = MetadataImage.EMPTY;

  private void commit(List<MetadataRecord> records) {
    for (MetadataRecord r : records) {
      image = image.apply(image.offset() + 1, r);
    }
  }

  private void threeBrokersAndATopic(int partitions) {
    for (int id = 1; id <= 3; id++) {
      commit(logic.registerBroker(image, id, 100 + id, "127.0.0.1", 9090 + id));
    }
    ControllerLogic.Result created = logic.createTopic(image, "t", TOPIC, partitions, 3);
    assertThat(created.error()).isEqualTo(ReplicationError.NONE);
    commit(created.records());
  }

  private PartitionRecord partition(int p) {
    return image.partition(TOPIC, p).orElseThrow();
  }

  @Test
  void shouldSpreadReplicasAndLeadersRoundRobin() {
    threeBrokersAndATopic(3);

    assertThat(partition(0).replicas()).containsExactly(1, 2, 3);
    assertThat(partition(1).replicas()).containsExactly(2, 3, 1);
    assertThat(partition(2).replicas()).containsExactly(3, 1, 2);
    assertThat(partition(1).leader()).isEqualTo(2);
    assertThat(partition(1).isr()).containsExactly(2, 3, 1);
    assertThat(partition(1).leaderEpoch()).isZero();
  }

  @Test
  void createTopicCommitsItsConfigsAndCreatePartitionsSpreadsTheNewOnes() {
    // Given a topic created with a config
    for (int id = 1; id <= 3; id++) {
      commit(logic.registerBroker(image, id, 100 + id, "127.0.0.1", 9090 + id));
    }
    commit(
        logic
            .createTopic(image, "t", TOPIC, 1, 2, java.util.Map.of("min.insync.replicas", "2"))
            .records());
    assertThat(image.topic(TOPIC).orElseThrow().configs())
        .containsEntry("min.insync.replicas", "2");

    // When it grows to 3 partitions
    ControllerLogic.Result grown = logic.createPartitions(image, TOPIC, 3);
    commit(grown.records());

    // Then the new partitions keep the replication factor, spread round-robin, all in sync
    assertThat(grown.error()).isEqualTo(ReplicationError.NONE);
    assertThat(partition(1).replicas()).containsExactly(2, 3);
    assertThat(partition(2).replicas()).containsExactly(3, 1);
    assertThat(partition(2).isr()).containsExactly(3, 1);
    assertThat(logic.createPartitions(image, TOPIC, 3).records()).isEmpty();

    // And altering its configs commits only the differences
    var altered =
        logic.execute(
            image,
            new io.logstore.replication.metadata.ControllerCommand.AlterTopicConfigs(
                "t", java.util.Map.of("retention.ms", "5")));
    commit(altered.records());
    assertThat(altered.records()).hasSize(2);
    assertThat(image.topic(TOPIC).orElseThrow().configs())
        .containsExactly(java.util.Map.entry("retention.ms", "5"));
    assertThat(logic.createPartitions(image, java.util.UUID.randomUUID(), 3).error())
        .isEqualTo(ReplicationError.UNKNOWN_TOPIC_ID);
  }

  @Test
  void shouldRefuseAReplicationFactorAboveTheActiveBrokers() {
    commit(logic.registerBroker(image, 1, 1, "h", 1));

    assertThat(logic.createTopic(image, "t", TOPIC, 1, 2).error())
        .isEqualTo(ReplicationError.INVALID_REPLICATION_FACTOR);
  }

  @Test
  void fencingALeaderElectsTheNextIsrMemberAndBumpsTheEpochs() {
    // Given partition 0 led by 1 with ISR 1,2,3
    threeBrokersAndATopic(1);

    // When broker 1 misses its heartbeats
    commit(logic.fenceBroker(image, 1));

    // Then 2 leads epoch 1 and 1 left the ISR
    assertThat(image.broker(1).orElseThrow().state()).isEqualTo(BrokerState.FENCED);
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(partition(0).leaderEpoch()).isEqualTo(1);
    assertThat(partition(0).partitionEpoch()).isEqualTo(1);
    assertThat(partition(0).isr()).containsExactly(2, 3);
  }

  @Test
  void losingTheWholeIsrTakesThePartitionOfflineUntilTheLastMemberReturns() {
    // Given the ISR shrank to 1 alone
    threeBrokersAndATopic(1);
    commit(logic.fenceBroker(image, 2));
    commit(logic.fenceBroker(image, 3));
    assertThat(partition(0).isr()).containsExactly(1);

    // When 1 is fenced too, and 2 comes back (not in the ISR: no unclean election)
    commit(logic.fenceBroker(image, 1));
    assertThat(partition(0).leader()).isEqualTo(-1);
    assertThat(partition(0).isr()).containsExactly(1);
    commit(logic.registerBroker(image, 2, 500, "h", 2));
    assertThat(partition(0).leader()).isEqualTo(-1);

    // Then only 1's return brings the partition back, led by 1
    commit(logic.registerBroker(image, 1, 501, "h", 1));
    assertThat(partition(0).leader()).isEqualTo(1);
  }

  @Test
  void uncleanElectionPicksAnyLiveReplicaWhenEnabled() {
    ControllerLogic unclean = new ControllerLogic(true);
    threeBrokersAndATopic(1);
    commit(unclean.fenceBroker(image, 2));
    commit(unclean.fenceBroker(image, 3));

    commit(unclean.fenceBroker(image, 1));
    commit(unclean.registerBroker(image, 3, 700, "h", 3));

    assertThat(partition(0).leader()).isEqualTo(3);
    assertThat(partition(0).isr()).containsExactly(3);
  }

  @Test
  void aLeaderRestartedWithinTheSessionTimeoutHandsOverToAnotherIsrMember() {
    // Given 1 leads with ISR [1, 2, 3]
    threeBrokersAndATopic(1);

    // When it registers again with a new epoch before it was fenced
    commit(logic.registerBroker(image, 1, 999, "h", 1));

    // Then the next ISR member leads at a new epoch and 1 rejoins the ISR by catching up
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(partition(0).leaderEpoch()).isEqualTo(1);
    assertThat(partition(0).isr()).containsExactly(2, 3);
  }

  @Test
  void aRestartedLeaderThatIsTheLastIsrMemberLeadsAgain() {
    // Given 1 leads alone (2 and 3 left the ISR)
    threeBrokersAndATopic(1);
    commit(logic.alterPartition(image, 1, TOPIC, 0, 0, 0, List.of(1)).records());

    // When it registers again with a new epoch
    commit(logic.registerBroker(image, 1, 999, "h", 1));

    // Then it leads again at a new epoch (no other replica may lead cleanly)
    assertThat(partition(0).leader()).isEqualTo(1);
    assertThat(partition(0).leaderEpoch()).isEqualTo(1);
    assertThat(partition(0).isr()).containsExactly(1);
  }

  @Test
  void alterPartitionIsFencedByLeaderAndPartitionEpochsAndRepeatsSucceed() {
    threeBrokersAndATopic(1);
    PartitionRecord p = partition(0);

    AlterPartitionResult notLeader = logic.alterPartition(image, 2, TOPIC, 0, 0, 0, List.of(2, 3));
    AlterPartitionResult staleLeaderEpoch =
        logic.alterPartition(image, 1, TOPIC, 0, 5, 0, List.of(1, 2));
    AlterPartitionResult shrink = logic.alterPartition(image, 1, TOPIC, 0, 0, 0, List.of(1, 2));
    commit(shrink.records());
    AlterPartitionResult repeat = logic.alterPartition(image, 1, TOPIC, 0, 0, 0, List.of(1, 2));
    AlterPartitionResult stale = logic.alterPartition(image, 1, TOPIC, 0, 0, 0, List.of(1));

    assertThat(notLeader.error()).isEqualTo(ReplicationError.NOT_LEADER_OR_FOLLOWER);
    assertThat(staleLeaderEpoch.error()).isEqualTo(ReplicationError.FENCED_LEADER_EPOCH);
    assertThat(shrink.error()).isEqualTo(ReplicationError.NONE);
    assertThat(shrink.state().isr()).containsExactly(1, 2);
    assertThat(shrink.state().partitionEpoch()).isEqualTo(p.partitionEpoch() + 1);
    assertThat(repeat.error()).isEqualTo(ReplicationError.NONE);
    assertThat(repeat.records()).isEmpty();
    assertThat(stale.error()).isEqualTo(ReplicationError.INVALID_UPDATE_VERSION);
    assertThat(stale.state()).isEqualTo(partition(0));
  }

  @Test
  void alterPartitionRefusesToAddAFencedReplica() {
    threeBrokersAndATopic(1);
    commit(logic.fenceBroker(image, 3));
    PartitionRecord p = partition(0);

    AlterPartitionResult expand =
        logic.alterPartition(
            image, 1, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), List.of(1, 2, 3));

    // Then it is refused, and the refusal is final: the partition epoch moves (same ISR), so a
    // late copy of the same proposal is refused even after broker 3 became ACTIVE again
    assertThat(expand.error()).isEqualTo(ReplicationError.INELIGIBLE_REPLICA);
    assertThat(expand.records()).containsExactly(p.withIsr(p.isr()));
    commit(expand.records());
    commit(logic.registerBroker(image, 3, 99, "h3", 9092));
    AlterPartitionResult lateCopy =
        logic.alterPartition(
            image, 1, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), List.of(1, 2, 3));
    assertThat(lateCopy.error()).isEqualTo(ReplicationError.INVALID_UPDATE_VERSION);
    assertThat(partition(0).isr()).isEqualTo(p.isr());
  }

  @Test
  void controlledShutdownMovesLeadershipAwayAndPreferredElectionBringsItBack() {
    // Given 1 leads; it asks to shut down
    threeBrokersAndATopic(1);
    commit(logic.controlledShutdown(image, 1));
    assertThat(image.broker(1).orElseThrow().state()).isEqualTo(BrokerState.CONTROLLED_SHUTDOWN);
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(partition(0).isr()).containsExactly(2, 3);

    // When it restarts and rejoins the ISR (its leader's AlterPartition)
    commit(logic.registerBroker(image, 1, 200, "h", 1));
    PartitionRecord p = partition(0);
    commit(
        logic
            .alterPartition(
                image, 2, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), List.of(2, 3, 1))
            .records());

    // Then a preferred election makes 1 the leader again, and a second one changes nothing
    commit(logic.electPreferredLeader(image, TOPIC, 0));
    assertThat(partition(0).leader()).isEqualTo(1);
    assertThat(logic.electPreferredLeader(image, TOPIC, 0)).isEmpty();
  }

  @Test
  void commandsCarryTheirRegistrationEpochAndElectionsAnswerLikeKafka() {
    threeBrokersAndATopic(1);

    CommandOutcome staleFence = logic.execute(image, new ControllerCommand.FenceBroker(1, 999));
    CommandOutcome notNeeded =
        logic.execute(image, new ControllerCommand.ElectPreferredLeader(TOPIC, 0));
    CommandOutcome unknown =
        logic.execute(image, new ControllerCommand.ElectPreferredLeader(new UUID(0, 1), 0));
    commit(logic.execute(image, new ControllerCommand.FenceBroker(1, 101)).records());
    CommandOutcome unavailable =
        logic.execute(image, new ControllerCommand.ElectPreferredLeader(TOPIC, 0));
    CommandOutcome deleted = logic.execute(image, new ControllerCommand.DeleteTopic(TOPIC));

    assertThat(staleFence.records()).as("an older registration is not fenced").isEmpty();
    assertThat(notNeeded.error()).isEqualTo(ReplicationError.ELECTION_NOT_NEEDED);
    assertThat(unknown.error()).isEqualTo(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(image.broker(1).orElseThrow().state()).isEqualTo(BrokerState.FENCED);
    assertThat(unavailable.error()).isEqualTo(ReplicationError.PREFERRED_LEADER_NOT_AVAILABLE);
    assertThat(deleted.error()).isEqualTo(ReplicationError.NONE);
    assertThat(deleted.records()).hasSize(1);
  }

  /**
   * Partition 0 led by nobody: the ISR shrank to 1, then 1 was fenced; 2 came back (not in ISR).
   */
  private void offlinePartitionWithOnlyAnOutOfSyncReplicaBack() {
    threeBrokersAndATopic(1);
    commit(logic.fenceBroker(image, 2));
    commit(logic.fenceBroker(image, 3));
    commit(logic.fenceBroker(image, 1));
    commit(logic.registerBroker(image, 2, 500, "h", 2));
    assertThat(partition(0).leader()).isEqualTo(-1);
  }

  @Test
  void enablingUncleanElectionOnTheTopicElectsAnOutOfSyncReplica() {
    // Given an offline partition whose only live replica is out of sync
    offlinePartitionWithOnlyAnOutOfSyncReplicaBack();

    // When the topic's unclean.leader.election.enable is set to true
    CommandOutcome altered =
        logic.execute(
            image,
            new ControllerCommand.AlterTopicConfigs(
                "t", java.util.Map.of("unclean.leader.election.enable", "true")));
    commit(altered.records());

    // Then 2 leads, alone in the ISR, at a new epoch
    assertThat(altered.error()).isEqualTo(ReplicationError.NONE);
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(partition(0).isr()).containsExactly(2);
    assertThat(partition(0).leaderEpoch()).isGreaterThan(0);

    // And a replica registering later may lead that topic uncleanly too (the override holds)
    commit(logic.fenceBroker(image, 2));
    assertThat(partition(0).leader()).isEqualTo(-1);
    commit(logic.registerBroker(image, 3, 600, "h", 3));
    assertThat(partition(0).leader()).isEqualTo(3);
  }

  @Test
  void aTopicOverrideTurnsOffTheControllersUncleanDefault() {
    // Given a controller with unclean election on, and a topic that turns it off
    ControllerLogic unclean = new ControllerLogic(true);
    threeBrokersAndATopic(1);
    commit(
        unclean
            .execute(
                image,
                new ControllerCommand.AlterTopicConfigs(
                    "t", java.util.Map.of("unclean.leader.election.enable", "false")))
            .records());
    commit(unclean.fenceBroker(image, 2));
    commit(unclean.fenceBroker(image, 3));

    // When the last ISR member is fenced and an out-of-sync replica returns
    commit(unclean.fenceBroker(image, 1));
    commit(unclean.registerBroker(image, 3, 700, "h", 3));

    // Then the partition stays offline
    assertThat(partition(0).leader()).isEqualTo(-1);
    assertThat(partition(0).isr()).containsExactly(1);
  }

  @Test
  void uncleanElectLeadersAnswersLikeKafka() {
    // Given an offline partition whose only live replica is out of sync (unclean election off)
    offlinePartitionWithOnlyAnOutOfSyncReplicaBack();

    // When an operator asks for an unclean election
    CommandOutcome elected =
        logic.execute(image, new ControllerCommand.ElectUncleanLeader(TOPIC, 0));
    commit(elected.records());

    // Then 2 leads alone; asking again is not needed; an unknown partition is reported
    assertThat(elected.error()).isEqualTo(ReplicationError.NONE);
    assertThat(elected.state().leader()).isEqualTo(2);
    assertThat(partition(0).isr()).containsExactly(2);
    assertThat(logic.execute(image, new ControllerCommand.ElectUncleanLeader(TOPIC, 0)).error())
        .isEqualTo(ReplicationError.ELECTION_NOT_NEEDED);
    assertThat(logic.execute(image, new ControllerCommand.ElectUncleanLeader(TOPIC, 1)).error())
        .isEqualTo(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION);

    // When every replica is fenced, no leader can be elected
    commit(logic.fenceBroker(image, 2));
    assertThat(logic.execute(image, new ControllerCommand.ElectUncleanLeader(TOPIC, 0)).error())
        .isEqualTo(ReplicationError.ELIGIBLE_LEADERS_NOT_AVAILABLE);
  }

  @Test
  void balancingMovesEveryLeaderBackToItsPreferredReplicaOnceInSync() {
    // Given three partitions whose preferred leader 1 failed over and came back
    threeBrokersAndATopic(3);
    commit(logic.fenceBroker(image, 1));
    commit(logic.registerBroker(image, 1, 900, "h", 1));
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(ControllerLogic.leadersImbalanced(image))
        .as("1 is not in the ISR yet: nothing to balance")
        .isFalse();

    // When 1 rejoins partition 0's ISR
    PartitionRecord p = partition(0);
    commit(
        logic
            .alterPartition(
                image, 2, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), List.of(2, 3, 1))
            .records());
    assertThat(ControllerLogic.leadersImbalanced(image)).isTrue();
    CommandOutcome balanced = logic.execute(image, new ControllerCommand.BalanceLeaders());
    commit(balanced.records());

    // Then 1 leads partition 0 again, the others are untouched, and nothing is left to balance
    assertThat(balanced.records()).hasSize(1);
    assertThat(partition(0).leader()).isEqualTo(1);
    assertThat(partition(1).leader()).isEqualTo(2);
    assertThat(partition(2).leader()).isEqualTo(3);
    assertThat(ControllerLogic.leadersImbalanced(image)).isFalse();
    assertThat(logic.balanceLeaders(image)).isEmpty();
  }

  @Test
  void assignedReplicasAreKeptWithTheActiveOnesInSyncAndBadAssignmentsAreRefused() {
    // Given brokers 1, 2, 3 of which 3 is fenced
    for (int id = 1; id <= 3; id++) {
      commit(logic.registerBroker(image, id, 100 + id, "127.0.0.1", 9090 + id));
    }
    commit(logic.fenceBroker(image, 3));

    // When a topic is created with partition 0 on 3, 1 and partition 1 on 2, 1
    ControllerLogic.Result created =
        logic.createTopic(
            image, "t", TOPIC, 2, 2, java.util.Map.of(), List.of(List.of(3, 1), List.of(2, 1)));
    commit(created.records());

    // Then the replicas are as assigned, the ISR holds the ACTIVE ones, the first of them leads
    assertThat(created.error()).isEqualTo(ReplicationError.NONE);
    assertThat(partition(0).replicas()).containsExactly(3, 1);
    assertThat(partition(0).isr()).containsExactly(1);
    assertThat(partition(0).leader()).isEqualTo(1);
    assertThat(partition(1).leader()).isEqualTo(2);

    // When it grows by a partition assigned to 1, 2
    ControllerLogic.Result grown = logic.createPartitions(image, TOPIC, 3, List.of(List.of(1, 2)));
    commit(grown.records());
    assertThat(partition(2).replicas()).containsExactly(1, 2);

    // Then wrong counts, unknown brokers, duplicates and all-fenced partitions are refused
    assertThat(logic.createPartitions(image, TOPIC, 4, List.of(List.of(1, 2, 3))).error())
        .isEqualTo(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
    assertThat(logic.createPartitions(image, TOPIC, 5, List.of(List.of(1, 2))).error())
        .as("two partitions to add, one assignment")
        .isEqualTo(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
    UUID other = new UUID(7, 7);
    for (List<Integer> bad :
        List.of(List.of(1, 9), List.of(1, 1), List.of(3), List.<Integer>of())) {
      assertThat(
              logic.createTopic(image, "u", other, 1, 1, java.util.Map.of(), List.of(bad)).error())
          .as("assignment %s", bad)
          .isEqualTo(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
    }
  }

  @Test
  void aReassignmentAddsTheTargetReplicasThenDropsTheOthersOnceTheyAreInSync() {
    // Given partition 0 on 1, 2, 3 led by 1 (and a fourth broker)
    threeBrokersAndATopic(1);
    commit(logic.registerBroker(image, 4, 104, "h", 4));

    // When it is reassigned to 4, 2
    CommandOutcome started =
        logic.execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(4, 2)));
    commit(started.records());

    // Then the replicas are the target then the others, 4 is being added, 1 and 3 removed
    assertThat(started.error()).isEqualTo(ReplicationError.NONE);
    assertThat(partition(0).replicas()).containsExactly(4, 2, 1, 3);
    assertThat(partition(0).leader()).isEqualTo(1);
    var running = image.reassignment(TOPIC, 0).orElseThrow();
    assertThat(running.adding()).containsExactly(4);
    assertThat(running.removing()).containsExactly(1, 3);

    // When the leader adds 4 to the ISR
    PartitionRecord p = partition(0);
    AlterPartitionResult joined =
        logic.alterPartition(
            image, 1, TOPIC, 0, p.leaderEpoch(), p.partitionEpoch(), List.of(1, 2, 3, 4));
    commit(joined.records());

    // Then the move completes: replicas 4, 2, ISR within them, 4 leads at a new epoch
    assertThat(partition(0).replicas()).containsExactly(4, 2);
    assertThat(partition(0).isr()).containsExactlyInAnyOrder(2, 4);
    assertThat(partition(0).leader()).isEqualTo(4);
    assertThat(partition(0).leaderEpoch()).isEqualTo(p.leaderEpoch() + 1);
    assertThat(image.reassignment(TOPIC, 0)).isEmpty();
    assertThat(joined.state()).isEqualTo(partition(0));
  }

  @Test
  void aReassignmentCanBeCancelledAndAnswersLikeKafka() {
    // Given partition 0 on 1, 2, 3 being moved to 1, 2, 9 where 9 is registered but fenced
    threeBrokersAndATopic(1);
    commit(logic.registerBroker(image, 9, 109, "h", 9));
    commit(logic.fenceBroker(image, 9));
    commit(
        logic
            .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(1, 2, 9)))
            .records());
    assertThat(partition(0).replicas()).containsExactly(1, 2, 9, 3);

    // When it is cancelled
    CommandOutcome cancelled =
        logic.execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of()));
    commit(cancelled.records());

    // Then the original replicas are back and nothing runs; another cancel finds nothing
    assertThat(cancelled.error()).isEqualTo(ReplicationError.NONE);
    assertThat(partition(0).replicas()).containsExactly(1, 2, 3);
    assertThat(image.reassignment(TOPIC, 0)).isEmpty();
    assertThat(
            logic
                .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of()))
                .error())
        .isEqualTo(ReplicationError.NO_REASSIGNMENT_IN_PROGRESS);

    // And unknown brokers, duplicates and unknown partitions are refused; the same replicas are
    // a no-op; a smaller target within the ISR completes at once
    assertThat(
            logic
                .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(1, 7)))
                .error())
        .isEqualTo(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
    assertThat(
            logic
                .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(1, 1)))
                .error())
        .isEqualTo(ReplicationError.INVALID_REPLICA_ASSIGNMENT);
    assertThat(
            logic
                .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 5, List.of(1)))
                .error())
        .isEqualTo(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(
            logic
                .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(1, 2, 3)))
                .records())
        .isEmpty();
    commit(
        logic
            .execute(image, new ControllerCommand.AlterReassignment(TOPIC, 0, List.of(2, 3)))
            .records());
    assertThat(partition(0).replicas()).containsExactly(2, 3);
    assertThat(partition(0).leader()).isEqualTo(2);
    assertThat(image.reassignment(TOPIC, 0)).isEmpty();
  }
}
