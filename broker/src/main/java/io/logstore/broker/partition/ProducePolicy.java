package io.logstore.broker.partition;

/**
 * What a topic's configs ask of the produce path: the broker-side codec ({@code compression.type};
 * {@code producer} keeps batches as sent), whether the topic is compacted (records need keys) and
 * {@code min.insync.replicas} for acks=all.
 */
public record ProducePolicy(String compressionType, boolean compacted, int minInSyncReplicas) {
  public static final ProducePolicy DEFAULT = new ProducePolicy("producer", false, 1);

  public boolean recompresses() {
    return !"producer".equals(compressionType);
  }
}
