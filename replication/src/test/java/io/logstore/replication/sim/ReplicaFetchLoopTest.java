package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.replication.PartitionReplica;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.fetch.FetchScheduler;
import io.logstore.replication.fetch.FetchTransport;
import io.logstore.replication.fetch.FetchTransport.Answer;
import io.logstore.replication.fetch.FetchTransport.PartitionAnswer;
import io.logstore.replication.fetch.FollowedPartition;
import io.logstore.replication.fetch.ReplicaFetchLoop;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.sim.SimLog.Entry;
import io.logstore.storage.EpochEndOffset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped follower fetch loop, step by step: a manual clock and scheduler, a transport whose
 * answers the test gives, and a partition over an in-memory log whose fsyncs the test completes.
 */
class ReplicaFetchLoopTest {

  private static final UUID TOPIC_ID = new UUID(9, 9);
  private static final long BACKOFF_MS = 100;
  private static final int LEADER = 1;
  private static final int SELF = 2;

  private final ManualScheduler scheduler = new ManualScheduler();
  private final ManualTransport transport = new ManualTransport();
  private final TestPartition partition = new TestPartition();
  private ReplicaFetchLoop<List<Entry>> loop;

  @BeforeEach
  void followLeaderOne() {
    partition.replica.onPartitionState(state(LEADER, 3), 0);
    loop = new ReplicaFetchLoop<>(SELF, LEADER, transport, scheduler, BACKOFF_MS);
    loop.add(partition);
    loop.start();
  }

  private static PartitionRecord state(int leader, int epoch) {
    return new PartitionRecord(TOPIC_ID, 0, List.of(1, 2, 3), List.of(1, 2, 3), leader, epoch, 0);
  }

  private static Answer<List<Entry>> records(long hw, Entry... entries) {
    return new Answer<>(
        ReplicationError.NONE,
        List.of(
            new PartitionAnswer<>("t", 0, ReplicationError.NONE, null, List.of(entries), hw, 0)));
  }

  private static Answer<List<Entry>> error(ReplicationError error, long logStart) {
    return new Answer<>(
        ReplicationError.NONE,
        List.of(new PartitionAnswer<>("t", 0, error, null, null, -1, logStart)));
  }

  @Test
  void fetchedRecordsAreFsyncedBeforeTheHighWatermarkMovesAndBeforeTheNextFetch() {
    // Given the first round asked for offset 0 at the leader's epoch
    scheduler.runDue();
    assertThat(transport.requests).hasSize(1);
    var first = transport.requests.get(0).partitions().get(0);
    assertThat(first.position().fetchOffset()).isZero();
    assertThat(first.position().currentLeaderEpoch()).isEqualTo(3);

    // When the leader answers two records and a high watermark of 2
    transport.answer(records(2, new Entry(3, 10), new Entry(3, 11)));
    scheduler.runDue();

    // Then they are appended, but until they are durable neither the high watermark moves nor
    // is another fetch sent
    assertThat(partition.log.logEndOffset()).isEqualTo(2);
    assertThat(partition.log.highWatermark()).isZero();
    assertThat(transport.requests).hasSize(1);

    // When the fsync completes
    partition.completeFsyncs();
    scheduler.runDue();

    // Then the high watermark is adopted and the next fetch asks for offset 2 at once
    assertThat(partition.log.highWatermark()).isEqualTo(2);
    assertThat(transport.requests).hasSize(2);
    assertThat(transport.requests.get(1).partitions().get(0).position().fetchOffset()).isEqualTo(2);
  }

  @Test
  void aDivergingEpochTruncatesAndTheNextFetchGoesAtOnce() {
    // Given this replica holds 3 records of epoch 2, fsynced, that the leader does not have
    partition.log.appendAsFollower(List.of(new Entry(2, 1), new Entry(2, 2), new Entry(2, 3)));
    partition.log.sync();
    scheduler.runDue();

    // When the leader says epoch 2 ended at offset 1
    transport.answer(
        new Answer<>(
            ReplicationError.NONE,
            List.of(
                new PartitionAnswer<>(
                    "t", 0, ReplicationError.NONE, new EpochEndOffset(2, 1), null, -1, 0))));
    scheduler.runDue();

    // Then the log is cut to 1 and the next fetch asks from there without a pause
    assertThat(partition.log.logEndOffset()).isEqualTo(1);
    assertThat(transport.requests).hasSize(2);
    assertThat(transport.requests.get(1).partitions().get(0).position().fetchOffset()).isEqualTo(1);
  }

  @Test
  void anErrorOrAFailedRequestBacksOff() {
    // Given a first round
    scheduler.runDue();

    // When the leader answers NOT_LEADER_OR_FOLLOWER
    transport.answer(error(ReplicationError.NOT_LEADER_OR_FOLLOWER, 0));
    scheduler.runDue();

    // Then the next fetch waits for the backoff
    assertThat(transport.requests).hasSize(1);
    scheduler.advance(BACKOFF_MS);
    assertThat(transport.requests).hasSize(2);

    // When the request fails without an answer (connection lost, timeout)
    transport.fail();
    scheduler.runDue();

    // Then the same: nothing until the backoff passed
    assertThat(transport.requests).hasSize(2);
    scheduler.advance(BACKOFF_MS);
    assertThat(transport.requests).hasSize(3);
  }

  @Test
  void anAnswerForAnEarlierRoleIsIgnored() {
    // Given a fetch in flight for leader 1 at epoch 3
    scheduler.runDue();

    // When this broker becomes the leader (epoch 4) before the answer arrives
    partition.replica.onPartitionState(state(SELF, 4), 0);
    transport.answer(records(1, new Entry(3, 10)));
    scheduler.runDue();

    // Then the log is not touched, and no more fetches go to the old leader
    assertThat(partition.log.logEndOffset()).isZero();
    scheduler.advance(10 * BACKOFF_MS);
    assertThat(transport.requests).hasSize(1);
  }

  @Test
  void anUnsyncedTailIsFsyncedBeforeTheFirstFetch() {
    // Given a former leader's tail that is not durable yet
    loop.close();
    partition.log.appendAsLeader(3, 99);
    ManualTransport second = new ManualTransport();
    ReplicaFetchLoop<List<Entry>> fresh =
        new ReplicaFetchLoop<>(SELF, LEADER, second, scheduler, BACKOFF_MS);
    fresh.add(partition);
    fresh.start();

    // When the loop runs
    scheduler.runDue();

    // Then it waits for that fsync instead of fetching (the leader would count offset 1 as
    // durable here); once it completes, the fetch goes from offset 1
    assertThat(second.requests).isEmpty();
    partition.completeFsyncs();
    scheduler.runDue();
    assertThat(second.requests).hasSize(1);
    assertThat(second.requests.get(0).partitions().get(0).position().fetchOffset()).isEqualTo(1);
    fresh.close();
  }

  @Test
  void offsetOutOfRangeBelowTheLeadersLogStartRestartsTheLogThere() {
    // Given a first round from offset 0
    scheduler.runDue();

    // When the leader has deleted everything below offset 50
    transport.answer(error(ReplicationError.OFFSET_OUT_OF_RANGE, 50));
    scheduler.runDue();

    // Then the log restarts at 50 and the next fetch asks from there at once
    assertThat(partition.restartedAt).isEqualTo(50);
    assertThat(transport.requests).hasSize(2);
  }

  // ------------------------------------------------------------------ test doubles

  /** Virtual time; tasks run only when the test says so. */
  private static final class ManualScheduler implements FetchScheduler {
    private record Task(long at, long seq, Runnable run) {}

    private final PriorityQueue<Task> tasks =
        new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public void schedule(long delayMs, Runnable task) {
      tasks.add(new Task(now + delayMs, seq++, task));
    }

    void runDue() {
      while (!tasks.isEmpty() && tasks.peek().at <= now) {
        tasks.poll().run.run();
      }
    }

    void advance(long ms) {
      now += ms;
      runDue();
    }
  }

  private static final class ManualTransport implements FetchTransport<List<Entry>> {
    final List<Request> requests = new ArrayList<>();
    private CompletableFuture<Answer<List<Entry>>> inFlight;

    @Override
    public CompletionStage<Answer<List<Entry>>> fetch(Request request) {
      assertThat(inFlight).as("one request in flight").isNull();
      requests.add(request);
      inFlight = new CompletableFuture<>();
      return inFlight;
    }

    void answer(Answer<List<Entry>> answer) {
      CompletableFuture<Answer<List<Entry>>> f = inFlight;
      inFlight = null;
      f.complete(answer);
    }

    void fail() {
      CompletableFuture<Answer<List<Entry>>> f = inFlight;
      inFlight = null;
      f.completeExceptionally(new IOException("connection lost"));
    }

    @Override
    public void close() {}
  }

  private static final class TestPartition implements FollowedPartition<List<Entry>> {
    final SimLog log = new SimLog();
    final PartitionReplica replica = new PartitionReplica(SELF, log, 1_000);
    final List<CompletableFuture<Void>> fsyncs = new ArrayList<>();
    long restartedAt = -1;

    void completeFsyncs() {
      log.sync();
      List<CompletableFuture<Void>> done = List.copyOf(fsyncs);
      fsyncs.clear();
      done.forEach(f -> f.complete(null));
    }

    @Override
    public String topic() {
      return "t";
    }

    @Override
    public int index() {
      return 0;
    }

    @Override
    public PartitionFollower follower() {
      return replica.follower();
    }

    @Override
    public long logStartOffset() {
      return log.logStartOffset();
    }

    @Override
    public long logEndOffset() {
      return log.logEndOffset();
    }

    @Override
    public boolean appendAsFollower(PartitionFollower follower, List<Entry> records) {
      if (replica.follower() != follower) {
        return false;
      }
      log.appendAsFollower(records);
      return true;
    }

    @Override
    public CompletionStage<Void> awaitDurable(long endOffset) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      if (log.durableEndOffset() >= endOffset) {
        f.complete(null);
      } else {
        fsyncs.add(f);
      }
      return f;
    }

    @Override
    public FollowerTruncation truncateAsFollower(
        PartitionFollower follower, EpochEndOffset diverging) {
      return replica.follower() == follower ? follower.onDivergingEpoch(diverging) : null;
    }

    @Override
    public void followerHighWatermark(PartitionFollower follower, long leaderHighWatermark) {
      if (replica.follower() == follower) {
        follower.onLeaderHighWatermark(leaderHighWatermark);
      }
    }

    @Override
    public void followerLogStart(PartitionFollower follower, long leaderLogStart) {
      if (replica.follower() == follower) {
        log.moveLogStart(Math.min(leaderLogStart, log.logEndOffset()));
      }
    }

    @Override
    public void restartFollowerAt(PartitionFollower follower, long offset) {
      if (replica.follower() == follower) {
        restartedAt = offset;
        log.truncateTo(0);
        log.moveLogStart(offset);
      }
    }
  }
}
