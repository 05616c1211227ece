package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.Brokers;
import io.logstore.testkit.ClusterUnderTest;
import io.logstore.testkit.KafkaReferenceCluster;
import io.logstore.testkit.LogStoreCluster;
import io.logstore.testkit.ReplicationFaultReport;
import io.logstore.testkit.ReplicationFaultReport.FaultWindow;
import io.logstore.testkit.ReplicationFaultRun;
import io.logstore.testkit.ReplicationFaultRun.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replication under process faults, on three real broker processes per selected broker kind ({@code
 * -Dcompat.brokers}): Kafka's VerifiableProducer (acks=all, idempotent) and VerifiableConsumer run
 * while the leader of partition 0 is SIGKILLed every 10 s for 2 minutes (and restarted), then
 * SIGSTOPped past the session timeout. Every acknowledged record must be in the log exactly once,
 * at its acknowledged offset, in producer order per partition, and reach the group consumer. The
 * unavailability window of each fault is printed and written to {@value #REPORT_FILE}.
 */
class ReplicationFaultTest {

  /** Report of the last run, one line per fault and per check, for every broker kind run. */
  static final String REPORT_FILE = "target/replication-fault-report.txt";

  private static final int NODES = 3;

  /** The pause (15 s) outlasts it, so the paused leader is fenced and replaced. */
  private static final Map<String, String> CLUSTER_CONFIG =
      Map.of("broker.session.timeout.ms", "6000", "broker.heartbeat.interval.ms", "500");

  /** Fewer kills than this means the cluster healed too slowly between kills. */
  private static final int MIN_KILLS = 6;

  static Stream<String> selectedBrokers() {
    return Brokers.selected().stream();
  }

  @BeforeAll
  static void forgetPreviousReport() throws IOException {
    Files.deleteIfExists(Path.of(REPORT_FILE));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("selectedBrokers")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void shouldKeepEveryAcknowledgedRecordWhileLeadersAreKilledAndPaused(String broker)
      throws IOException {
    // Given three broker processes and the standard fault schedule
    Settings settings = Settings.standard("fault-test");
    ReplicationFaultReport report;
    try (ClusterUnderTest cluster = startCluster(broker)) {

      // When the producer and the group consumer run through the kills and the pause
      report =
          ReplicationFaultRun.run(
              cluster, settings, Path.of("target", "replication-fault", broker));
    }
    writeReport(report.lines());

    // Then every fault was survived: the producer got acks again on the node's partitions
    List<FaultWindow> kills =
        report.faults().stream().filter(f -> f.kind().equals("kill")).toList();
    assertThat(kills).as("kills").hasSizeGreaterThanOrEqualTo(MIN_KILLS);
    assertThat(report.faults()).as("pauses").anyMatch(f -> f.kind().equals("pause"));
    assertThat(report.faults())
        .as("faults after which the producer never got an ack on the node's partitions")
        .allMatch(f -> f.unavailableMs().isPresent());
    // And a pause past the session timeout moved leadership while the node was still stopped
    assertThat(report.faults())
        .as("pauses: leadership moved, and acks resumed before the node did")
        .filteredOn(f -> f.kind().equals("pause"))
        .allMatch(f -> f.leaderAfter() != f.nodeId())
        .allMatch(f -> f.unavailableMs().getAsLong() < settings.pauseFor().toMillis());

    // And every send completed, acknowledged once
    String details = String.join("\n", report.lines());
    assertThat(report.acked() + report.sendErrors()).as(details).isEqualTo(settings.maxMessages());
    assertThat(report.duplicateAcks()).as(details).isZero();

    // And the log holds every acknowledged record once, at its offset, in producer order
    assertThat(report.missingFromLog()).as(details).isZero();
    assertThat(report.offsetMismatches()).as(details).isZero();
    assertThat(report.logDuplicates()).as(details).isZero();
    assertThat(report.orderViolations()).as(details).isZero();

    // And the group consumer received every acknowledged record (re-deliveries are only counted)
    assertThat(report.missingFromConsumer()).as(details).isZero();
  }

  private static ClusterUnderTest startCluster(String broker) {
    return switch (broker) {
      case Brokers.KAFKA -> KafkaReferenceCluster.start(NODES, CLUSTER_CONFIG);
      case Brokers.LOGSTORE -> LogStoreCluster.start(NODES, CLUSTER_CONFIG);
      default -> throw new IllegalArgumentException("unknown broker " + broker);
    };
  }

  private static void writeReport(List<String> lines) throws IOException {
    lines.forEach(System.out::println);
    Path file = Path.of(REPORT_FILE);
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
