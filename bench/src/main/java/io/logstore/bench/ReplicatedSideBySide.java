package io.logstore.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated side-by-side benchmark: a three-node LogStore cluster, a three-node Apache Kafka
 * 4.3.1 cluster with its defaults and one with {@code log.flush.interval.messages=1}, one after the
 * other on this machine, every broker with {@code -Xmx1g}, a fresh cluster and data dirs per
 * repetition, topics with replication factor 3 and {@code min.insync.replicas=2}, and the same
 * Kafka tools against each. Writes a Markdown report (no chart).
 *
 * <p>Run it with {@code bench/run --replicated}; see {@link ReplicatedOptions#USAGE}. Repetitions
 * are interleaved as in {@link SideBySide}.
 */
final class ReplicatedSideBySide {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedSideBySide.class);

  private ReplicatedSideBySide() {}

  static void main(String[] args) throws IOException {
    ReplicatedOptions options;
    try {
      options = ReplicatedOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Instant started = Instant.now();
    String revision = Report.Machine.gitRevision(); // what is measured: the tree at the start
    Results results = new Results();
    for (int rep = 1; rep <= options.repetitions(); rep++) {
      for (Target target : options.targets()) {
        runOnce(options, results, target, rep);
      }
    }
    Duration took = Duration.between(started, Instant.now());
    ReplicatedReport.write(options, results, started, took, revision);
    LOG.info("wrote {} after {} s", options.output(), took.toSeconds());
    System.out.println(ReplicatedReport.summary(results));
    for (String failure : results.failures()) {
      System.out.println("FAILURE: " + failure);
    }
  }

  private static void runOnce(ReplicatedOptions options, Results results, Target target, int rep) {
    LOG.info(
        "starting a {}-node {} cluster for repetition {}",
        ReplicatedOptions.NODES,
        target.label(),
        rep);
    try (RunningCluster cluster = target.startCluster(ReplicatedOptions.NODES)) {
      new ReplicatedSession(options, results, cluster, rep).run();
    } catch (RuntimeException e) {
      results.failure(target.label() + " cluster, repetition " + rep + ", start/stop: " + e);
      LOG.error("{} cluster repetition {} failed to start or stop", target.label(), rep, e);
    }
  }
}
