package io.logstore.broker.admin;

import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicManager;
import io.logstore.broker.topic.ConfigSource;
import io.logstore.broker.topic.DynamicBrokerConfigs;
import io.logstore.broker.topic.ResolvedConfig;
import io.logstore.broker.topic.TopicConfigDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Describe and alter configs of topics and brokers, shared by DescribeConfigs, AlterConfigs and
 * IncrementalAlterConfigs. Broker resources are named by this node's id (its own dynamic configs)
 * or "" (the cluster-wide dynamic default), as in Kafka.
 */
public final class ConfigAdmin {
  public static final byte TOPIC = 2;
  public static final byte BROKER = 4;

  /** IncrementalAlterConfigs operations, by Kafka's ids. */
  public enum Op {
    SET,
    DELETE,
    APPEND,
    SUBTRACT;

    public static Op of(byte id) {
      if (id < 0 || id >= values().length) {
        throw new ConfigException("Unknown alter config operation " + id);
      }
      return values()[id];
    }
  }

  /** One change of IncrementalAlterConfigs (AlterConfigs is a SET of every given key). */
  public record Change(String name, Op op, String value) {}

  /** An error answer for a resource. */
  public record Failure(Errors error, String message) {}

  /** The outcome of a describe: configs, or a failure. */
  public record Described(List<ResolvedConfig> configs, Failure failure) {}

  private final TopicManager topics;
  private final TopicController controller;
  private final int nodeId;

  public ConfigAdmin(TopicManager topics, TopicController controller, int nodeId) {
    this.topics = topics;
    this.controller = controller;
    this.nodeId = nodeId;
  }

  public Described describe(byte type, String name) {
    if (type == TOPIC) {
      Failure failure = checkTopic(name);
      if (failure != null) {
        // Kafka answers a describe of a missing topic with an empty message.
        String message =
            failure.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION ? "" : failure.message();
        return new Described(List.of(), new Failure(failure.error(), message));
      }
      return new Described(topics.configResolver().describeTopic(topics.overrides(name)), null);
    }
    if (type == BROKER) {
      if (name.isEmpty()) {
        List<ResolvedConfig> dynamicDefaults =
            topics.configResolver().describeBroker().stream()
                .filter(c -> c.source() == ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                .collect(Collectors.toList());
        return new Described(dynamicDefaults, null);
      }
      Failure failure = checkBroker(name);
      if (failure != null) {
        return new Described(List.of(), failure);
      }
      return new Described(topics.configResolver().describeBroker(), null);
    }
    return new Described(List.of(), unsupportedType(type));
  }

  /**
   * Applies {@code changes}; with {@code replaceAll} (AlterConfigs) the given keys become the whole
   * override set. Returns null on success.
   */
  public synchronized Failure alter(
      byte type, String name, List<Change> changes, boolean replaceAll, boolean validateOnly) {
    try {
      if (type == TOPIC) {
        Failure failure = checkTopic(name);
        if (failure != null) {
          return failure;
        }
        Map<String, String> next =
            apply(topics.overrides(name), changes, replaceAll, true, this::topicType);
        if (!validateOnly) {
          controller.replaceOverrides(name, next);
        }
        return null;
      }
      if (type == BROKER) {
        boolean clusterWide = name.isEmpty();
        Failure failure = clusterWide ? null : checkBroker(name);
        if (failure != null) {
          return failure;
        }
        DynamicBrokerConfigs dynamic = topics.configResolver().dynamic();
        Map<String, String> current = clusterWide ? dynamic.clusterDefault() : dynamic.perBroker();
        Map<String, String> next = apply(current, changes, replaceAll, false, this::brokerType);
        if (!validateOnly) {
          dynamic.replace(clusterWide, next);
          topics.reapplyConfigs();
        }
        return null;
      }
      return unsupportedType(type);
    } catch (ConfigException e) {
      return new Failure(Errors.INVALID_CONFIG, e.getMessage());
    } catch (org.apache.kafka.common.errors.ApiException e) {
      return new Failure(Errors.forException(e), e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Kafka's replication throttle configs. LogStore does not throttle replication, so setting them
   * is INVALID_CONFIG (unknown name), but deleting them succeeds: they cannot be set, and
   * kafka-reassign-partitions --verify deletes them on every broker and moved topic.
   */
  private static final Set<String> UNSUPPORTED_THROTTLES =
      Set.of(
          "leader.replication.throttled.rate",
          "follower.replication.throttled.rate",
          "replica.alter.log.dirs.io.max.bytes.per.second",
          "leader.replication.throttled.replicas",
          "follower.replication.throttled.replicas");

  private ConfigDef.Type topicType(String name) {
    if (!TopicConfigDefinition.isDefined(name)) {
      throw new ConfigException("Unknown topic config name: " + name);
    }
    return TopicConfigDefinition.typeOf(name);
  }

  private ConfigDef.Type brokerType(String name) {
    ConfigDef.ConfigKey key =
        io.logstore.broker.config.BrokerConfig.definition().configKeys().get(name);
    if (key == null) {
      throw new ConfigException("Unknown broker config name: " + name);
    }
    return key.type;
  }

  private Map<String, String> apply(
      Map<String, String> current,
      List<Change> changes,
      boolean replaceAll,
      boolean topic,
      java.util.function.Function<String, ConfigDef.Type> typeOf) {
    Map<String, String> next = replaceAll ? new TreeMap<>() : new TreeMap<>(current);
    for (Change change : changes) {
      if (change.op() == Op.DELETE && UNSUPPORTED_THROTTLES.contains(change.name())) {
        // Never set here, so deleting is done: kafka-reassign-partitions --verify clears them.
        continue;
      }
      ConfigDef.Type type = typeOf.apply(change.name());
      switch (change.op()) {
        case SET -> next.put(change.name(), validate(topic, change.name(), change.value()));
        case DELETE -> next.remove(change.name());
        case APPEND, SUBTRACT -> {
          if (type != ConfigDef.Type.LIST) {
            throw new ConfigException(
                "Config value append is not allowed for config key: " + change.name());
          }
          String base =
              next.containsKey(change.name())
                  ? next.get(change.name())
                  : currentValue(topic, current, change.name());
          List<String> items = new ArrayList<>(split(base));
          for (String item : split(change.value())) {
            if (change.op() == Op.APPEND && !items.contains(item)) {
              items.add(item);
            } else if (change.op() == Op.SUBTRACT) {
              items.remove(item);
            }
          }
          next.put(change.name(), validate(topic, change.name(), String.join(",", items)));
        }
        default -> throw new IllegalStateException("unknown op " + change.op());
      }
    }
    return next;
  }

  private String currentValue(boolean topic, Map<String, String> overrides, String name) {
    if (topic) {
      return topics.configResolver().topicValue(overrides, name);
    }
    return topics.configResolver().describeBroker().stream()
        .filter(c -> c.name().equals(name))
        .map(ResolvedConfig::value)
        .findFirst()
        .orElse("");
  }

  private static String validate(boolean topic, String name, String value) {
    if (value == null) {
      throw new ConfigException(name, null, "a value is required");
    }
    return topic
        ? TopicConfigDefinition.validate(name, value)
        : DynamicBrokerConfigs.validate(name, value);
  }

  private static List<String> split(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private Failure checkTopic(String name) {
    try {
      Topic.validate(name);
    } catch (InvalidTopicException e) {
      return new Failure(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
    }
    if (topics.topic(name).isEmpty()) {
      return new Failure(
          Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
    }
    return null;
  }

  private Failure checkBroker(String name) {
    if (!name.equals(Integer.toString(nodeId))) {
      return new Failure(
          Errors.INVALID_REQUEST,
          "Unexpected broker id, expected " + nodeId + " or empty string, but received " + name);
    }
    return null;
  }

  private static Failure unsupportedType(byte type) {
    return new Failure(
        Errors.INVALID_REQUEST, "Unsupported resource type " + type + " for this broker");
  }
}
