package io.logstore.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The outcome of one {@link ReplicationFaultRun}: each fault with its unavailability window, and
 * the delivery checks. The group consumer may legitimately see a record twice (it commits after
 * processing, so a rebalance re-delivers); the partition log itself must hold each value once.
 *
 * @param cluster {@code kafka} or {@code logstore}
 * @param faults every injected fault, in order
 * @param acked distinct values the producer saw acknowledged
 * @param duplicateAcks values acknowledged more than once
 * @param sendErrors sends the producer gave up on (never acknowledged)
 * @param consumerRecords records the group consumer received, re-deliveries included
 * @param consumerRedelivered {@code consumerRecords} minus the distinct values among them
 * @param consumerRebalances partition assignments the group consumer went through
 * @param failedCommits offset commits that failed
 * @param missingFromConsumer acknowledged values the group consumer never received
 * @param logRecords records in the partition logs, read from the beginning after the run
 * @param logDuplicates values stored more than once in the logs
 * @param missingFromLog acknowledged values absent from the logs
 * @param offsetMismatches acknowledged (partition, offset) pairs not holding the acknowledged value
 * @param orderViolations records whose value is not greater than the previous in its partition
 * @param examples a few offending values per check, for failure messages
 */
public record ReplicationFaultReport(
    String cluster,
    List<FaultWindow> faults,
    int acked,
    int duplicateAcks,
    int sendErrors,
    long consumerRecords,
    long consumerRedelivered,
    int consumerRebalances,
    int failedCommits,
    int missingFromConsumer,
    int logRecords,
    int logDuplicates,
    int missingFromLog,
    int offsetMismatches,
    int orderViolations,
    List<String> examples) {

  private static final int MAX_EXAMPLES = 5;

  /**
   * One injected fault.
   *
   * @param kind {@code kill} (SIGKILL, restarted after a delay) or {@code pause} (SIGSTOP, then
   *     SIGCONT)
   * @param number 1-based count per kind
   * @param nodeId the node hit: the leader of partition 0 at that moment
   * @param partitions partitions the node led at that moment
   * @param isrBefore partition 0's in-sync replicas just before the fault
   * @param atMillis wall-clock time the process was gone (reaped) or stopped
   * @param leaderAfter partition 0's leader after the node came back
   * @param unavailableMs time from {@code atMillis} to the first ack after it on every partition in
   *     {@code partitions} (the slowest of them); empty when one of them saw no ack after the fault
   * @param allPartitionsMs the same over every partition of the topic: a partition the node only
   *     followed stalls too (acks=all) until the node leaves its ISR
   */
  public record FaultWindow(
      String kind,
      int number,
      int nodeId,
      Set<Integer> partitions,
      List<Integer> isrBefore,
      long atMillis,
      int leaderAfter,
      OptionalLong unavailableMs,
      OptionalLong allPartitionsMs) {

    /** A fault not measured yet. */
    FaultWindow(
        String kind,
        int number,
        int nodeId,
        Set<Integer> partitions,
        List<Integer> isrBefore,
        long atMillis,
        int leaderAfter) {
      this(
          kind,
          number,
          nodeId,
          partitions,
          isrBefore,
          atMillis,
          leaderAfter,
          OptionalLong.empty(),
          OptionalLong.empty());
    }

    /**
     * This fault measured from {@code acks} (in arrival order): {@code unavailableMs} over the
     * partitions the node led, {@code allPartitionsMs} over {@code topicPartitions}.
     */
    FaultWindow measured(List<VerifiableEvents.Ack> acks, Set<Integer> topicPartitions) {
      return new FaultWindow(
          kind,
          number,
          nodeId,
          partitions,
          isrBefore,
          atMillis,
          leaderAfter,
          window(acks, partitions),
          window(acks, topicPartitions));
    }

    /**
     * Per partition in {@code of}, the first ack at or after {@code atMillis}; the window ends at
     * the latest of those, and is empty if one partition has none.
     */
    private OptionalLong window(List<VerifiableEvents.Ack> acks, Set<Integer> of) {
      Map<Integer, Long> firstAck = new HashMap<>();
      for (VerifiableEvents.Ack ack : acks) {
        if (of.contains(ack.partition()) && ack.timestampMs() >= atMillis) {
          firstAck.putIfAbsent(ack.partition(), ack.timestampMs());
        }
      }
      if (of.isEmpty() || !firstAck.keySet().equals(of)) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(
          firstAck.values().stream().mapToLong(Long::longValue).max().orElseThrow() - atMillis);
    }

    /**
     * {@code kill #3 leader=2 unavailable=5120 ms all-partitions=6012 ms partitions=[0, 2] ...}.
     */
    public String line() {
      return kind
          + " #"
          + number
          + " leader="
          + nodeId
          + " unavailable="
          + millis(unavailableMs)
          + " all-partitions="
          + millis(allPartitionsMs)
          + " partitions="
          + partitions
          + " isr-before="
          + isrBefore
          + " leader-after="
          + leaderAfter;
    }

    private static String millis(OptionalLong window) {
      return window.isPresent() ? window.getAsLong() + " ms" : "NO-ACK-AFTER-FAULT";
    }
  }

  /** A record read back from a partition log. */
  record LogRecord(int partition, long offset, String value) {}

  static ReplicationFaultReport of(
      String cluster,
      List<FaultWindow> faults,
      VerifiableEvents events,
      Map<Integer, List<LogRecord>> log) {
    List<String> examples = new ArrayList<>();
    Map<String, VerifiableEvents.Ack> acks = events.ackByValue();

    int missingFromConsumer = 0;
    for (String value : acks.keySet()) {
      if (!events.consumedCount().containsKey(value)) {
        missingFromConsumer++;
        example(examples, missingFromConsumer, "not consumed by the group: value " + value);
      }
    }

    Map<String, Integer> logCount = new HashMap<>();
    Map<Integer, Map<Long, String>> byOffset = new TreeMap<>();
    int logRecords = 0;
    int orderViolations = 0;
    for (Map.Entry<Integer, List<LogRecord>> partition : log.entrySet()) {
      long previous = Long.MIN_VALUE;
      Map<Long, String> offsets =
          byOffset.computeIfAbsent(partition.getKey(), p -> new HashMap<>());
      for (LogRecord record : partition.getValue()) {
        logRecords++;
        logCount.merge(record.value(), 1, Integer::sum);
        offsets.put(record.offset(), record.value());
        long value = Long.parseLong(record.value());
        if (value <= previous) {
          orderViolations++;
          example(
              examples, orderViolations, "out of order: " + record + " after value " + previous);
        }
        previous = value;
      }
    }

    int logDuplicates = 0;
    for (Map.Entry<String, Integer> entry : logCount.entrySet()) {
      if (entry.getValue() > 1) {
        logDuplicates++;
        example(
            examples,
            logDuplicates,
            "stored " + entry.getValue() + " times: value " + entry.getKey());
      }
    }

    int missingFromLog = 0;
    int offsetMismatches = 0;
    for (VerifiableEvents.Ack ack : acks.values()) {
      if (!logCount.containsKey(ack.value())) {
        missingFromLog++;
        example(examples, missingFromLog, "acked but not in the log: " + ack);
      }
      String stored = byOffset.getOrDefault(ack.partition(), Map.of()).get(ack.offset());
      if (!ack.value().equals(stored)) {
        offsetMismatches++;
        example(examples, offsetMismatches, "acked " + ack + " but the log holds " + stored);
      }
    }

    long consumerDistinct = events.consumedCount().size();
    return new ReplicationFaultReport(
        cluster,
        List.copyOf(faults),
        acks.size(),
        events.duplicateAcks(),
        events.sendErrors(),
        events.consumedRecords(),
        events.consumedRecords() - consumerDistinct,
        events.assignments(),
        events.failedCommits(),
        missingFromConsumer,
        logRecords,
        logDuplicates,
        missingFromLog,
        offsetMismatches,
        orderViolations,
        List.copyOf(examples));
  }

  private static void example(List<String> examples, int countSoFar, String text) {
    if (countSoFar <= MAX_EXAMPLES) {
      examples.add(text);
    }
  }

  /** The report, one line per fault, then the producer, group consumer and log summaries. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (FaultWindow fault : faults) {
      lines.add("[" + cluster + "] " + fault.line());
    }
    lines.add(
        "["
            + cluster
            + "] producer acked="
            + acked
            + " duplicate-acks="
            + duplicateAcks
            + " send-errors="
            + sendErrors);
    lines.add(
        "["
            + cluster
            + "] group consumer records="
            + consumerRecords
            + " redelivered="
            + consumerRedelivered
            + " missing-acked="
            + missingFromConsumer
            + " assignments="
            + consumerRebalances
            + " failed-commits="
            + failedCommits);
    lines.add(
        "["
            + cluster
            + "] log records="
            + logRecords
            + " duplicates="
            + logDuplicates
            + " missing-acked="
            + missingFromLog
            + " offset-mismatches="
            + offsetMismatches
            + " order-violations="
            + orderViolations);
    examples.forEach(e -> lines.add("[" + cluster + "]   " + e));
    return lines;
  }
}
