package io.logstore.broker.topic;

import io.logstore.broker.util.DurableFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-topic config overrides, one CRC-checked properties file per topic in {@code <data
 * dir>/__configs/topics/<topic>.properties}, written atomically. A topic without overrides has no
 * file. This is the layout of data directories written before a single broker kept its metadata in
 * a quorum of one: the broker reads it once, when its quorum has no state yet ({@code
 * cluster.LogBootstrap}); topic overrides now live in the cluster metadata.
 */
public final class TopicConfigStore {
  private static final String SUFFIX = ".properties";
  private final Path dir;

  public TopicConfigStore(Path dataDir) throws IOException {
    this.dir = dataDir.resolve("__configs").resolve("topics");
    Files.createDirectories(dir);
  }

  /** Every stored override set, by topic name. */
  public Map<String, Map<String, String>> loadAll() throws IOException {
    Map<String, Map<String, String>> all = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        all.put(
            name.substring(0, name.length() - SUFFIX.length()), DurableFiles.readProperties(file));
      }
    }
    return all;
  }

  public void save(String topic, Map<String, String> overrides) throws IOException {
    if (overrides.isEmpty()) {
      delete(topic);
    } else {
      DurableFiles.writeProperties(dir.resolve(topic + SUFFIX), overrides);
    }
  }

  public void delete(String topic) throws IOException {
    DurableFiles.deleteDurably(dir.resolve(topic + SUFFIX));
  }
}
