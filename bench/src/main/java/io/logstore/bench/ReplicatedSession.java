package io.logstore.bench;

import static io.logstore.bench.ReplicatedOptions.E2E_RECORD_BYTES;
import static io.logstore.bench.ReplicatedOptions.MIN_INSYNC_REPLICAS;
import static io.logstore.bench.ReplicatedOptions.RECORD_BYTES;
import static io.logstore.bench.ReplicatedOptions.REPLICATION_FACTOR;

import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.KafkaTools.Tool;
import io.logstore.testkit.ProcessResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the replicated loads against one freshly started cluster and records the figures. */
final class ReplicatedSession {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedSession.class);

  static final String PRODUCE =
      "Produce, ProducerPerformance, 1 KB, acks=all, RF 3, min.insync.replicas=2, unthrottled";
  static final String E2E = "EndToEndLatency, acks=all, 100 B, 1 partition, RF 3";
  static final String RESOURCES = "Brokers' resources, three nodes together";

  static final Figure CPU_PER_GB_IN =
      Figure.lower(RESOURCES, "CPU per GB ingested by the leaders (produce runs)", "s/GB");
  static final Figure RSS_AFTER_PRODUCE =
      Figure.lower(RESOURCES, "resident memory after the produce runs", "MiB");
  static final Figure E2E_AVG = Figure.lower(E2E, "average latency", "ms");
  static final Figure E2E_P50 = Figure.lower(E2E, "p50 latency (whole ms, rounded down)", "ms");
  static final Figure E2E_P99 = Figure.lower(E2E, "p99 latency (whole ms, rounded down)", "ms");
  static final Figure E2E_P999 = Figure.lower(E2E, "p99.9 latency (whole ms, rounded down)", "ms");

  /** The unmeasured warm-up run before the producer runs: 1 KB records, acks=all. */
  static final int WARMUP_RECORDS = 20_000;

  private static final String WARMUP_TOPIC = "replicated-warmup";
  private static final int WARMUP_PARTITIONS = 3;

  /** Slowest producer rate the tool timeout allows for, records/s (beyond it the run fails). */
  private static final int SLOWEST_PRODUCE_RATE = 2_000;

  /** Slowest EndToEndLatency round trip the timeout allows for: 20 ms. */
  private static final int SLOWEST_E2E_RATE = 50;

  static Figure produceFigure(int partitions, String what, String unit, boolean higherIsBetter) {
    String label = partitions + (partitions == 1 ? " partition" : " partitions");
    return new Figure(PRODUCE, label + ": " + what, unit, higherIsBetter);
  }

  static String produceTopic(int partitions) {
    return "replicated-1024b-" + partitions + "p";
  }

  private final ReplicatedOptions options;
  private final Results results;
  private final RunningCluster cluster;
  private final Target target;
  private final int repetition;

  ReplicatedSession(
      ReplicatedOptions options, Results results, RunningCluster cluster, int repetition) {
    this.options = options;
    this.results = results;
    this.cluster = cluster;
    this.target = cluster.target();
    this.repetition = repetition;
  }

  void run() {
    step("produce", this::produce);
    step("e2e", this::endToEnd);
  }

  /** Runs one load; a failure is recorded with the cluster's state and the next load still runs. */
  private void step(String name, Step step) {
    if (!cluster.allAlive()) {
      results.failure(describe(name, "skipped: a broker process is gone"));
      return;
    }
    LOG.info("{} cluster rep {}: {}", target.label(), repetition, name);
    try {
      step.run();
    } catch (Exception e) {
      String state = cluster.allAlive() ? "brokers still alive" : "A BROKER PROCESS EXITED";
      results.failure(describe(name, state + ": " + e.getMessage()));
      LOG.error("{} cluster rep {}: {} failed ({})", target.label(), repetition, name, state, e);
    }
  }

  private String describe(String step, String message) {
    return String.format(
        Locale.ROOT,
        "%s cluster, repetition %d, %s: %s (broker logs %s)",
        target.label(),
        repetition,
        step,
        message,
        cluster.logs());
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private void produce() throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(topic(WARMUP_TOPIC, WARMUP_PARTITIONS));
    options.partitions().forEach(p -> topics.add(topic(produceTopic(p), p)));
    BrokerSession.createTopics(cluster.bootstrap(), topics);
    // Three fresh broker JVMs JIT-compile for their first seconds on the same two cores; a short
    // run the report does not count keeps most of that out of the first measured run.
    BrokerSession.producerPerformance(
        cluster.bootstrap(), WARMUP_TOPIC, WARMUP_RECORDS, RECORD_BYTES, -1, SLOWEST_PRODUCE_RATE);
    double cpuAtStart = cluster.cpuSeconds();
    long bytes = 0;
    for (int partitions : options.partitions()) {
      double cpuBefore = cluster.cpuSeconds();
      long nanosBefore = System.nanoTime();
      ToolOutput.ProducerSummary s =
          BrokerSession.producerPerformance(
              cluster.bootstrap(),
              produceTopic(partitions),
              options.produceRecords(),
              RECORD_BYTES,
              -1,
              SLOWEST_PRODUCE_RATE);
      double wallSeconds = (System.nanoTime() - nanosBefore) / 1e9;
      double cores = (cluster.cpuSeconds() - cpuBefore) / wallSeconds;
      results.add(
          produceFigure(partitions, "records/s", "rec/s", true), target, s.recordsPerSecond());
      results.add(produceFigure(partitions, "MB/s", "MiB/s", true), target, s.mibPerSecond());
      results.add(produceFigure(partitions, "average latency", "ms", false), target, s.avgMs());
      results.add(produceFigure(partitions, "p99 latency", "ms", false), target, s.p99Ms());
      results.add(
          produceFigure(partitions, "brokers' CPU during the run (cores busy)", "cores", false),
          target,
          cores);
      bytes += (long) options.produceRecords() * RECORD_BYTES;
    }
    double cpu = cluster.cpuSeconds() - cpuAtStart;
    results.add(CPU_PER_GB_IN, target, cpu / (bytes / 1e9));
    results.add(RSS_AFTER_PRODUCE, target, cluster.residentMib());
  }

  private void endToEnd() throws Exception {
    String topic = "replicated-e2e";
    BrokerSession.createTopics(cluster.bootstrap(), List.of(topic(topic, 1)));
    ProcessResult result =
        KafkaTools.run(
            Tool.END_TO_END_LATENCY,
            BrokerSession.timeoutFor(options.endToEndRecords(), SLOWEST_E2E_RATE),
            null,
            cluster.bootstrap(),
            topic,
            Integer.toString(options.endToEndRecords()),
            "all",
            Integer.toString(E2E_RECORD_BYTES));
    ToolOutput.EndToEndSummary s = ToolOutput.endToEnd(result);
    results.add(E2E_AVG, target, s.avgMs());
    results.add(E2E_P50, target, s.p50Ms());
    results.add(E2E_P99, target, s.p99Ms());
    results.add(E2E_P999, target, s.p999Ms());
  }

  private static NewTopic topic(String name, int partitions) {
    return new NewTopic(name, partitions, REPLICATION_FACTOR)
        .configs(Map.of("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS)));
  }
}
