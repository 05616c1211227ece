package io.logstore.bench;

import io.logstore.testkit.KafkaReferenceBroker;
import io.logstore.testkit.LogStoreBroker;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The three brokers the benchmark compares, each started fresh (new data dir) per repetition. */
enum Target {
  LOGSTORE("logstore", "LogStore", "default durable mode: fsync before ack"),
  KAFKA("kafka", "Kafka", "Apache Kafka 4.3.1 defaults: no fsync, the page cache only"),
  KAFKA_FSYNC(
      "kafka-fsync",
      "Kafka fsync",
      "Apache Kafka 4.3.1 with log.flush.interval.messages=1: fsync before ack");

  private final String id;
  private final String label;
  private final String description;

  Target(String id, String label, String description) {
    this.id = id;
    this.label = label;
    this.description = description;
  }

  String id() {
    return id;
  }

  String label() {
    return label;
  }

  String description() {
    return description;
  }

  static Target byId(String id) {
    for (Target t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target "
            + id
            + ", expected one of "
            + List.of("logstore", "kafka", "kafka-fsync"));
  }

  /** Starts the broker (same -Xmx1g heap for all three) and waits for its first Metadata answer. */
  RunningBroker start() {
    return switch (this) {
      case LOGSTORE -> {
        LogStoreBroker broker = LogStoreBroker.start();
        long pid;
        try {
          pid = logStorePid();
        } catch (RuntimeException e) {
          broker.close();
          throw e;
        }
        yield new RunningBroker(this, broker, broker::close, pid, broker.logFile());
      }
      case KAFKA -> {
        KafkaReferenceBroker broker = KafkaReferenceBroker.start();
        yield new RunningBroker(this, broker, broker::close, broker.pid(), broker.logFile());
      }
      case KAFKA_FSYNC -> {
        KafkaReferenceBroker broker =
            KafkaReferenceBroker.start(Map.of("log.flush.interval.messages", "1"));
        yield new RunningBroker(this, broker, broker::close, broker.pid(), broker.logFile());
      }
    };
  }

  /**
   * LogStoreBroker does not expose its process; it is our only child JVM running LogStoreMain (the
   * targets run one after the other).
   */
  private static long logStorePid() {
    List<ProcessHandle> children =
        ProcessHandle.current()
            .children()
            .filter(ProcessHandle::isAlive)
            .filter(
                p -> {
                  Optional<String> line = p.info().commandLine();
                  return line.isPresent() && line.get().contains(LogStoreBroker.MAIN_CLASS);
                })
            .toList();
    if (children.size() != 1) {
      throw new IllegalStateException(
          "expected exactly one LogStore child process, found " + children.size());
    }
    return children.get(0).pid();
  }
}
