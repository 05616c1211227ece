package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.PartitionService.AppendOutcome;
import io.logstore.broker.partition.PartitionService.FetchPartitionSpec;
import io.logstore.broker.partition.PartitionService.FetchSpec;
import io.logstore.broker.partition.PartitionService.FetchedPartition;
import io.logstore.broker.partition.PartitionService.Target;
import io.logstore.broker.partition.RequestScheduler;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.wire.WireRecords;
import io.logstore.wire.WireRecords.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition service on a real single broker's partitions, with a request scheduler the test
 * drives by hand: a parked fetch reads and completes only on its request's scheduler, woken by an
 * append or by its timer.
 */
class PartitionServiceTest {
  @TempDir Path dataDir;
  private TestBroker broker;
  private PartitionService service;
  private final ManualScheduler scheduler = new ManualScheduler();

  /** Tasks and timers run only when the test says so, on the test thread. */
  private static final class ManualScheduler implements RequestScheduler {
    final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final List<Timer> timers = new ArrayList<>();

    record Timer(Runnable task, long delayMs, boolean[] cancelled) {}

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
      boolean[] cancelled = {false};
      timers.add(new Timer(task, delayMs, cancelled));
      return () -> cancelled[0] = true;
    }

    void runTasks() {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    }

    synchronized void fireTimers() {
      for (Timer t : timers) {
        if (!t.cancelled()[0]) {
          t.task().run();
        }
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start(dataDir, Map.of());
    service = new PartitionService(broker.broker().topics(), proposal -> {}, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private Partition partitionOf(String topic, Map<String, String> configs) {
    TopicInfo info = broker.broker().topicController().create(topic, 1, 1, configs, List.of());
    return info.partition(0).orElseThrow();
  }

  private static ByteBuffer batch(String key, String value) {
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    return WireRecords.buildBatch(
        List.of(new KeyValue(k, value.getBytes(StandardCharsets.UTF_8))),
        System.currentTimeMillis());
  }

  /** A consumer's fetch from offset 0 of {@code partition}: at least 1 byte, up to maxWaitMs. */
  private CompletableFuture<List<FetchedPartition>> fetchFromStart(
      Partition partition, int maxWaitMs) {
    FetchPartitionSpec from0 =
        new FetchPartitionSpec(
            new PartitionService.Target(partition, null), 0, 1 << 20, -1, -1, -1);
    return service
        .fetch(new FetchSpec(-1, maxWaitMs, 1, 1 << 20, (byte) 0), List.of(from0), scheduler)
        .toCompletableFuture();
  }

  @Test
  void shouldParkAFetchUntilAnAppendAndCompleteItOnTheRequestsScheduler() throws Exception {
    // Given a parked fetch on an empty partition (min 1 byte, up to 10 s)
    Partition partition = partitionOf("parked", Map.of());
    CompletableFuture<List<FetchedPartition>> fetched = fetchFromStart(partition, 10_000);
    assertThat(fetched).isNotDone();
    assertThat(scheduler.timers).singleElement().extracting(t -> t.delayMs()).isEqualTo(10_000L);

    // When a record is appended and becomes durable
    AppendOutcome appended =
        service
            .append(partition, (short) 9, batch("k", "v"), (short) 1, 5_000)
            .get(10, TimeUnit.SECONDS);
    assertThat(appended.error()).isEqualTo(Errors.NONE);
    assertThat(appended.baseOffset()).isZero();

    // Then the fetch is woken, but reads and completes only on its request's scheduler
    await().atMost(Duration.ofSeconds(10)).until(() -> !scheduler.tasks.isEmpty());
    assertThat(fetched).isNotDone();
    scheduler.runTasks();
    assertThat(fetched).isDone();
    FetchedPartition answer = fetched.get().get(0);
    assertThat(answer.error()).isEqualTo(Errors.NONE);
    assertThat(answer.highWatermark()).isEqualTo(1);
    assertThat(answer.records()).isNotNull();
    assertThat(answer.records().sizeInBytes()).isPositive();
    // And its timer is cancelled
    assertThat(scheduler.timers.get(0).cancelled()[0]).isTrue();
  }

  @Test
  void shouldAnswerAnEmptyFetchWhenItsTimerFires() {
    // Given a parked fetch on an empty partition
    Partition partition = partitionOf("expiring", Map.of());
    CompletableFuture<List<FetchedPartition>> fetched = fetchFromStart(partition, 500);
    assertThat(fetched).isNotDone();

    // When its timer fires, it answers what there is: nothing, without an error
    scheduler.fireTimers();
    assertThat(fetched).isDone();
    FetchedPartition answer = fetched.join().get(0);
    assertThat(answer.error()).isEqualTo(Errors.NONE);
    assertThat(answer.records()).isNull();
    assertThat(answer.highWatermark()).isZero();
  }

  @Test
  void shouldRefuseAKeylessRecordOnACompactedTopicWithKafkasMessage() throws Exception {
    // Given a compacted topic
    Partition partition = partitionOf("compacted", Map.of("cleanup.policy", "compact"));

    // When a record without a key is produced
    AppendOutcome outcome =
        service
            .append(partition, (short) 9, batch(null, "v"), (short) -1, 5_000)
            .get(10, TimeUnit.SECONDS);

    // Then it is refused with Kafka's error and message, and nothing is appended
    assertThat(outcome.error()).isEqualTo(Errors.INVALID_RECORD);
    assertThat(outcome.message())
        .isEqualTo(
            "Compacted topic cannot accept message without key in topic partition compacted-0.");
    assertThat(outcome.baseOffset()).isEqualTo(-1);
    assertThat(partition.highWatermark()).isZero();
  }

  @Test
  void shouldResolveLeadersWithKafkasErrors() {
    // Given a topic with one partition led here
    Partition led = partitionOf("resolved", Map.of());
    int epoch = led.leaderEpoch();
    assertThat(led.isLeader()).isTrue();

    // Then a known partition at the current epoch resolves, others get Kafka's errors
    assertThat(service.leader("resolved", 0, epoch).found()).isTrue();
    assertThat(service.leader("resolved", 0, -1).found()).isTrue();
    assertThat(service.leader("resolved", 1, -1).error())
        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(service.leader("missing", 0, -1).error())
        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(service.leader("resolved", 0, epoch + 1).error())
        .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
    Target byId = service.replica(Optional.empty(), 0, Errors.UNKNOWN_TOPIC_ID);
    assertThat(byId.error()).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
  }
}
