package io.logstore.broker;

import io.logstore.broker.util.DurableFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The data directory's identity, in Kafka's {@code meta.properties} layout: {@code version=1},
 * {@code cluster.id} (generated on first start) and {@code node.id}. A directory that belongs to
 * another node id is refused.
 */
record MetaProperties(String clusterId, int nodeId) {
  static final String FILE_NAME = "meta.properties";

  /** Reads the directory's identity, creating it on first start. */
  static MetaProperties loadOrCreate(Path dataDir, int nodeId) throws IOException {
    return loadOrCreate(dataDir, nodeId, null);
  }

  /**
   * As {@link #loadOrCreate(Path, int)}; a non-null {@code requiredClusterId} (a cluster's, derived
   * from its voters) is written into a new directory and must match an existing one, as Kafka
   * refuses a log directory formatted for another cluster.
   */
  static MetaProperties loadOrCreate(Path dataDir, int nodeId, String requiredClusterId)
      throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      MetaProperties created =
          new MetaProperties(
              requiredClusterId != null ? requiredClusterId : Uuid.randomUuid().toString(), nodeId);
      created.write(file);
      return created;
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    }
    String clusterId = props.getProperty("cluster.id");
    String storedNode = props.getProperty("node.id");
    if (!"1".equals(props.getProperty("version")) || clusterId == null || storedNode == null) {
      throw new IOException(file + " is not a version 1 meta.properties with cluster.id, node.id");
    }
    int stored = Integer.parseInt(storedNode.trim());
    if (stored != nodeId) {
      throw new IOException(
          file + " belongs to node.id=" + stored + " but this broker has node.id=" + nodeId);
    }
    if (requiredClusterId != null && !requiredClusterId.equals(clusterId.trim())) {
      throw new IOException(
          file
              + " belongs to cluster.id="
              + clusterId.trim()
              + " but controller.quorum.voters makes this cluster "
              + requiredClusterId);
    }
    return new MetaProperties(clusterId.trim(), stored);
  }

  private void write(Path file) throws IOException {
    Properties props = new Properties();
    props.setProperty("version", "1");
    props.setProperty("cluster.id", clusterId);
    props.setProperty("node.id", Integer.toString(nodeId));
    StringWriter text = new StringWriter();
    props.store(text, "LogStore data directory identity");
    DurableFiles.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }
}
