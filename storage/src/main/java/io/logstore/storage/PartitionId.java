package io.logstore.storage;

import java.util.Objects;

/**
 * A topic partition. Its log lives in the directory {@code <topic>-<partition>} under one data
 * root.
 *
 * @param topic topic name, non-empty
 * @param partition partition index, {@code >= 0}
 */
public record PartitionId(String topic, int partition) {

  public PartitionId {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
  }

  /** The partition directory name, {@code topic + "-" + partition}. */
  public String dirName() {
    return topic + "-" + partition;
  }

  /**
   * Parses a partition directory name. The partition is the part after the last {@code '-'}.
   *
   * @throws IllegalArgumentException if the name is not {@code <topic>-<non-negative int>}
   */
  public static PartitionId fromDirName(String dirName) {
    int dash = dirName.lastIndexOf('-');
    if (dash <= 0 || dash == dirName.length() - 1) {
      throw new IllegalArgumentException("not a partition directory name: " + dirName);
    }
    String partitionText = dirName.substring(dash + 1);
    for (int i = 0; i < partitionText.length(); i++) {
      if (!Character.isDigit(partitionText.charAt(i))) {
        throw new IllegalArgumentException("not a partition directory name: " + dirName);
      }
    }
    try {
      return new PartitionId(dirName.substring(0, dash), Integer.parseInt(partitionText));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a partition directory name: " + dirName, e);
    }
  }

  @Override
  public String toString() {
    return dirName();
  }
}
