package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.FetchValidation;
import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.replication.PartitionFollower.FetchPosition;
import io.logstore.replication.PartitionLeader;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.sim.SimLog.Entry;
import io.logstore.storage.EpochEndOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The divergence scenarios of KIP-101 (truncation by high watermark loses or splits data) and
 * KIP-279 (fast leader changes leave a follower with epochs the leader never saw), scripted on two
 * replicas A (id 1) and B (id 2) with the real leader and follower logic.
 */
class DivergenceScenariosTest {

  private static final UUID TOPIC = new UUID(1, 1);
  private static final long LAG_MS = 10_000;

  private final SimLog a = new SimLog();
  private final SimLog b = new SimLog();

  @Test
  void kip101ScenarioOneAFollowerRestartingBelowItsLogEndKeepsAnAcknowledgedRecord() {
    // Given A leads epoch 0 and both replicas hold m1, m2, acknowledged (A's high watermark 2),
    // while B's high watermark is still 1
    PartitionLeader leaderA = lead(1, a, 0, 0);
    appendAndSync(a, 0, 1, 2);
    PartitionFollower followerB = new PartitionFollower(b, 1, 0);
    fetchOnce(leaderA, followerB, b);
    assertThat(a.highWatermark()).isEqualTo(0);
    fetchOnce(leaderA, followerB, b); // counts B's log end: high watermark 2
    assertThat(a.highWatermark()).isEqualTo(2);
    b.updateHighWatermark(1);
    b.sync();

    // When B restarts (its high watermark checkpoint says 1), A dies and B leads epoch 1
    b.crash();
    PartitionLeader leaderB = lead(2, b, 1, 1);

    // Then B kept m2 (the follower truncates on a diverging epoch, never to its high watermark)
    assertThat(values(b)).containsExactly(1L, 2L);
    // and A, back as B's follower, has nothing to truncate and catches up
    a.crash();
    PartitionFollower followerA = new PartitionFollower(a, 2, 1);
    appendAndSync(b, 1, 3);
    catchUp(leaderB, followerA, a);
    assertThat(values(a)).containsExactly(1L, 2L, 3L);
    assertThat(entries(a)).isEqualTo(entries(b));
  }

  @Test
  void kip101ScenarioTwoReplicasThatDivergedAfterAPowerLossConvergeOnTheNewLeader() {
    // Given A leads epoch 0 with m1 synced on both and m2 only on A (not acknowledged)
    PartitionLeader leaderA = lead(1, a, 0, 0);
    appendAndSync(a, 0, 1);
    PartitionFollower followerB = new PartitionFollower(b, 1, 0);
    fetchOnce(leaderA, followerB, b);
    appendAndSync(a, 0, 2);

    // When both lose power, B comes back first, leads epoch 1 and writes m3 at offset 1
    a.crash();
    b.crash();
    PartitionLeader leaderB = lead(2, b, 1, 1);
    appendAndSync(b, 1, 3);

    // Then A, following B, truncates m2 on the diverging epoch and takes m3: same log
    PartitionFollower followerA = new PartitionFollower(a, 2, 1);
    FetchPosition first = followerA.nextFetch();
    FetchValidation answer =
        leaderB.onFollowerFetch(
            1, first.currentLeaderEpoch(), first.fetchOffset(), first.lastFetchedEpoch(), 0);
    assertThat(answer).isEqualTo(new FetchValidation.Diverging(new EpochEndOffset(0, 1)));
    catchUp(leaderB, followerA, a);
    assertThat(values(a)).containsExactly(1L, 3L);
    assertThat(entries(a)).isEqualTo(entries(b));
  }

  @Test
  void kip279AFollowerWithAnEpochTheLeaderNeverSawTruncatesInRounds() {
    // Given A wrote epoch 0 (offsets 0-2) and then, as a short-lived leader of epoch 2, offsets
    // 3-4 that nobody copied; B has epoch 0 (0-2), epoch 1 (3-5) and leads epoch 3 from offset 6
    appendAndSync(a, 0, 1, 2, 3);
    appendAndSync(a, 2, 20, 21);
    appendAndSync(b, 0, 1, 2, 3);
    appendAndSync(b, 1, 10, 11, 12);
    PartitionLeader leaderB = lead(2, b, 3, 3);
    appendAndSync(b, 3, 30);
    PartitionFollower followerA = new PartitionFollower(a, 2, 3);

    // When A fetches with its last epoch 2, which B never had
    FetchPosition first = followerA.nextFetch();
    FetchValidation answer =
        leaderB.onFollowerFetch(
            1, first.currentLeaderEpoch(), first.fetchOffset(), first.lastFetchedEpoch(), 0);

    // Then B answers with its epoch at or below 2 (epoch 1, ending at 6); A knows no epoch 1, cuts
    // back to where its epoch 0 ended, asks again, and ends with B's log
    assertThat(answer).isEqualTo(new FetchValidation.Diverging(new EpochEndOffset(1, 6)));
    FollowerTruncation t =
        followerA.onDivergingEpoch(((FetchValidation.Diverging) answer).divergingEpoch());
    assertThat(t).isEqualTo(new FollowerTruncation(3, false));
    catchUp(leaderB, followerA, a);
    assertThat(values(a)).containsExactly(1L, 2L, 3L, 10L, 11L, 12L, 30L);
    assertThat(entries(a)).isEqualTo(entries(b));
  }

  // ------------------------------------------------------------------ helpers

  /** Makes {@code broker} the leader of epoch {@code epoch} with replicas 1 and 2 in the ISR. */
  private static PartitionLeader lead(int broker, SimLog log, int epoch, int partitionEpoch) {
    PartitionRecord state =
        new PartitionRecord(TOPIC, 0, List.of(1, 2), List.of(1, 2), broker, epoch, partitionEpoch);
    return new PartitionLeader(broker, log, state, LAG_MS, 0);
  }

  private static void appendAndSync(SimLog log, int epoch, long... values) {
    for (long v : values) {
      log.appendAsLeader(epoch, v);
    }
    log.sync();
  }

  /** One fetch round trip; returns whether records moved or a truncation happened. */
  private boolean fetchOnce(
      PartitionLeader leader, PartitionFollower follower, SimLog followerLog) {
    FetchPosition pos = follower.nextFetch();
    int replicaId = leader.state().leader() == 1 ? 2 : 1;
    FetchValidation v =
        leader.onFollowerFetch(
            replicaId, pos.currentLeaderEpoch(), pos.fetchOffset(), pos.lastFetchedEpoch(), 0);
    if (v instanceof FetchValidation.Diverging d) {
      follower.onDivergingEpoch(d.divergingEpoch());
      return true;
    }
    assertThat(v).isInstanceOf(FetchValidation.Accept.class);
    List<Entry> entries = logOf(leader).read(pos.fetchOffset(), 100);
    followerLog.appendAsFollower(entries);
    followerLog.sync();
    follower.onLeaderHighWatermark(((FetchValidation.Accept) v).highWatermark());
    return !entries.isEmpty();
  }

  private void catchUp(PartitionLeader leader, PartitionFollower follower, SimLog followerLog) {
    for (int round = 0; round < 20; round++) {
      if (!fetchOnce(leader, follower, followerLog)) {
        return;
      }
    }
    throw new AssertionError("follower did not catch up in 20 rounds");
  }

  private SimLog logOf(PartitionLeader leader) {
    return leader.state().leader() == 1 ? a : b;
  }

  private static List<Long> values(SimLog log) {
    List<Long> out = new ArrayList<>();
    for (long o = 0; o < log.logEndOffset(); o++) {
      out.add(log.entry(o).value());
    }
    return out;
  }

  private static List<Entry> entries(SimLog log) {
    List<Entry> out = new ArrayList<>();
    for (long o = 0; o < log.logEndOffset(); o++) {
      out.add(log.entry(o));
    }
    return out;
  }
}
