package io.logstore.broker.partition;

/**
 * What a topic's configs ask of the produce path: the broker-side codec ({@code compression.type};
 * {@code producer} keeps batches as sent) and whether the topic is compacted (records need keys).
 */
public record ProducePolicy(String compressionType, boolean compacted) {
  public static final ProducePolicy DEFAULT = new ProducePolicy("producer", false);

  public boolean recompresses() {
    return !"producer".equals(compressionType);
  }
}
