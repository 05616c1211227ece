package io.logstore.testkit;

import io.logstore.testkit.ReplicationFaultReport.FaultWindow;
import io.logstore.testkit.ReplicationFaultReport.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication fault scenario on a real multi-process cluster: Kafka's VerifiableProducer
 * (acks=all, idempotent) and VerifiableConsumer (a group, commits after each poll) run against a
 * topic with replication factor 3 and {@code min.insync.replicas=2} while
 *
 * <ol>
 *   <li>every {@code killInterval} for {@code killPhase}, the leader of partition 0 is SIGKILLed
 *       and restarted {@code restartDelay} later (the next kill waits until every partition has its
 *       full ISR again, so each kill is a leader failover, not an outage);
 *   <li>then the leader of partition 0 is SIGSTOPped for {@code pauseFor} (longer than the session
 *       timeout the cluster was started with) and SIGCONTed.
 * </ol>
 *
 * After the producer has sent its bounded number of records, the group consumer gets a bounded time
 * to receive every acknowledged value, and the topic is read once more from the beginning with a
 * plain assigned consumer. The returned {@link ReplicationFaultReport} holds the unavailability
 * window of each fault and the delivery checks; the caller asserts.
 */
public final class ReplicationFaultRun {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicationFaultRun.class);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(60);

  /** Keys cycle over this many values, so every partition gets a steady share of the records. */
  private static final int KEY_COUNT = 100;

  /**
   * What to run.
   *
   * @param topic created by the run; must not exist
   * @param partitions partitions of the topic
   * @param throughputPerSecond the producer's target rate
   * @param maxMessages records the producer sends in all; the run checks it was still sending when
   *     the last fault ended
   * @param killInterval time between two kills (at least; see the class comment)
   * @param killPhase how long kills go on
   * @param restartDelay how long a killed node stays down
   * @param pauseFor how long the paused node stays stopped
   * @param healTimeout bound on waiting for a full ISR before a fault and after the last one
   * @param catchUpTimeout bound on waiting for the group consumer after the producer finished
   */
  public record Settings(
      String topic,
      int partitions,
      int throughputPerSecond,
      int maxMessages,
      Duration killInterval,
      Duration killPhase,
      Duration restartDelay,
      Duration pauseFor,
      Duration healTimeout,
      Duration catchUpTimeout) {

    /** Replication factor of the topic. */
    public static final int REPLICATION_FACTOR = 3;

    /** {@code min.insync.replicas} of the topic. */
    public static final int MIN_INSYNC_REPLICAS = 2;

    public Settings {
      if (partitions < 1 || throughputPerSecond < 1 || maxMessages < 1) {
        throw new IllegalArgumentException("partitions, throughput and maxMessages must be > 0");
      }
    }

    /**
     * The issue's scenario: 3 partitions, 500 records/s, a kill every 10 s for 2 minutes (down 3
     * s), a 15 s pause (long enough to tell a failover from the paused node's return), and records
     * for 60 s beyond the kill phase to cover the pause.
     */
    public static Settings standard(String topic) {
      int throughput = 500;
      Duration killPhase = Duration.ofMinutes(2);
      return new Settings(
          topic,
          3,
          throughput,
          throughput * (int) killPhase.plusSeconds(60).toSeconds(),
          Duration.ofSeconds(10),
          killPhase,
          Duration.ofSeconds(3),
          Duration.ofSeconds(15),
          Duration.ofSeconds(60),
          Duration.ofSeconds(90));
    }
  }

  private final ClusterUnderTest cluster;
  private final Settings settings;
  private final Path workDir;
  private final VerifiableEvents events = new VerifiableEvents();
  private final List<FaultWindow> faults = new ArrayList<>();

  private ReplicationFaultRun(ClusterUnderTest cluster, Settings settings, Path workDir) {
    this.cluster = cluster;
    this.settings = settings;
    this.workDir = workDir;
  }

  /**
   * Runs the scenario against {@code cluster}, whose nodes must all be up; tool output goes to
   * {@code workDir} (kept, for diagnosis).
   */
  public static ReplicationFaultReport run(
      ClusterUnderTest cluster, Settings settings, Path workDir) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir, e);
    }
    return new ReplicationFaultRun(cluster, settings, workDir).run();
  }

  private ReplicationFaultReport run() {
    try (Admin admin = admin()) {
      awaitMembers(admin);
      createTopic(admin);
      awaitFullIsr(admin, STARTUP_TIMEOUT);
      try (JsonLinesTool consumer = startConsumer();
          JsonLinesTool producer = startProducer()) {
        awaitPipeline(producer, consumer);
        killPhase(admin, producer, consumer);
        pausePhase(admin, producer, consumer);
        awaitFullIsr(admin, settings.healTimeout());
        finishProducer(producer, consumer);
        catchUp(producer, consumer);
      }
      return ReplicationFaultReport.of(cluster.name(), measuredFaults(), events, readLog());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the run on " + cluster + " stopped: " + e.getMessage() + "\nbefore that: " + progress(),
          e);
    }
  }

  private List<FaultWindow> measuredFaults() {
    Set<Integer> partitions =
        IntStream.range(0, settings.partitions()).boxed().collect(Collectors.toSet());
    return faults.stream().map(f -> f.measured(events.acks(), partitions)).toList();
  }

  /** What happened before a failure: acks so far and the faults, measured from those acks. */
  private String progress() {
    StringBuilder text =
        new StringBuilder(events.ackByValue().size() + " acks and " + faults.size() + " faults");
    measuredFaults().forEach(f -> text.append("\n  ").append(f.line()));
    return text.toString();
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
  }

  private void awaitMembers(Admin admin) {
    List<Integer> ids = cluster.nodeIds();
    pollUntil(
        () -> "every node " + ids + " registered",
        STARTUP_TIMEOUT,
        () ->
            get(admin.describeCluster().nodes()).stream()
                .map(Node::id)
                .sorted()
                .toList()
                .equals(ids),
        null,
        null);
  }

  private void createTopic(Admin admin) {
    NewTopic topic =
        new NewTopic(settings.topic(), settings.partitions(), (short) Settings.REPLICATION_FACTOR)
            .configs(Map.of("min.insync.replicas", Integer.toString(Settings.MIN_INSYNC_REPLICAS)));
    get(admin.createTopics(List.of(topic)).all());
  }

  /** Waits until every partition has a leader and all replicas in sync. */
  private void awaitFullIsr(Admin admin, Duration timeout) {
    List<TopicPartitionInfo> lastSeen = new ArrayList<>();
    pollUntil(
        () ->
            "every partition of "
                + settings.topic()
                + " led, with ISR "
                + Settings.REPLICATION_FACTOR
                + " (last seen: "
                + lastSeen
                + ")",
        timeout,
        () -> {
          List<TopicPartitionInfo> partitions = describe(admin).partitions();
          lastSeen.clear();
          lastSeen.addAll(partitions);
          return partitions.stream()
              .allMatch(
                  p ->
                      p.leader() != null
                          && p.leader().id() >= 0
                          && p.isr().size() == Settings.REPLICATION_FACTOR);
        },
        null,
        null);
  }

  /** The topic's description once every partition has a leader (bounded by healTimeout). */
  private TopicDescription awaitDescription(Admin admin) {
    TopicDescription[] seen = new TopicDescription[1];
    pollUntil(
        () -> "a leader for every partition of " + settings.topic(),
        settings.healTimeout(),
        () -> {
          seen[0] = describe(admin);
          return seen[0].partitions().stream()
              .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
        },
        null,
        null);
    return seen[0];
  }

  private TopicDescription describe(Admin admin) {
    return get(admin.describeTopics(List.of(settings.topic())).allTopicNames())
        .get(settings.topic());
  }

  private JsonLinesTool startConsumer() {
    Path config =
        writeConfig(
            "consumer.properties",
            Map.of(
                "request.timeout.ms", "10000",
                "default.api.timeout.ms", "60000"));
    return JsonLinesTool.start(
        KafkaTools.Tool.VERIFIABLE_CONSUMER,
        workDir,
        "verifiable-consumer",
        List.of(
            "--bootstrap-server",
            cluster.bootstrapServers(),
            "--topic",
            settings.topic(),
            "--group-id",
            settings.topic() + "-group-" + UUID.randomUUID(),
            "--reset-policy",
            "earliest",
            "--verbose",
            "--command-config",
            config.toString()));
  }

  private JsonLinesTool startProducer() {
    // VerifiableProducer sets retries=0, which an idempotent producer rejects: the config file
    // (applied after it) restores retries. A short request timeout lets the producer give up on a
    // SIGSTOPped leader and look for the new one.
    Path config =
        writeConfig(
            "producer.properties",
            Map.of(
                "enable.idempotence", "true",
                "retries", Integer.toString(Integer.MAX_VALUE),
                "max.in.flight.requests.per.connection", "5",
                "request.timeout.ms", "5000",
                "delivery.timeout.ms", "120000"));
    return JsonLinesTool.start(
        KafkaTools.Tool.VERIFIABLE_PRODUCER,
        workDir,
        "verifiable-producer",
        List.of(
            "--bootstrap-server",
            cluster.bootstrapServers(),
            "--topic",
            settings.topic(),
            "--acks",
            "-1",
            "--throughput",
            Integer.toString(settings.throughputPerSecond()),
            "--max-messages",
            Integer.toString(settings.maxMessages()),
            "--repeating-keys",
            Integer.toString(KEY_COUNT),
            "--command-config",
            config.toString()));
  }

  private Path writeConfig(String name, Map<String, String> properties) {
    Path file = workDir.resolve(name);
    String text =
        properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Faults start only once records flow end to end. */
  private void awaitPipeline(JsonLinesTool producer, JsonLinesTool consumer) {
    pollUntil(
        () -> "first record acknowledged and consumed",
        STARTUP_TIMEOUT,
        () -> !events.acks().isEmpty() && !events.consumedCount().isEmpty(),
        producer,
        consumer);
  }

  private void killPhase(Admin admin, JsonLinesTool producer, JsonLinesTool consumer) {
    long phaseEnd = System.nanoTime() + settings.killPhase().toNanos();
    int number = 0;
    while (System.nanoTime() < phaseEnd) {
      long nextKill = System.nanoTime() + settings.killInterval().toNanos();
      TopicDescription before = awaitDescription(admin);
      int victim = leaderOfPartitionZero(before);
      number++;
      cluster.kill(victim);
      long killedAt = System.currentTimeMillis();
      LOG.info("kill #{} leader={} cluster={}", number, victim, cluster.name());
      requireRunning(producer, "kill #" + number);
      waitFor(Duration.ofMillis(settings.restartDelay().toMillis()), producer, consumer);
      cluster.restart(victim);
      awaitFullIsr(admin, settings.healTimeout());
      faults.add(fault("kill", number, victim, before, killedAt, awaitDescription(admin)));
      waitFor(Duration.ofNanos(Math.max(0, nextKill - System.nanoTime())), producer, consumer);
    }
  }

  private void pausePhase(Admin admin, JsonLinesTool producer, JsonLinesTool consumer) {
    TopicDescription before = awaitDescription(admin);
    int victim = leaderOfPartitionZero(before);
    cluster.pause(victim);
    long pausedAt = System.currentTimeMillis();
    LOG.info("pause #1 leader={} cluster={}", victim, cluster.name());
    try {
      waitFor(settings.pauseFor(), producer, consumer);
    } finally {
      cluster.resume(victim);
    }
    requireRunning(producer, "the end of pause #1");
    awaitFullIsr(admin, settings.healTimeout());
    faults.add(fault("pause", 1, victim, before, pausedAt, awaitDescription(admin)));
  }

  private FaultWindow fault(
      String kind,
      int number,
      int victim,
      TopicDescription before,
      long atMillis,
      TopicDescription after) {
    Set<Integer> led = new TreeSet<>();
    for (TopicPartitionInfo p : before.partitions()) {
      if (p.leader() != null && p.leader().id() == victim) {
        led.add(p.partition());
      }
    }
    List<Integer> isr = partitionZero(before).isr().stream().map(Node::id).toList();
    return new FaultWindow(kind, number, victim, led, isr, atMillis, leaderOfPartitionZero(after));
  }

  private static TopicPartitionInfo partitionZero(TopicDescription description) {
    return description.partitions().stream()
        .filter(p -> p.partition() == 0)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no partition 0 in " + description));
  }

  private static int leaderOfPartitionZero(TopicDescription description) {
    Node leader = partitionZero(description).leader();
    if (leader == null || leader.id() < 0) {
      throw new IllegalStateException("partition 0 has no leader: " + description);
    }
    return leader.id();
  }

  private static void requireRunning(JsonLinesTool producer, String when) {
    if (!producer.isAlive()) {
      throw new IllegalStateException(
          "the producer had finished before "
              + when
              + ": raise maxMessages so it outlasts the faults; stderr:\n"
              + producer.stderrTail());
    }
  }

  private void finishProducer(JsonLinesTool producer, JsonLinesTool consumer) {
    long bound = settings.maxMessages() / settings.throughputPerSecond() + 180;
    pollUntil(
        () -> "the producer to send its " + settings.maxMessages() + " records and exit",
        Duration.ofSeconds(bound),
        () -> !producer.isAlive(),
        producer,
        consumer);
    drain(producer, consumer);
    if (producer.exitCode() != 0) {
      throw new IllegalStateException(
          "VerifiableProducer exited with " + producer.exitCode() + ":\n" + producer.stderrTail());
    }
  }

  /** Bounded: the report counts what the group consumer missed, the caller asserts on it. */
  private void catchUp(JsonLinesTool producer, JsonLinesTool consumer) {
    long deadline = System.nanoTime() + settings.catchUpTimeout().toNanos();
    while (!events.consumerHasEveryAck() && System.nanoTime() < deadline && consumer.isAlive()) {
      waitFor(POLL_INTERVAL, producer, consumer);
    }
    if (!consumer.isAlive()) {
      LOG.warn("VerifiableConsumer exited early:\n{}", consumer.stderrTail());
    }
    consumer.stop();
    drain(producer, consumer);
  }

  private Map<Integer, List<LogRecord>> readLog() {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000);
    Map<Integer, List<LogRecord>> log = new TreeMap<>();
    try (KafkaConsumer<String, String> reader =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < settings.partitions(); p++) {
        partitions.add(new TopicPartition(settings.topic(), p));
        log.put(p, new ArrayList<>());
      }
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions, LOG_READ_TIMEOUT);
      long deadline = System.nanoTime() + LOG_READ_TIMEOUT.toNanos();
      while (!partitions.stream().allMatch(tp -> reader.position(tp) >= end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + settings.topic() + " up to " + end);
        }
        for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
          log.get(r.partition()).add(new LogRecord(r.partition(), r.offset(), r.value()));
        }
      }
    }
    return log;
  }

  /** Waits for {@code duration}, reading the tools' output meanwhile. */
  private void waitFor(Duration duration, JsonLinesTool producer, JsonLinesTool consumer) {
    long deadline = System.nanoTime() + duration.toNanos();
    while (true) {
      drain(producer, consumer);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_INTERVAL.toMillis()));
    }
  }

  /**
   * Polls {@code condition} (exceptions count as "not yet") until it holds or {@code timeout}
   * passes, reading the tools' output (either may be null) meanwhile.
   */
  private void pollUntil(
      Supplier<String> what,
      Duration timeout,
      BooleanSupplier condition,
      JsonLinesTool producer,
      JsonLinesTool consumer) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      drain(producer, consumer);
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        "timed out after " + timeout + " waiting for " + what.get() + " on " + cluster, last);
  }

  private void drain(JsonLinesTool producer, JsonLinesTool consumer) {
    if (producer != null) {
      producer.poll().forEach(events::onProducerEvent);
    }
    if (consumer != null) {
      consumer.poll().forEach(events::onConsumerEvent);
    }
  }

  private static <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("admin call timed out", e);
    }
  }

  /** A pause between polls of output and cluster state, not a wait for a condition. */
  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
