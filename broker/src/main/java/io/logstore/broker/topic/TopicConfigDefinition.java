package io.logstore.broker.topic;

import io.logstore.broker.config.BrokerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;

/**
 * The topic-level configs LogStore supports, with Kafka's names, types, defaults and validation,
 * and for each the broker configs that supply its default (Kafka's synonyms, in precedence order).
 */
public final class TopicConfigDefinition {
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String RETENTION_MS = "retention.ms";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

  /** A broker config that supplies a topic config's default, with a unit conversion. */
  record BrokerSynonym(String name, LongUnaryOperator toTopicUnit) {
    static BrokerSynonym same(String name) {
      return new BrokerSynonym(name, LongUnaryOperator.identity());
    }
  }

  /** One topic config. */
  record Key(
      String name,
      Type type,
      String defaultValue,
      Validator validator,
      List<BrokerSynonym> synonyms,
      String documentation) {}

  private static final Map<String, Key> KEYS = build();

  private TopicConfigDefinition() {}

  private static Map<String, Key> build() {
    Map<String, Key> keys = new LinkedHashMap<>();
    add(
        keys,
        CLEANUP_POLICY,
        Type.LIST,
        "delete",
        ValidList.in("delete", "compact"),
        "delete: drop old segments; compact: keep the latest record per key; or both.",
        BrokerSynonym.same(BrokerConfig.LOG_CLEANUP_POLICY));
    add(
        keys,
        COMPRESSION_TYPE,
        Type.STRING,
        "producer",
        ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
        "producer keeps batches as sent; a codec makes the broker recompress batches in it.",
        BrokerSynonym.same(BrokerConfig.COMPRESSION_TYPE));
    add(
        keys,
        DELETE_RETENTION_MS,
        Type.LONG,
        "86400000",
        Range.atLeast(0),
        "How long tombstones stay in a compacted topic.",
        BrokerSynonym.same(BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS));
    add(
        keys,
        FILE_DELETE_DELAY_MS,
        Type.LONG,
        "60000",
        Range.atLeast(0),
        "Delay before a deleted segment's files are removed.",
        BrokerSynonym.same(BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS));
    add(
        keys,
        FLUSH_MESSAGES,
        Type.LONG,
        Long.toString(Long.MAX_VALUE),
        Range.atLeast(1),
        "With logstore.fsync.before.ack=false: fsync after this many messages.",
        BrokerSynonym.same(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES));
    add(
        keys,
        FLUSH_MS,
        Type.LONG,
        Long.toString(Long.MAX_VALUE),
        Range.atLeast(0),
        "With logstore.fsync.before.ack=false: fsync at this age of the oldest unflushed.",
        BrokerSynonym.same(BrokerConfig.LOG_FLUSH_INTERVAL_MS));
    add(
        keys,
        INDEX_INTERVAL_BYTES,
        Type.INT,
        "4096",
        Range.atLeast(0),
        "Bytes of log between two offset index entries.",
        BrokerSynonym.same(BrokerConfig.LOG_INDEX_INTERVAL_BYTES));
    add(
        keys,
        MAX_COMPACTION_LAG_MS,
        Type.LONG,
        Long.toString(Long.MAX_VALUE),
        Range.atLeast(1),
        "Maximum time a record stays uncompacted.",
        BrokerSynonym.same(BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS));
    add(
        keys,
        MAX_MESSAGE_BYTES,
        Type.INT,
        "1048588",
        Range.atLeast(0),
        "Largest record batch accepted.",
        BrokerSynonym.same(BrokerConfig.MESSAGE_MAX_BYTES));
    add(
        keys,
        MESSAGE_TIMESTAMP_TYPE,
        Type.STRING,
        "CreateTime",
        ValidString.in("CreateTime", "LogAppendTime"),
        "Keep the producer's timestamp, or stamp the broker's time on append.",
        BrokerSynonym.same(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE));
    add(
        keys,
        MIN_CLEANABLE_DIRTY_RATIO,
        Type.DOUBLE,
        "0.5",
        Range.between(0, 1),
        "Dirty ratio above which a compacted log is cleaned.",
        BrokerSynonym.same(BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO));
    add(
        keys,
        MIN_COMPACTION_LAG_MS,
        Type.LONG,
        "0",
        Range.atLeast(0),
        "Minimum age of a record before it can be compacted.",
        BrokerSynonym.same(BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS));
    add(
        keys,
        MIN_INSYNC_REPLICAS,
        Type.INT,
        "1",
        Range.atLeast(1),
        "Replicas that must have a record for an acks=all produce (enforced with replication).",
        BrokerSynonym.same(BrokerConfig.MIN_INSYNC_REPLICAS));
    add(
        keys,
        RETENTION_BYTES,
        Type.LONG,
        "-1",
        null,
        "Delete oldest segments while the partition is larger; -1 = no limit.",
        BrokerSynonym.same(BrokerConfig.LOG_RETENTION_BYTES));
    add(
        keys,
        RETENTION_MS,
        Type.LONG,
        "604800000",
        Range.atLeast(-1),
        "Delete segments whose newest record is older; -1 = forever.",
        BrokerSynonym.same(BrokerConfig.LOG_RETENTION_MS),
        new BrokerSynonym(BrokerConfig.LOG_RETENTION_MINUTES, m -> m < 0 ? -1 : m * 60_000L),
        new BrokerSynonym(BrokerConfig.LOG_RETENTION_HOURS, h -> h < 0 ? -1 : h * 3_600_000L));
    add(
        keys,
        SEGMENT_BYTES,
        Type.INT,
        "1073741824",
        Range.atLeast(1024),
        "Roll a segment at this size.",
        BrokerSynonym.same(BrokerConfig.LOG_SEGMENT_BYTES));
    add(
        keys,
        SEGMENT_INDEX_BYTES,
        Type.INT,
        "10485760",
        Range.atLeast(4096),
        "Roll when a segment's offset index reaches this size.",
        BrokerSynonym.same(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES));
    add(
        keys,
        SEGMENT_MS,
        Type.LONG,
        "604800000",
        Range.atLeast(1),
        "Roll a segment at this age.",
        BrokerSynonym.same(BrokerConfig.LOG_ROLL_MS),
        new BrokerSynonym(BrokerConfig.LOG_ROLL_HOURS, h -> h * 3_600_000L));
    add(
        keys,
        UNCLEAN_LEADER_ELECTION_ENABLE,
        Type.BOOLEAN,
        "false",
        null,
        "With replication: whether a replica outside the ISR may lead when no ISR member is"
            + " available (may lose acknowledged records); enabling it elects such a replica for"
            + " the topic's leaderless partitions.",
        BrokerSynonym.same(BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE));
    return Collections.unmodifiableMap(keys);
  }

  private static void add(
      Map<String, Key> keys,
      String name,
      Type type,
      String defaultValue,
      Validator validator,
      String documentation,
      BrokerSynonym... synonyms) {
    keys.put(name, new Key(name, type, defaultValue, validator, List.of(synonyms), documentation));
  }

  /** The topic configs as Markdown table rows: key, type, default, broker synonyms, meaning. */
  public static List<String> markdownRows() {
    List<String> rows = new ArrayList<>();
    for (Key key : KEYS.values()) {
      String synonyms =
          String.join(", ", key.synonyms().stream().map(s -> "`" + s.name() + "`").toList());
      rows.add(
          "| `"
              + key.name()
              + "` | "
              + key.type().name().toLowerCase()
              + " | `"
              + key.defaultValue()
              + "` | "
              + synonyms
              + " | "
              + key.documentation().replace("|", "\\|")
              + " |");
    }
    return rows;
  }

  /** The type of topic config {@code name}, which must be defined. */
  public static ConfigDef.Type typeOf(String name) {
    return KEYS.get(name).type();
  }

  static Map<String, Key> keys() {
    return KEYS;
  }

  public static boolean isDefined(String name) {
    return KEYS.containsKey(name);
  }

  public static List<String> names() {
    return new ArrayList<>(KEYS.keySet());
  }

  /**
   * Checks a topic config value; throws {@link ConfigException} naming the key when it is unknown
   * or invalid. Returns the value normalised as Kafka stores it.
   */
  public static String validate(String name, String value) {
    Key key = KEYS.get(name);
    if (key == null) {
      throw new ConfigException("Unknown topic config name: " + name);
    }
    if (value == null) {
      throw new ConfigException(name, null, "a value is required");
    }
    Object parsed = ConfigDef.parseType(name, value.trim(), key.type());
    if (key.validator() != null) {
      key.validator().ensureValid(name, parsed);
    }
    return value.trim();
  }

  /** Parses a resolved value to its type. */
  static Object parse(String name, String value) {
    return ConfigDef.parseType(name, value, KEYS.get(name).type());
  }
}
