package io.logstore.testkit;

import java.util.List;

/**
 * A multi-process cluster a fault scenario runs against: the Apache Kafka reference ({@link
 * KafkaReferenceCluster}) or LogStore ({@link LogStoreCluster}). Nodes are addressed by their
 * {@code node.id}, the id Metadata reports as a partition's leader.
 */
public interface ClusterUnderTest extends AutoCloseable {

  /** Short name for reports: {@code kafka} or {@code logstore}. */
  String name();

  /** Every node's PLAINTEXT listener, comma separated. */
  String bootstrapServers();

  /** The node ids, ascending. */
  List<Integer> nodeIds();

  /** SIGKILL of the node's process; returns once the process is gone. */
  void kill(int nodeId);

  /**
   * Starts a killed node again on the same ports and data, and returns once it answers Metadata.
   */
  void restart(int nodeId);

  /** SIGSTOP: the node freezes, its connections stay open, until {@link #resume}. */
  void pause(int nodeId);

  /** SIGCONT after {@link #pause}. */
  void resume(int nodeId);

  /** Stops every node and deletes the data. */
  @Override
  void close();
}
