package io.logstore.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What VerifiableProducer and VerifiableConsumer (with {@code --verbose}) reported, accumulated
 * from their JSON events: every acknowledged send in arrival order, send errors, and how often each
 * value reached the group consumer.
 */
final class VerifiableEvents {

  /** Bound on the send error messages kept for the report; all errors are counted. */
  private static final int MAX_ERROR_SAMPLES = 5;

  /** An acknowledged send: where the broker put it, and when the producer saw the ack. */
  record Ack(String value, int partition, long offset, long timestampMs) {}

  private final List<Ack> acks = new ArrayList<>();
  private final Map<String, Ack> ackByValue = new HashMap<>();
  private int duplicateAcks;
  private int sendErrors;
  private final List<String> errorSamples = new ArrayList<>();
  private final Map<String, Integer> consumedCount = new HashMap<>();
  private long consumedRecords;
  private int assignments;
  private int failedCommits;

  void onProducerEvent(Map<String, Object> event) {
    switch (String.valueOf(event.get("name"))) {
      case "producer_send_success" -> {
        Ack ack =
            new Ack(
                (String) event.get("value"),
                toInt(event.get("partition")),
                toLong(event.get("offset")),
                toLong(event.get("timestamp")));
        acks.add(ack);
        if (ackByValue.putIfAbsent(ack.value(), ack) != null) {
          duplicateAcks++;
        }
      }
      case "producer_send_error" -> {
        sendErrors++;
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
          errorSamples.add(event.get("value") + ": " + event.get("exception"));
        }
      }
      default -> {
        // startup_complete, shutdown_complete, tool_data: nothing to check
      }
    }
  }

  void onConsumerEvent(Map<String, Object> event) {
    switch (String.valueOf(event.get("name"))) {
      case "record_data" -> {
        consumedRecords++;
        consumedCount.merge((String) event.get("value"), 1, Integer::sum);
      }
      case "partitions_assigned" -> assignments++;
      case "offsets_committed" -> {
        if (!Boolean.TRUE.equals(event.get("success"))) {
          failedCommits++;
        }
      }
      default -> {
        // records_consumed summaries repeat the record_data lines; revocations need no check
      }
    }
  }

  /** Acks in the order the producer reported them. */
  List<Ack> acks() {
    return acks;
  }

  /** The first ack of each value. */
  Map<String, Ack> ackByValue() {
    return ackByValue;
  }

  /** Values acknowledged more than once (the producer sends each value once). */
  int duplicateAcks() {
    return duplicateAcks;
  }

  int sendErrors() {
    return sendErrors;
  }

  List<String> errorSamples() {
    return errorSamples;
  }

  /** How many times each value reached the group consumer. */
  Map<String, Integer> consumedCount() {
    return consumedCount;
  }

  long consumedRecords() {
    return consumedRecords;
  }

  int assignments() {
    return assignments;
  }

  int failedCommits() {
    return failedCommits;
  }

  /** Whether every acknowledged value reached the group consumer at least once. */
  boolean consumerHasEveryAck() {
    return consumedCount.keySet().containsAll(ackByValue.keySet());
  }

  private static int toInt(Object number) {
    return Math.toIntExact(toLong(number));
  }

  private static long toLong(Object number) {
    if (!(number instanceof Long value)) {
      throw new IllegalArgumentException("not an integer: " + number);
    }
    return value;
  }
}
