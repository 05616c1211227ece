package io.logstore.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side-by-side benchmark of issue 6: LogStore (durable default), Apache Kafka 4.3.1 with its
 * defaults and Kafka with {@code log.flush.interval.messages=1}, one after the other on this
 * machine, each with {@code -Xmx1g}, a fresh data dir per repetition and the same Kafka tools and
 * load client against each. Writes a Markdown report and an SVG chart.
 *
 * <p>Run it with {@code bench/run}, which builds, takes the build lock and starts this class; see
 * {@link BenchOptions#USAGE}. Repetitions are interleaved (LogStore, Kafka, Kafka fsync, then
 * again) so that a slow minute of the shared machine does not land on one broker only.
 *
 * <p>{@code bench/run --replicated ...} runs {@link ReplicatedSideBySide} instead: the same
 * comparison with three-node clusters.
 */
public final class SideBySide {

  private static final Logger LOG = LoggerFactory.getLogger(SideBySide.class);

  private SideBySide() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length > 0 && args[0].equals("--replicated")) {
      ReplicatedSideBySide.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
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
    Report.write(options, results, started, took, revision);
    LOG.info("wrote {} and {} after {} s", options.output(), options.chart(), took.toSeconds());
    System.out.println(Report.summary(options, results));
    for (String failure : results.failures()) {
      System.out.println("FAILURE: " + failure);
    }
  }

  private static void runOnce(BenchOptions options, Results results, Target target, int rep)
      throws InterruptedException {
    LOG.info("starting {} for repetition {}", target.label(), rep);
    try (RunningBroker broker = target.start()) {
      new BrokerSession(options, results, broker, rep).run();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      results.failure(target.label() + ", repetition " + rep + ", start/stop: " + e);
      LOG.error("{} repetition {} failed to start or stop", target.label(), rep, e);
    }
  }
}
