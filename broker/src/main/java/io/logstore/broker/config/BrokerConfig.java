package io.logstore.broker.config;

import io.logstore.storage.CleanupPolicy;
import io.logstore.storage.DurabilityMode;
import io.logstore.storage.LogConfig;
import io.logstore.storage.TimestampType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Broker configuration: Kafka's property names where Kafka has the setting, {@code logstore.*} for
 * LogStore's own. An unknown key or an invalid value fails startup with a message naming it.
 * docs/configuration.md lists every key.
 */
public final class BrokerConfig {
  public static final String NODE_ID = "node.id";
  public static final String BROKER_ID = "broker.id";
  public static final String LISTENERS = "listeners";
  public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
  public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
  public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
  public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
  public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
  public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS =
      "leader.imbalance.check.interval.seconds";
  public static final String ADVERTISED_LISTENERS = "advertised.listeners";
  public static final String LOG_DIRS = "log.dirs";
  public static final String LOG_DIR = "log.dir";
  public static final String NUM_PARTITIONS = "num.partitions";
  public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
  public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
  public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
  public static final String LOG_ROLL_MS = "log.roll.ms";
  public static final String LOG_ROLL_HOURS = "log.roll.hours";
  public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
  public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
  public static final String LOG_RETENTION_MS = "log.retention.ms";
  public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
  public static final String LOG_RETENTION_HOURS = "log.retention.hours";
  public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
  public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
  public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
  public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
  public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
  public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
  public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS =
      "log.flush.offset.checkpoint.interval.ms";
  public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
  public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
  public static final String NUM_NETWORK_THREADS = "num.network.threads";
  public static final String FSYNC_BEFORE_ACK = "logstore.fsync.before.ack";
  public static final String FLUSH_THREADS = "logstore.flush.threads";
  public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
  public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
  public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
  public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS =
      "log.cleaner.min.compaction.lag.ms";
  public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS =
      "log.cleaner.max.compaction.lag.ms";
  public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

  /** Node ids of a cluster are below this (the producer id stride). */
  public static final int MAX_CLUSTER_NODE_ID_EXCLUSIVE = 1024;

  public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
  public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
  public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
  public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
  public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
  public static final String MAX_INFLIGHT_REQUESTS_PER_CONNECTION =
      "logstore.max.inflight.requests.per.connection";
  public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
  public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
  public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
  public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
  public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
  public static final String GROUP_MAX_SIZE = "group.max.size";
  public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
  public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS =
      "offsets.retention.check.interval.ms";
  public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";

  private static final ConfigDef DEFINITION = build();

  private final Values values;

  private BrokerConfig(Values values) {
    this.values = values;
  }

  /** The definitions, in the form Kafka's {@code ConfigDef} documents them. */
  public static ConfigDef definition() {
    return DEFINITION;
  }

  private static ConfigDef build() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new ConfigDef()
        .define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "This broker's id.")
        .define(BROKER_ID, Type.INT, null, Importance.LOW, "Synonym of node.id (older Kafka name).")
        .define(
            CONTROLLER_QUORUM_VOTERS,
            Type.STRING,
            "",
            Importance.HIGH,
            "The cluster's metadata quorum, id@host:port,... (an Apache Ratis Raft group; this"
                + " node.id must be one of them; the port is the Raft port, not the Kafka"
                + " listener); topics live in the replicated metadata and partitions are"
                + " replicated (see docs/replication.md). Empty: a single broker, a cluster of one"
                + " whose metadata quorum is local (one voter, no port, data/__metadata/local).")
        .define(
            BROKER_SESSION_TIMEOUT_MS,
            Type.INT,
            9000,
            Range.atLeast(1),
            Importance.MEDIUM,
            "With a quorum: a broker the controller has not heard from for this long is fenced.")
        .define(
            BROKER_HEARTBEAT_INTERVAL_MS,
            Type.INT,
            2000,
            Range.atLeast(1),
            Importance.MEDIUM,
            "With a quorum: how often a broker heartbeats to the controller.")
        .define(
            UNCLEAN_LEADER_ELECTION_ENABLE,
            Type.BOOLEAN,
            false,
            Importance.MEDIUM,
            "With a quorum: whether a replica outside the ISR may lead when no ISR member is"
                + " available (may lose acknowledged records). The default for topics that do not"
                + " set it; every voter must agree.")
        .define(
            AUTO_LEADER_REBALANCE_ENABLE,
            Type.BOOLEAN,
            true,
            Importance.HIGH,
            "With a quorum: the controller moves each partition's leadership back to its"
                + " preferred (first) replica once that replica is back in the ISR, checked every"
                + " leader.imbalance.check.interval.seconds.")
        .define(
            LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
            Type.LONG,
            300L,
            Range.atLeast(1),
            Importance.HIGH,
            "With a quorum: how often the controller checks for leaderships to move back to"
                + " preferred replicas.")
        .define(
            LISTENERS,
            Type.STRING,
            "PLAINTEXT://127.0.0.1:9092",
            Importance.HIGH,
            "The one listener, PLAINTEXT://host:port. Port 0 picks a free port.")
        .define(
            ADVERTISED_LISTENERS,
            Type.STRING,
            null,
            Importance.MEDIUM,
            "The address given to clients in Metadata; defaults to listeners.")
        .define(LOG_DIRS, Type.STRING, null, Importance.HIGH, "Data directory (one).")
        .define(LOG_DIR, Type.STRING, "./data", Importance.HIGH, "Used when log.dirs is unset.")
        .define(
            NUM_PARTITIONS,
            Type.INT,
            1,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Partitions of an auto-created topic.")
        .define(
            DEFAULT_REPLICATION_FACTOR,
            Type.INT,
            1,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Replication factor of a topic created without one (auto-created or CreateTopics with"
                + " -1); a single broker keeps one copy.")
        .define(
            REPLICA_LAG_TIME_MAX_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(1),
            Importance.HIGH,
            "With a quorum: an ISR member that has not caught up with the leader for this long is"
                + " removed from the ISR.")
        .define(
            REPLICA_FETCH_WAIT_MAX_MS,
            Type.INT,
            500,
            Range.atLeast(0),
            Importance.MEDIUM,
            "With a quorum: how long a follower's fetch waits at the leader for new records.")
        .define(
            REPLICA_FETCH_MAX_BYTES,
            Type.INT,
            1024 * 1024,
            Range.atLeast(1),
            Importance.MEDIUM,
            "With a quorum: bytes a follower asks per partition in one fetch (at least one batch"
                + " is returned).")
        .define(
            REPLICA_SOCKET_TIMEOUT_MS,
            Type.INT,
            30_000,
            Range.atLeast(1),
            Importance.LOW,
            "With a quorum: how long a follower waits for a fetch answer before it reconnects.")
        .define(
            AUTO_CREATE_TOPICS_ENABLE,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Create a topic on first Metadata request that names it.")
        .define(
            LOG_SEGMENT_BYTES,
            Type.INT,
            1024 * 1024 * 1024,
            Range.atLeast(1024),
            Importance.MEDIUM,
            "Roll a segment at this size.")
        .define(LOG_ROLL_MS, Type.LONG, null, Importance.LOW, "Roll a segment at this age.")
        .define(
            LOG_ROLL_HOURS,
            Type.INT,
            168,
            Range.atLeast(1),
            Importance.LOW,
            "As log.roll.ms, in hours.")
        .define(
            LOG_INDEX_SIZE_MAX_BYTES,
            Type.INT,
            10 * 1024 * 1024,
            Range.atLeast(4096),
            Importance.LOW,
            "Roll when a segment's offset index reaches this size.")
        .define(
            LOG_INDEX_INTERVAL_BYTES,
            Type.INT,
            4096,
            Range.atLeast(0),
            Importance.LOW,
            "Bytes of log between two index entries.")
        .define(LOG_RETENTION_MS, Type.LONG, null, Importance.HIGH, "Delete segments older.")
        .define(LOG_RETENTION_MINUTES, Type.INT, null, Importance.HIGH, "As log.retention.ms.")
        .define(LOG_RETENTION_HOURS, Type.INT, 168, Importance.HIGH, "As log.retention.ms.")
        .define(
            LOG_RETENTION_BYTES,
            Type.LONG,
            -1L,
            Importance.HIGH,
            "Delete oldest segments past this partition size; -1 = unlimited.")
        .define(
            LOG_RETENTION_CHECK_INTERVAL_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(1),
            Importance.LOW,
            "How often retention runs.")
        .define(
            MESSAGE_MAX_BYTES,
            Type.INT,
            1024 * 1024 + 12,
            Range.atLeast(0),
            Importance.HIGH,
            "Largest record batch accepted.")
        .define(
            LOG_MESSAGE_TIMESTAMP_TYPE,
            Type.STRING,
            "CreateTime",
            ValidString.in("CreateTime", "LogAppendTime"),
            Importance.MEDIUM,
            "Keep the producer's timestamp or stamp the broker's time.")
        .define(
            LOG_FLUSH_INTERVAL_MESSAGES,
            Type.LONG,
            Long.MAX_VALUE,
            Range.atLeast(1),
            Importance.HIGH,
            "With logstore.fsync.before.ack=false: fsync after this many messages.")
        .define(
            LOG_FLUSH_INTERVAL_MS,
            Type.LONG,
            null,
            Importance.HIGH,
            "With logstore.fsync.before.ack=false: fsync at this age of the oldest unflushed.")
        .define(
            LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS,
            Type.INT,
            60_000,
            Range.atLeast(1),
            Importance.LOW,
            "How often the recovery point and high watermarks are checkpointed.")
        .define(
            LOG_SEGMENT_DELETE_DELAY_MS,
            Type.LONG,
            60_000L,
            Range.atLeast(0),
            Importance.LOW,
            "Delay before a deleted segment's files are removed.")
        .define(
            SOCKET_REQUEST_MAX_BYTES,
            Type.INT,
            100 * 1024 * 1024,
            Range.atLeast(1),
            Importance.LOW,
            "Largest request frame; a larger size prefix closes the connection.")
        .define(
            NUM_NETWORK_THREADS,
            Type.INT,
            cores,
            Range.atLeast(1),
            Importance.LOW,
            "Event loop threads.")
        .define(
            FSYNC_BEFORE_ACK,
            Type.BOOLEAN,
            true,
            Importance.HIGH,
            "Acknowledge a produce only after its records are fsynced (group commit).")
        .define(
            FLUSH_THREADS,
            Type.INT,
            4,
            Range.between(1, 64),
            Importance.LOW,
            "Threads running fsyncs, one partition each at a time. fsyncs of different files"
                + " issued together share the file system's journal commit: on the benchmark"
                + " machine 8 partitions took 2.4 ms per round with 1 thread and 1.1 ms with 4.")
        .define(
            MAX_INFLIGHT_REQUESTS_PER_CONNECTION,
            Type.INT,
            64,
            Range.between(1, 10_000),
            Importance.LOW,
            "Requests one connection may have in progress before reading pauses.")
        .define(
            LOG_CLEANUP_POLICY,
            Type.LIST,
            "delete",
            ValidList.in("delete", "compact"),
            Importance.MEDIUM,
            "Default cleanup policy of topics: delete old segments, compact by key, or both.")
        .define(
            COMPRESSION_TYPE,
            Type.STRING,
            "producer",
            ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
            Importance.HIGH,
            "Default compression of topics: producer keeps what was sent; a codec recompresses.")
        .define(
            LOG_CLEANER_ENABLE,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Run the log cleaner (compaction) for topics with cleanup.policy=compact.")
        .define(
            LOG_CLEANER_DELETE_RETENTION_MS,
            Type.LONG,
            86_400_000L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "How long tombstones are kept in compacted topics.")
        .define(
            LOG_CLEANER_MIN_CLEANABLE_RATIO,
            Type.DOUBLE,
            0.5,
            Range.between(0, 1),
            Importance.MEDIUM,
            "Dirty ratio above which a compacted log is cleaned.")
        .define(
            LOG_CLEANER_MIN_COMPACTION_LAG_MS,
            Type.LONG,
            0L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Minimum age of a record before it can be compacted.")
        .define(
            LOG_CLEANER_MAX_COMPACTION_LAG_MS,
            Type.LONG,
            Long.MAX_VALUE,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Maximum time a record stays uncompacted.")
        .define(
            LOG_CLEANER_BACKOFF_MS,
            Type.LONG,
            15_000L,
            Range.atLeast(0),
            Importance.LOW,
            "Sleep between cleaner runs when there is nothing to clean.")
        .define(
            MIN_INSYNC_REPLICAS,
            Type.INT,
            1,
            Range.atLeast(1),
            Importance.HIGH,
            "Replicas (ISR members, the leader included) that must have a record before an"
                + " acks=all produce is answered; fewer in the ISR: NOT_ENOUGH_REPLICAS.")
        .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "Allow DeleteTopics.")
        .define(
            OFFSETS_TOPIC_NUM_PARTITIONS,
            Type.INT,
            50,
            Range.atLeast(1),
            Importance.HIGH,
            "Partitions of __consumer_offsets (fixed once the topic exists).")
        .define(
            OFFSETS_TOPIC_REPLICATION_FACTOR,
            Type.SHORT,
            (short) 3,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Replication factor of __consumer_offsets, capped at the number of active brokers when"
                + " it is created (through the controller, by the first FindCoordinator); a single"
                + " broker keeps one copy.")
        .define(
            GROUP_INITIAL_REBALANCE_DELAY_MS,
            Type.INT,
            3000,
            Range.atLeast(0),
            Importance.MEDIUM,
            "How long the first rebalance of an empty group waits for more members.")
        .define(
            GROUP_MIN_SESSION_TIMEOUT_MS,
            Type.INT,
            6000,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Smallest session timeout a group member may ask for.")
        .define(
            GROUP_MAX_SESSION_TIMEOUT_MS,
            Type.INT,
            1_800_000,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Largest session timeout a group member may ask for.")
        .define(
            GROUP_MAX_SIZE,
            Type.INT,
            Integer.MAX_VALUE,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Members per group.")
        .define(
            OFFSETS_RETENTION_MINUTES,
            Type.INT,
            10080,
            Range.atLeast(1),
            Importance.HIGH,
            "Offsets of a group that has had no members for this long are deleted.")
        .define(
            OFFSETS_RETENTION_CHECK_INTERVAL_MS,
            Type.LONG,
            600_000L,
            Range.atLeast(1),
            Importance.HIGH,
            "How often expired offsets are looked for.")
        .define(
            OFFSET_METADATA_MAX_BYTES,
            Type.INT,
            4096,
            Range.atLeast(0),
            Importance.HIGH,
            "Largest metadata string of a committed offset.");
  }

  /** Parses {@code props}; unknown keys and bad values throw {@link ConfigException}. */
  public static BrokerConfig parse(Map<String, String> props) {
    Set<String> unknown = new TreeSet<>(props.keySet());
    unknown.removeAll(definition().names());
    if (!unknown.isEmpty()) {
      throw new ConfigException("Unknown configuration key(s): " + String.join(", ", unknown));
    }
    BrokerConfig config = new BrokerConfig(new Values(definition(), props));
    config.listenerAddress(); // validate eagerly
    config.controllerQuorumVoters();
    return config;
  }

  private static final class Values extends AbstractConfig {
    Values(ConfigDef definition, Map<String, String> props) {
      super(definition, props, false);
    }
  }

  /** The parsed value of {@code key} (any defined key). */
  public Object value(String key) {
    return values.values().get(key);
  }

  /** Whether {@code key} was set explicitly (in the file or by an override). */
  public boolean isSet(String key) {
    return values.originals().containsKey(key);
  }

  public int defaultReplicationFactor() {
    return values.getInt(DEFAULT_REPLICATION_FACTOR);
  }

  public boolean deleteTopicEnable() {
    return values.getBoolean(DELETE_TOPIC_ENABLE);
  }

  public int nodeId() {
    Integer legacy = values.getInt(BROKER_ID);
    return legacy != null && !values.originals().containsKey(NODE_ID)
        ? legacy
        : values.getInt(NODE_ID);
  }

  /**
   * The metadata quorum's voters by node id, from {@code controller.quorum.voters}; empty for a
   * single node. This node must be a voter.
   */
  public Map<Integer, InetSocketAddress> controllerQuorumVoters() {
    String raw = values.getString(CONTROLLER_QUORUM_VOTERS).trim();
    Map<Integer, InetSocketAddress> voters = new TreeMap<>();
    if (raw.isEmpty()) {
      return voters;
    }
    for (String entry : raw.split(",")) {
      String e = entry.trim();
      int at = e.indexOf('@');
      int colon = e.lastIndexOf(':');
      if (at <= 0 || colon <= at + 1 || colon == e.length() - 1) {
        throw new ConfigException(
            CONTROLLER_QUORUM_VOTERS, raw, "expected id@host:port,..., got '" + e + "'");
      }
      try {
        int id = Integer.parseInt(e.substring(0, at));
        int port = Integer.parseInt(e.substring(colon + 1));
        if (id < 0 || port <= 0 || port > 65_535 || voters.containsKey(id)) {
          throw new NumberFormatException("bad id or port");
        }
        if (id >= MAX_CLUSTER_NODE_ID_EXCLUSIVE) {
          throw new ConfigException(
              CONTROLLER_QUORUM_VOTERS,
              raw,
              "node ids of a cluster must be below "
                  + MAX_CLUSTER_NODE_ID_EXCLUSIVE
                  + " (producer ids are interleaved by node id)");
        }
        voters.put(id, InetSocketAddress.createUnresolved(e.substring(at + 1, colon), port));
      } catch (NumberFormatException ex) {
        throw new ConfigException(CONTROLLER_QUORUM_VOTERS, raw, "bad id or port in '" + e + "'");
      }
    }
    if (!voters.containsKey(nodeId())) {
      throw new ConfigException(
          CONTROLLER_QUORUM_VOTERS, raw, "node.id " + nodeId() + " is not one of the voters");
    }
    return voters;
  }

  public int brokerSessionTimeoutMs() {
    return values.getInt(BROKER_SESSION_TIMEOUT_MS);
  }

  public int brokerHeartbeatIntervalMs() {
    return values.getInt(BROKER_HEARTBEAT_INTERVAL_MS);
  }

  public long replicaLagTimeMaxMs() {
    return values.getLong(REPLICA_LAG_TIME_MAX_MS);
  }

  public int replicaFetchWaitMaxMs() {
    return values.getInt(REPLICA_FETCH_WAIT_MAX_MS);
  }

  public int replicaFetchMaxBytes() {
    return values.getInt(REPLICA_FETCH_MAX_BYTES);
  }

  public int replicaSocketTimeoutMs() {
    return values.getInt(REPLICA_SOCKET_TIMEOUT_MS);
  }

  public short offsetsTopicReplicationFactor() {
    return values.getShort(OFFSETS_TOPIC_REPLICATION_FACTOR);
  }

  /** How often the controller balances leaders; 0 when auto.leader.rebalance.enable is off. */
  public long leaderBalanceIntervalMs() {
    return values.getBoolean(AUTO_LEADER_REBALANCE_ENABLE)
        ? values.getLong(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1_000L
        : 0L;
  }

  public boolean uncleanLeaderElectionEnable() {
    return values.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE);
  }

  public InetSocketAddress listenerAddress() {
    return parseListener(LISTENERS, values.getString(LISTENERS));
  }

  public InetSocketAddress advertisedAddress(int boundPort) {
    String advertised = values.getString(ADVERTISED_LISTENERS);
    if (advertised != null) {
      return parseListener(ADVERTISED_LISTENERS, advertised);
    }
    InetSocketAddress listener = listenerAddress();
    return InetSocketAddress.createUnresolved(listener.getHostString(), boundPort);
  }

  private static InetSocketAddress parseListener(String key, String value) {
    String trimmed = value.trim();
    if (trimmed.contains(",")) {
      throw new ConfigException(key, value, "only one listener is supported");
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, value, "expected PLAINTEXT://host:port");
    }
    if (!"PLAINTEXT".equalsIgnoreCase(uri.getScheme()) || uri.getPort() < 0) {
      throw new ConfigException(key, value, "expected PLAINTEXT://host:port");
    }
    String host = uri.getHost() == null ? "0.0.0.0" : uri.getHost();
    return InetSocketAddress.createUnresolved(host, uri.getPort());
  }

  public List<Path> logDirs() {
    String dirs = values.getString(LOG_DIRS);
    String raw = dirs != null ? dirs : values.getString(LOG_DIR);
    List<Path> paths = new ArrayList<>();
    for (String dir : raw.split(",")) {
      if (!dir.isBlank()) {
        paths.add(Path.of(dir.trim()));
      }
    }
    if (paths.size() != 1) {
      throw new ConfigException(LOG_DIRS, raw, "exactly one data directory is supported");
    }
    return paths;
  }

  public int numPartitions() {
    return values.getInt(NUM_PARTITIONS);
  }

  public boolean autoCreateTopicsEnable() {
    return values.getBoolean(AUTO_CREATE_TOPICS_ENABLE);
  }

  public int socketRequestMaxBytes() {
    return values.getInt(SOCKET_REQUEST_MAX_BYTES);
  }

  public int networkThreads() {
    return values.getInt(NUM_NETWORK_THREADS);
  }

  public int maxInflightRequestsPerConnection() {
    return values.getInt(MAX_INFLIGHT_REQUESTS_PER_CONNECTION);
  }

  public int flushThreads() {
    return values.getInt(FLUSH_THREADS);
  }

  public long retentionCheckIntervalMs() {
    return values.getLong(LOG_RETENTION_CHECK_INTERVAL_MS);
  }

  public long checkpointIntervalMs() {
    return values.getInt(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS);
  }

  public int messageMaxBytes() {
    return values.getInt(MESSAGE_MAX_BYTES);
  }

  public boolean fsyncBeforeAck() {
    return values.getBoolean(FSYNC_BEFORE_ACK);
  }

  /** The log configuration every topic gets (per-topic overrides arrive with topic configs). */
  public LogConfig defaultLogConfig() {
    Long rollMs = values.getLong(LOG_ROLL_MS);
    long segmentMs = rollMs != null ? rollMs : values.getInt(LOG_ROLL_HOURS) * 3_600_000L;
    Long flushMs = values.getLong(LOG_FLUSH_INTERVAL_MS);
    TimestampType timestampType =
        "LogAppendTime".equals(values.getString(LOG_MESSAGE_TIMESTAMP_TYPE))
            ? TimestampType.LOG_APPEND_TIME
            : TimestampType.CREATE_TIME;
    return new LogConfig(
            values.getInt(LOG_SEGMENT_BYTES),
            segmentMs,
            values.getInt(LOG_INDEX_SIZE_MAX_BYTES),
            values.getInt(LOG_INDEX_INTERVAL_BYTES),
            retentionMs(),
            values.getLong(LOG_RETENTION_BYTES),
            values.getInt(MESSAGE_MAX_BYTES),
            timestampType,
            fsyncBeforeAck() ? DurabilityMode.FSYNC_BEFORE_ACK : DurabilityMode.INTERVAL,
            values.getLong(LOG_FLUSH_INTERVAL_MESSAGES),
            flushMs != null ? flushMs : Long.MAX_VALUE,
            values.getLong(LOG_SEGMENT_DELETE_DELAY_MS))
        .withCleanupPolicy(CleanupPolicy.fromKafka(values.getList(LOG_CLEANUP_POLICY)))
        .withDeleteRetentionMs(values.getLong(LOG_CLEANER_DELETE_RETENTION_MS))
        .withMinCleanableDirtyRatio(values.getDouble(LOG_CLEANER_MIN_CLEANABLE_RATIO))
        .withCompactionLags(
            values.getLong(LOG_CLEANER_MIN_COMPACTION_LAG_MS),
            values.getLong(LOG_CLEANER_MAX_COMPACTION_LAG_MS));
  }

  /** Whether the log cleaner compacts topics whose cleanup.policy includes compact. */
  public boolean logCleanerEnable() {
    return values.getBoolean(LOG_CLEANER_ENABLE);
  }

  public long logCleanerBackoffMs() {
    return values.getLong(LOG_CLEANER_BACKOFF_MS);
  }

  private long retentionMs() {
    Long ms = values.getLong(LOG_RETENTION_MS);
    if (ms != null) {
      return ms < 0 ? -1 : ms;
    }
    Integer minutes = values.getInt(LOG_RETENTION_MINUTES);
    if (minutes != null) {
      return minutes < 0 ? -1 : minutes * 60_000L;
    }
    int hours = values.getInt(LOG_RETENTION_HOURS);
    return hours < 0 ? -1 : hours * 3_600_000L;
  }

  public int offsetsTopicPartitions() {
    return values.getInt(OFFSETS_TOPIC_NUM_PARTITIONS);
  }

  public int groupInitialRebalanceDelayMs() {
    return values.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS);
  }

  public int groupMinSessionTimeoutMs() {
    return values.getInt(GROUP_MIN_SESSION_TIMEOUT_MS);
  }

  public int groupMaxSessionTimeoutMs() {
    return values.getInt(GROUP_MAX_SESSION_TIMEOUT_MS);
  }

  public int groupMaxSize() {
    return values.getInt(GROUP_MAX_SIZE);
  }

  public long offsetsRetentionMs() {
    return values.getInt(OFFSETS_RETENTION_MINUTES) * 60_000L;
  }

  public long offsetsRetentionCheckIntervalMs() {
    return values.getLong(OFFSETS_RETENTION_CHECK_INTERVAL_MS);
  }

  public int offsetMetadataMaxBytes() {
    return values.getInt(OFFSET_METADATA_MAX_BYTES);
  }
}
