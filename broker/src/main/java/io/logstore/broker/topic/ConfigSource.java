package io.logstore.broker.topic;

/** Where a config value comes from, with Kafka's DescribeConfigs source ids. */
public enum ConfigSource {
  TOPIC_CONFIG(1),
  DYNAMIC_BROKER_CONFIG(2),
  DYNAMIC_DEFAULT_BROKER_CONFIG(3),
  STATIC_BROKER_CONFIG(4),
  DEFAULT_CONFIG(5);

  private final byte id;

  ConfigSource(int id) {
    this.id = (byte) id;
  }

  public byte id() {
    return id;
  }
}
