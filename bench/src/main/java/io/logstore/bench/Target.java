package io.logstore.bench;

import io.logstore.testkit.KafkaReferenceBroker;
import io.logstore.testkit.KafkaReferenceCluster;
import io.logstore.testkit.LogStoreBroker;
import io.logstore.testkit.LogStoreCluster;
import java.util.List;
import java.util.Map;

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
        yield new RunningBroker(this, broker, broker::close, broker.pid(), broker.logFile());
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
   * Starts a cluster of {@code nodes} brokers on 127.0.0.1, each with the same {@code -Xmx1g} heap
   * as {@link #start()}, and returns once every node answers Metadata.
   */
  RunningCluster startCluster(int nodes) {
    return switch (this) {
      case LOGSTORE -> {
        LogStoreCluster cluster = LogStoreCluster.start(nodes, Map.of());
        List<Long> pids = cluster.nodeIds().stream().map(id -> cluster.broker(id).pid()).toList();
        yield new RunningCluster(
            this,
            cluster.bootstrapServers(),
            pids,
            cluster::close,
            "target/broker-logs/logstore-<port>.log");
      }
      case KAFKA -> kafkaCluster(nodes, Map.of());
      case KAFKA_FSYNC -> kafkaCluster(nodes, Map.of("log.flush.interval.messages", "1"));
    };
  }

  private RunningCluster kafkaCluster(int nodes, Map<String, String> properties) {
    KafkaReferenceCluster cluster = KafkaReferenceCluster.start(nodes, properties, "1g");
    List<Long> pids = cluster.nodeIds().stream().map(cluster::pid).toList();
    return new RunningCluster(
        this,
        cluster.bootstrapServers(),
        pids,
        cluster::close,
        "target/broker-logs/kafka-cluster-<port>.log");
  }
}
