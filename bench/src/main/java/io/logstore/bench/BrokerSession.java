package io.logstore.bench;

import io.logstore.bench.BenchOptions.Scenario;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.KafkaTools.Tool;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs every selected load against one freshly started broker and records the figures. */
final class BrokerSession {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerSession.class);

  static final String PRODUCE = "Produce, ProducerPerformance, acks=all, unthrottled";
  static final String THROTTLED = "Produce at a fixed rate, ProducerPerformance, 1 KB, acks=all";
  static final String CONSUME = "Consume, ConsumerPerformance, 1 KB records";
  static final String E2E = "EndToEndLatency, acks=all, 100 B";
  static final String SEED = "The seed's test: single-record Produce requests, acks=all, 100 B";
  static final String RESOURCES = "Broker resources";

  static final Figure STARTUP =
      Figure.lower(RESOURCES, "process start to first Metadata answer", "s");
  static final Figure RSS_IDLE = Figure.lower(RESOURCES, "resident memory, idle", "MiB");
  static final Figure RSS_AFTER_PRODUCE =
      Figure.lower(RESOURCES, "resident memory after the produce runs", "MiB");
  static final Figure CPU_PER_GB_IN =
      Figure.lower(RESOURCES, "CPU per GB ingested (produce runs)", "s/GB");
  static final Figure CPU_PER_GB_OUT =
      Figure.lower(RESOURCES, "CPU per GB served (consume run)", "s/GB");

  static final Figure CONSUME_FETCH_MIBS =
      Figure.higher(CONSUME, "MB/s after the group join (fetch.MB.sec)", "MiB/s");
  static final Figure CONSUME_MIBS =
      Figure.higher(CONSUME, "MB/s including the group join (MB.sec)", "MiB/s");
  static final Figure CONSUME_JOIN_MS =
      Figure.lower(CONSUME, "group join (rebalance.time.ms)", "ms");
  static final Figure THROTTLED_P50 = Figure.lower(THROTTLED, "p50 latency", "ms");
  static final Figure THROTTLED_P99 = Figure.lower(THROTTLED, "p99 latency", "ms");
  static final Figure THROTTLED_P999 = Figure.lower(THROTTLED, "p99.9 latency", "ms");
  static final Figure E2E_AVG = Figure.lower(E2E, "average latency", "ms");
  static final Figure E2E_P99 = Figure.lower(E2E, "p99 latency (whole ms, rounded down)", "ms");
  static final Figure E2E_P999 = Figure.lower(E2E, "p99.9 latency (whole ms, rounded down)", "ms");

  /** The seed test's figures for one sender count. */
  record SeedFigures(Figure throughput, Figure avg, Figure p99, Figure failed) {
    static SeedFigures of(int requests, int senders) {
      String label =
          String.format(Locale.ROOT, "%,d requests from %d senders: ", requests, senders);
      return new SeedFigures(
          Figure.higher(SEED, label + "throughput", "req/s"),
          Figure.lower(SEED, label + "average latency", "ms"),
          Figure.lower(SEED, label + "p99 latency", "ms"),
          Figure.lower(SEED, label + "failed requests", "count"));
    }
  }

  /** The unthrottled producer runs: record size and partition count. */
  record ProduceCase(int recordBytes, int partitions) {
    String topic() {
      return "perf-" + recordBytes + "b-" + partitions + "p";
    }

    String label() {
      return (recordBytes >= 1024 ? recordBytes / 1024 + " KB" : recordBytes + " B")
          + ", "
          + partitions
          + (partitions == 1 ? " partition" : " partitions");
    }

    Figure figure(String what, String unit, boolean higherIsBetter) {
      return new Figure(PRODUCE, label() + ": " + what, unit, higherIsBetter);
    }
  }

  static final List<ProduceCase> PRODUCE_CASES =
      List.of(
          new ProduceCase(1024, 1),
          new ProduceCase(1024, 8),
          new ProduceCase(100, 1),
          new ProduceCase(100, 8));

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration IDLE_SETTLE = Duration.ofSeconds(2);
  private static final Duration SEED_DEADLINE = Duration.ofSeconds(120);
  private static final String CONSUME_TOPIC = PRODUCE_CASES.get(0).topic();

  private final BenchOptions options;
  private final Results results;
  private final RunningBroker broker;
  private final Target target;
  private final int repetition;

  BrokerSession(BenchOptions options, Results results, RunningBroker broker, int repetition) {
    this.options = options;
    this.results = results;
    this.broker = broker;
    this.target = broker.target();
    this.repetition = repetition;
  }

  void run() throws InterruptedException {
    results.add(STARTUP, target, broker.startupSeconds());
    Thread.sleep(IDLE_SETTLE.toMillis()); // a deliberate idle period, not a wait for a condition
    results.add(RSS_IDLE, target, broker.residentMib());
    boolean produced = false;
    if (options.runs(Scenario.PRODUCE)) {
      produced = step("produce", this::produce);
    }
    if (options.runs(Scenario.CONSUME)) {
      boolean ready = produced;
      step("consume", () -> consume(ready));
    }
    if (options.runs(Scenario.THROTTLED)) {
      step("throttled", this::throttled);
    }
    if (options.runs(Scenario.E2E)) {
      step("e2e", this::endToEnd);
    }
    if (options.runs(Scenario.SEED)) {
      step("seed", this::seed);
    }
  }

  /** Runs one load; a failure is recorded with the broker's state and the next load still runs. */
  private boolean step(String name, Step step) {
    if (!broker.isAlive()) {
      results.failure(describe(name, "skipped: the broker process is gone"));
      return false;
    }
    LOG.info("{} rep {}: {}", target.label(), repetition, name);
    try {
      step.run();
      return true;
    } catch (Exception e) {
      String state = broker.isAlive() ? "broker still alive" : "BROKER PROCESS EXITED";
      results.failure(describe(name, state + ": " + e.getMessage()));
      LOG.error("{} rep {}: {} failed ({})", target.label(), repetition, name, state, e);
      return false;
    }
  }

  private String describe(String step, String message) {
    return String.format(
        Locale.ROOT,
        "%s, repetition %d, %s: %s (broker log %s)",
        target.label(),
        repetition,
        step,
        message,
        broker.logFile());
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private void produce() throws Exception {
    createTopics(
        PRODUCE_CASES.stream()
            .map(c -> new NewTopic(c.topic(), c.partitions(), (short) 1))
            .toList());
    double cpuBefore = broker.cpuSeconds();
    long bytes = 0;
    for (ProduceCase c : PRODUCE_CASES) {
      ToolOutput.ProducerSummary s =
          producerPerformance(c.topic(), options.produceRecords(), c.recordBytes(), -1);
      results.add(c.figure("records/s", "rec/s", true), target, s.recordsPerSecond());
      results.add(c.figure("MB/s", "MiB/s", true), target, s.mibPerSecond());
      results.add(c.figure("average latency", "ms", false), target, s.avgMs());
      results.add(c.figure("p99 latency", "ms", false), target, s.p99Ms());
      bytes += (long) options.produceRecords() * c.recordBytes();
    }
    double cpu = broker.cpuSeconds() - cpuBefore;
    results.add(CPU_PER_GB_IN, target, cpu / (bytes / 1e9));
    results.add(RSS_AFTER_PRODUCE, target, broker.residentMib());
  }

  private void consume(boolean alreadyProduced) throws Exception {
    if (!alreadyProduced) {
      createTopics(List.of(new NewTopic(CONSUME_TOPIC, 1, (short) 1)));
      producerPerformance(CONSUME_TOPIC, options.produceRecords(), 1024, -1);
    }
    double cpuBefore = broker.cpuSeconds();
    ProcessResult result =
        KafkaTools.run(
            Tool.CONSUMER_PERFORMANCE,
            timeoutFor(options.produceRecords(), 20_000),
            null,
            "--bootstrap-server",
            broker.bootstrap(),
            "--topic",
            CONSUME_TOPIC,
            "--num-records",
            Integer.toString(options.produceRecords()),
            "--group",
            "bench-consume-" + repetition,
            "--timeout",
            "20000");
    double cpu = broker.cpuSeconds() - cpuBefore;
    ToolOutput.ConsumerSummary s = ToolOutput.consumer(result);
    if (s.records() < options.produceRecords()) {
      throw new IllegalStateException(
          "ConsumerPerformance read "
              + s.records()
              + " of "
              + options.produceRecords()
              + " records");
    }
    results.add(CONSUME_FETCH_MIBS, target, s.fetchMibPerSecond());
    results.add(CONSUME_MIBS, target, s.mibPerSecond());
    results.add(CONSUME_JOIN_MS, target, s.rebalanceMs());
    results.add(CPU_PER_GB_OUT, target, cpu / (s.records() * 1024L / 1e9));
  }

  private void throttled() throws Exception {
    String topic = "throttled-1024b";
    createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    ToolOutput.ProducerSummary s =
        producerPerformance(topic, options.throttledRecords(), 1024, options.throttledRate());
    String at = String.format(Locale.ROOT, "%,d rec/s", options.throttledRate());
    results.add(
        Figure.higher(THROTTLED, "achieved rate (asked " + at + ")", "rec/s"),
        target,
        s.recordsPerSecond());
    results.add(THROTTLED_P50, target, s.p50Ms());
    results.add(THROTTLED_P99, target, s.p99Ms());
    results.add(THROTTLED_P999, target, s.p999Ms());
  }

  private void endToEnd() throws Exception {
    String topic = "e2e";
    createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    ProcessResult result =
        KafkaTools.run(
            Tool.END_TO_END_LATENCY,
            timeoutFor(options.endToEndRecords(), 200),
            null,
            broker.bootstrap(),
            topic,
            Integer.toString(options.endToEndRecords()),
            "all",
            "100");
    ToolOutput.EndToEndSummary s = ToolOutput.endToEnd(result);
    results.add(E2E_AVG, target, s.avgMs());
    results.add(E2E_P99, target, s.p99Ms());
    results.add(E2E_P999, target, s.p999Ms());
  }

  private void seed() throws Exception {
    String topic = "seed";
    createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    for (int senders : options.seedSenders()) {
      SeedLoad.Result r =
          SeedLoad.run(
              broker.broker().host(),
              broker.broker().port(),
              topic,
              options.seedRequests(),
              senders,
              100,
              SEED_DEADLINE);
      SeedFigures figures = SeedFigures.of(options.seedRequests(), senders);
      String printout =
          String.format(
              Locale.ROOT,
              "--- %s, repetition %d, %d senders ---%n%s",
              target.label(),
              repetition,
              senders,
              r.seedLines());
      System.out.print(printout);
      results.seedPrintout(target, printout);
      results.add(figures.throughput(), target, r.requestsPerSecond());
      results.add(figures.avg(), target, r.avgMs());
      results.add(figures.p99(), target, r.p99Ms());
      results.add(figures.failed(), target, r.failed());
      if (r.failed() > 0) {
        results.failure(
            describe(
                "seed, " + senders + " senders",
                r.failed() + " failed requests, first: " + r.firstError()));
      }
    }
  }

  private ToolOutput.ProducerSummary producerPerformance(
      String topic, int records, int recordBytes, int throughput) {
    return producerPerformance(broker.bootstrap(), topic, records, recordBytes, throughput, 5_000);
  }

  /**
   * ProducerPerformance with acks=all; {@code throughput} -1 for unthrottled, and the run is killed
   * after JVM start plus {@code records} at {@code slowestRate} records/s (or half the asked rate).
   */
  static ToolOutput.ProducerSummary producerPerformance(
      String bootstrap,
      String topic,
      int records,
      int recordBytes,
      int throughput,
      int slowestRate) {
    ProcessResult result =
        KafkaTools.run(
            Tool.PRODUCER_PERFORMANCE,
            timeoutFor(records, throughput > 0 ? throughput / 2 : slowestRate),
            null,
            "--bootstrap-server",
            bootstrap,
            "--topic",
            topic,
            "--num-records",
            Integer.toString(records),
            "--record-size",
            Integer.toString(recordBytes),
            "--throughput",
            Integer.toString(throughput),
            "--command-property",
            "acks=all");
    return ToolOutput.producer(result);
  }

  /** Enough time for {@code records} at {@code slowestRate} records/s plus JVM start. */
  static Duration timeoutFor(int records, int slowestRate) {
    return Duration.ofSeconds(60 + records / slowestRate);
  }

  private void createTopics(List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    createTopics(broker.bootstrap(), topics);
  }

  static void createTopics(String bootstrap, List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(new ArrayList<>(topics))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
