package io.logstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.ReplicationFaultReport.FaultWindow;
import io.logstore.testkit.ReplicationFaultReport.LogRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicationFaultReportTest {

  @Test
  void shouldPassACleanRunAndCountGroupRedeliveriesSeparately() {
    // Given two acked values, consumed three times in all, stored once each in order
    VerifiableEvents events = new VerifiableEvents();
    events.onProducerEvent(ack("0", 0, 0, 100));
    events.onProducerEvent(ack("1", 0, 1, 101));
    events.onConsumerEvent(record("0"));
    events.onConsumerEvent(record("1"));
    events.onConsumerEvent(record("1"));
    Map<Integer, List<LogRecord>> log =
        Map.of(0, List.of(new LogRecord(0, 0, "0"), new LogRecord(0, 1, "1")));

    // When the report is built
    ReplicationFaultReport report = ReplicationFaultReport.of("test", List.of(), events, log);

    // Then nothing is missing or duplicated in the log, and the re-delivery is counted
    assertThat(report.acked()).isEqualTo(2);
    assertThat(report.consumerRecords()).isEqualTo(3);
    assertThat(report.consumerRedelivered()).isEqualTo(1);
    assertThat(report.missingFromConsumer()).isZero();
    assertThat(report.logRecords()).isEqualTo(2);
    assertThat(report.logDuplicates()).isZero();
    assertThat(report.missingFromLog()).isZero();
    assertThat(report.offsetMismatches()).isZero();
    assertThat(report.orderViolations()).isZero();
  }

  @Test
  void shouldCountLostDuplicatedMisplacedAndReorderedRecords() {
    // Given acks for 0..3 on partition 0; the log lost 3, stored 1 twice, and put 2 before 1
    VerifiableEvents events = new VerifiableEvents();
    for (int v = 0; v < 4; v++) {
      events.onProducerEvent(ack(Integer.toString(v), 0, v, 100 + v));
    }
    events.onConsumerEvent(record("0"));
    Map<Integer, List<LogRecord>> log =
        Map.of(
            0,
            List.of(
                new LogRecord(0, 0, "0"),
                new LogRecord(0, 1, "2"),
                new LogRecord(0, 2, "1"),
                new LogRecord(0, 3, "1")));

    // When the report is built
    ReplicationFaultReport report = ReplicationFaultReport.of("test", List.of(), events, log);

    // Then each defect is counted
    assertThat(report.missingFromLog()).isEqualTo(1); // 3
    assertThat(report.logDuplicates()).isEqualTo(1); // 1
    assertThat(report.offsetMismatches()).isEqualTo(3); // 1, 2 and 3 are not at their offsets
    assertThat(report.orderViolations()).isEqualTo(2); // 1 after 2, 1 after 1
    assertThat(report.missingFromConsumer()).isEqualTo(3);
    assertThat(report.examples()).isNotEmpty();
  }

  @Test
  void shouldMeasureUnavailabilityUntilEveryLedPartitionIsAckedAgain() {
    // Given a kill at t=1000 of the leader of partitions 0 and 2
    FaultWindow kill = new FaultWindow("kill", 1, 2, Set.of(0, 2), List.of(2, 1, 3), 1000, 1);
    List<VerifiableEvents.Ack> acks =
        List.of(
            new VerifiableEvents.Ack("1", 0, 1, 990),
            new VerifiableEvents.Ack("2", 1, 1, 1001),
            new VerifiableEvents.Ack("3", 2, 1, 4000),
            new VerifiableEvents.Ack("4", 0, 2, 6500),
            new VerifiableEvents.Ack("5", 2, 2, 7000));

    // When the windows are measured, and again with no ack after the kill on partition 2
    FaultWindow measured = kill.measured(acks, Set.of(0, 1, 2));
    FaultWindow unmeasured = kill.measured(acks.subList(0, 2), Set.of(0, 1, 2));

    // Then they end at the latest first ack (partition 0 at 6500), and are empty without one
    assertThat(measured.unavailableMs()).hasValue(5500);
    assertThat(measured.allPartitionsMs()).hasValue(5500);
    assertThat(measured.line())
        .startsWith("kill #1 leader=2 unavailable=5500 ms all-partitions=5500 ms");
    assertThat(unmeasured.unavailableMs()).isEmpty();
    assertThat(unmeasured.allPartitionsMs()).isEmpty();
  }

  private static Map<String, Object> ack(String value, int partition, long offset, long ts) {
    return Map.of(
        "name", "producer_send_success",
        "value", value,
        "partition", (long) partition,
        "offset", offset,
        "timestamp", ts);
  }

  private static Map<String, Object> record(String value) {
    return Map.of("name", "record_data", "value", value);
  }
}
