package io.logstore.replication.metadata;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataImage.TopicImage;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.ReassignmentRecord;
import io.logstore.replication.metadata.MetadataRecord.RemoveTopicRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicConfigRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The binary form of one metadata log entry (a batch of {@link MetadataRecord}s committed together
 * as one Raft entry) and of a whole {@link MetadataImage} (a snapshot). Stateless and thread-safe.
 *
 * <p>Both start with the same header, big-endian:
 *
 * <table>
 *   <caption>Header</caption>
 *   <tr><th>field</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>magic</td><td>int32</td><td>{@code 0x4C534D44} ("LSMD")</td></tr>
 *   <tr><td>version</td><td>int16</td><td>format version, {@value #VERSION}</td></tr>
 *   <tr><td>crc</td><td>uint32</td><td>CRC-32C of every byte after this field (kind, length,
 *       payload)</td></tr>
 *   <tr><td>kind</td><td>int8</td><td>1 = record batch (log entry), 2 = image (snapshot), 3 =
 *       controller command (log entry), 4 = command outcome (reply to the submitter)</td></tr>
 *   <tr><td>length</td><td>int32</td><td>payload bytes; the header plus payload is the whole
 *       buffer</td></tr>
 *   <tr><td>payload</td><td>length bytes</td><td>below</td></tr>
 * </table>
 *
 * <p>Primitive types: {@code string} is an int32 byte length (-1 for null) then that many UTF-8
 * bytes; {@code uuid} is two int64 (most, then least significant bits); {@code int32[]} is an int32
 * count then the values; {@code map} is an int32 count then the entries.
 *
 * <table>
 *   <caption>Payloads and records</caption>
 *   <tr><th>what</th><th>layout</th></tr>
 *   <tr><td>record batch payload</td><td>count int32, then count records</td></tr>
 *   <tr><td>record</td><td>type int8, then the body of that type</td></tr>
 *   <tr><td>1 BrokerRecord</td><td>brokerId int32, brokerEpoch int64, host string, port int32,
 *       state int8 (0 FENCED, 1 ACTIVE, 2 CONTROLLED_SHUTDOWN)</td></tr>
 *   <tr><td>2 TopicRecord</td><td>name string, topicId uuid</td></tr>
 *   <tr><td>3 PartitionRecord</td><td>topicId uuid, partition int32, replicas int32[], isr
 *       int32[], leader int32, leaderEpoch int32, partitionEpoch int32</td></tr>
 *   <tr><td>4 RemoveTopicRecord</td><td>topicId uuid</td></tr>
 *   <tr><td>5 TopicConfigRecord</td><td>topicName string, key string, value string (null =
 *       removed)</td></tr>
 *   <tr><td>6 ReassignmentRecord</td><td>topicId uuid, partition int32, adding int32[], removing
 *       int32[] (both empty: none in progress)</td></tr>
 *   <tr><td>command payload</td><td>type int8, then: 1 RegisterBroker (brokerId int32,
 *       brokerEpoch int64, host string, port int32); 2 FenceBroker and 3 ControlledShutdown
 *       (brokerId int32, brokerEpoch int64); 4 AlterPartition (brokerId int32, topicId uuid,
 *       partition int32, leaderEpoch int32, partitionEpoch int32, newIsr int32[]); 5 CreateTopic
 *       (name string, topicId uuid, partitions int32, replicationFactor int32, configCount int32,
 *       then configCount (key string, value string), then only when replicas were assigned by the
 *       request: count int32, then count int32[]); 6 DeleteTopic
 *       (topicId uuid); 7 ElectPreferredLeader (topicId uuid, partition int32); 8 CreatePartitions
 *       (topicId uuid, newCount int32, then only when replicas were assigned: count int32, then
 *       count int32[]); 9 AlterTopicConfigs (topicName string, count int32, then
 *       count (key string, value string)); 10 ElectUncleanLeader (topicId uuid, partition int32);
 *       11 BalanceLeaders (no body); 12 AlterReassignment (topicId uuid, partition int32, target
 *       int32[], empty = cancel)</td></tr>
 *   <tr><td>outcome payload</td><td>error string (a ReplicationError name), hasState int8, the
 *       PartitionRecord body if hasState is 1, count int32, then count records</td></tr>
 *   <tr><td>image payload</td><td>offset int64; brokers: map of BrokerRecord bodies; topics: map of
 *       (name string, topicId uuid, partitions: map of PartitionRecord bodies, configs: map of (key
 *       string, value string)); topicIdsByName: map of (name string, topicId uuid);
 *       configsByTopicName: map of (name string, map of (key string, value string)); then, only
 *       when some are in progress, reassignments: count int32, then count ReassignmentRecord
 *       bodies</td></tr>
 * </table>
 *
 * <p>Decoding checks the header first (magic, version, length, CRC, kind), then parses the payload
 * and requires it to be consumed exactly; any failure is a {@link CorruptMetadataException}.
 */
public final class MetadataRecordSerde {
  static final int MAGIC = 0x4C534D44;
  static final short VERSION = 1;
  static final int HEADER_BYTES = 4 + 2 + 4 + 1 + 4;
  private static final int CRC_OFFSET = 6;
  private static final int CRC_COVERED_FROM = 10;
  private static final byte KIND_RECORDS = 1;
  private static final byte KIND_IMAGE = 2;
  private static final byte KIND_COMMAND = 3;
  private static final byte KIND_OUTCOME = 4;

  private static final byte COMMAND_REGISTER_BROKER = 1;
  private static final byte COMMAND_FENCE_BROKER = 2;
  private static final byte COMMAND_CONTROLLED_SHUTDOWN = 3;
  private static final byte COMMAND_ALTER_PARTITION = 4;
  private static final byte COMMAND_CREATE_TOPIC = 5;
  private static final byte COMMAND_DELETE_TOPIC = 6;
  private static final byte COMMAND_ELECT_PREFERRED = 7;
  private static final byte COMMAND_CREATE_PARTITIONS = 8;
  private static final byte COMMAND_ALTER_TOPIC_CONFIGS = 9;
  private static final byte COMMAND_ELECT_UNCLEAN = 10;
  private static final byte COMMAND_BALANCE_LEADERS = 11;
  private static final byte COMMAND_ALTER_REASSIGNMENT = 12;

  private static final byte TYPE_BROKER = 1;
  private static final byte TYPE_TOPIC = 2;
  private static final byte TYPE_PARTITION = 3;
  private static final byte TYPE_REMOVE_TOPIC = 4;
  private static final byte TYPE_TOPIC_CONFIG = 5;
  private static final byte TYPE_REASSIGNMENT = 6;

  private MetadataRecordSerde() {}

  /** Encodes one log entry: the records, in order. */
  public static byte[] encodeRecords(List<MetadataRecord> records) {
    Writer w = new Writer();
    w.header(KIND_RECORDS);
    w.int32(records.size());
    for (MetadataRecord record : records) {
      writeRecord(w, record);
    }
    return w.finish();
  }

  /**
   * Decodes one log entry encoded by {@link #encodeRecords}. Reads {@code buf}'s remaining bytes.
   */
  public static List<MetadataRecord> decodeRecords(ByteBuffer buf) throws CorruptMetadataException {
    Reader r = open(buf, KIND_RECORDS);
    try {
      int count = r.count();
      List<MetadataRecord> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        records.add(readRecord(r));
      }
      r.requireEnd();
      return List.copyOf(records);
    } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptMetadataException("record batch does not parse: " + e, e);
    }
  }

  /** Whether a log entry (header already written by this class) holds a controller command. */
  public static boolean isCommand(ByteBuffer buf) {
    return buf.remaining() >= HEADER_BYTES
        && buf.getInt(buf.position()) == MAGIC
        && buf.get(buf.position() + CRC_COVERED_FROM) == KIND_COMMAND;
  }

  /** Encodes one log entry holding a controller command. */
  public static byte[] encodeCommand(ControllerCommand command) {
    Writer w = new Writer();
    w.header(KIND_COMMAND);
    if (command instanceof ControllerCommand.RegisterBroker c) {
      w.int8(COMMAND_REGISTER_BROKER);
      w.int32(c.brokerId());
      w.int64(c.brokerEpoch());
      w.string(c.host());
      w.int32(c.port());
    } else if (command instanceof ControllerCommand.FenceBroker c) {
      w.int8(COMMAND_FENCE_BROKER);
      w.int32(c.brokerId());
      w.int64(c.brokerEpoch());
    } else if (command instanceof ControllerCommand.ControlledShutdown c) {
      w.int8(COMMAND_CONTROLLED_SHUTDOWN);
      w.int32(c.brokerId());
      w.int64(c.brokerEpoch());
    } else if (command instanceof ControllerCommand.AlterPartition c) {
      w.int8(COMMAND_ALTER_PARTITION);
      w.int32(c.brokerId());
      w.uuid(c.topicId());
      w.int32(c.partition());
      w.int32(c.leaderEpoch());
      w.int32(c.partitionEpoch());
      w.int32List(c.newIsr());
    } else if (command instanceof ControllerCommand.CreateTopic c) {
      w.int8(COMMAND_CREATE_TOPIC);
      w.string(c.name());
      w.uuid(c.topicId());
      w.int32(c.partitions());
      w.int32(c.replicationFactor());
      w.stringMap(c.configs());
      w.assignments(c.assignments());
    } else if (command instanceof ControllerCommand.DeleteTopic c) {
      w.int8(COMMAND_DELETE_TOPIC);
      w.uuid(c.topicId());
    } else if (command instanceof ControllerCommand.CreatePartitions c) {
      w.int8(COMMAND_CREATE_PARTITIONS);
      w.uuid(c.topicId());
      w.int32(c.newCount());
      w.assignments(c.assignments());
    } else if (command instanceof ControllerCommand.AlterTopicConfigs c) {
      w.int8(COMMAND_ALTER_TOPIC_CONFIGS);
      w.string(c.topicName());
      w.stringMap(c.configs());
    } else if (command instanceof ControllerCommand.ElectPreferredLeader c) {
      w.int8(COMMAND_ELECT_PREFERRED);
      w.uuid(c.topicId());
      w.int32(c.partition());
    } else if (command instanceof ControllerCommand.ElectUncleanLeader c) {
      w.int8(COMMAND_ELECT_UNCLEAN);
      w.uuid(c.topicId());
      w.int32(c.partition());
    } else if (command instanceof ControllerCommand.BalanceLeaders) {
      w.int8(COMMAND_BALANCE_LEADERS);
    } else if (command instanceof ControllerCommand.AlterReassignment c) {
      w.int8(COMMAND_ALTER_REASSIGNMENT);
      w.uuid(c.topicId());
      w.int32(c.partition());
      w.int32List(c.targetReplicas());
    } else {
      throw new IllegalStateException("unknown command " + command.getClass());
    }
    return w.finish();
  }

  /** Decodes a log entry encoded by {@link #encodeCommand}. */
  public static ControllerCommand decodeCommand(ByteBuffer buf) throws CorruptMetadataException {
    Reader r = open(buf, KIND_COMMAND);
    try {
      byte type = r.int8();
      ControllerCommand command;
      switch (type) {
        case COMMAND_REGISTER_BROKER:
          command =
              new ControllerCommand.RegisterBroker(r.int32(), r.int64(), r.string(), r.int32());
          break;
        case COMMAND_FENCE_BROKER:
          command = new ControllerCommand.FenceBroker(r.int32(), r.int64());
          break;
        case COMMAND_CONTROLLED_SHUTDOWN:
          command = new ControllerCommand.ControlledShutdown(r.int32(), r.int64());
          break;
        case COMMAND_ALTER_PARTITION:
          command =
              new ControllerCommand.AlterPartition(
                  r.int32(), r.uuid(), r.int32(), r.int32(), r.int32(), r.int32List());
          break;
        case COMMAND_CREATE_TOPIC:
          {
            String name = r.string();
            UUID topicId = r.uuid();
            int partitions = r.int32();
            int replicationFactor = r.int32();
            Map<String, String> configs = r.stringMap();
            command =
                new ControllerCommand.CreateTopic(
                    name, topicId, partitions, replicationFactor, configs, r.assignments());
          }
          break;
        case COMMAND_DELETE_TOPIC:
          command = new ControllerCommand.DeleteTopic(r.uuid());
          break;
        case COMMAND_CREATE_PARTITIONS:
          command = new ControllerCommand.CreatePartitions(r.uuid(), r.int32(), r.assignments());
          break;
        case COMMAND_ALTER_TOPIC_CONFIGS:
          {
            String name = r.string();
            Map<String, String> configs = r.stringMap();
            command = new ControllerCommand.AlterTopicConfigs(name, configs);
          }
          break;
        case COMMAND_ELECT_PREFERRED:
          command = new ControllerCommand.ElectPreferredLeader(r.uuid(), r.int32());
          break;
        case COMMAND_ELECT_UNCLEAN:
          command = new ControllerCommand.ElectUncleanLeader(r.uuid(), r.int32());
          break;
        case COMMAND_BALANCE_LEADERS:
          command = new ControllerCommand.BalanceLeaders();
          break;
        case COMMAND_ALTER_REASSIGNMENT:
          command = new ControllerCommand.AlterReassignment(r.uuid(), r.int32(), r.int32List());
          break;
        default:
          throw new IllegalArgumentException("unknown command type " + type);
      }
      r.requireEnd();
      return command;
    } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptMetadataException("command does not parse: " + e, e);
    }
  }

  /**
   * Encodes a command's outcome as the reply to its submitter: the error name, then whether a
   * partition state follows and that state, then the records.
   */
  public static byte[] encodeOutcome(CommandOutcome outcome) {
    Writer w = new Writer();
    w.header(KIND_OUTCOME);
    w.string(outcome.error().name());
    w.int8((byte) (outcome.state() == null ? 0 : 1));
    if (outcome.state() != null) {
      writePartition(w, outcome.state());
    }
    w.int32(outcome.records().size());
    for (MetadataRecord record : outcome.records()) {
      writeRecord(w, record);
    }
    return w.finish();
  }

  /** Decodes a reply encoded by {@link #encodeOutcome}. */
  public static CommandOutcome decodeOutcome(ByteBuffer buf) throws CorruptMetadataException {
    Reader r = open(buf, KIND_OUTCOME);
    try {
      ReplicationError error = ReplicationError.valueOf(r.string());
      PartitionRecord state = r.int8() == 0 ? null : readPartition(r);
      int count = r.count();
      List<MetadataRecord> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        records.add(readRecord(r));
      }
      r.requireEnd();
      return new CommandOutcome(records, error, state);
    } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptMetadataException("command outcome does not parse: " + e, e);
    }
  }

  /** Encodes a whole image (a snapshot). */
  public static byte[] encodeImage(MetadataImage image) {
    Writer w = new Writer();
    w.header(KIND_IMAGE);
    w.int64(image.offset());
    w.int32(image.brokers().size());
    for (BrokerRecord b : image.brokers().values()) {
      writeBroker(w, b);
    }
    w.int32(image.topicsById().size());
    for (TopicImage t : image.topicsById().values()) {
      w.string(t.name());
      w.uuid(t.topicId());
      w.int32(t.partitions().size());
      for (PartitionRecord p : t.partitions().values()) {
        writePartition(w, p);
      }
      writeStringMap(w, t.configs());
    }
    w.int32(image.topicIdsByName().size());
    for (Map.Entry<String, UUID> e : image.topicIdsByName().entrySet()) {
      w.string(e.getKey());
      w.uuid(e.getValue());
    }
    w.int32(image.configsByTopicName().size());
    for (Map.Entry<String, Map<String, String>> e : image.configsByTopicName().entrySet()) {
      w.string(e.getKey());
      writeStringMap(w, e.getValue());
    }
    List<ReassignmentRecord> running = new ArrayList<>();
    for (TopicImage t : image.topicsById().values()) {
      running.addAll(t.reassignments().values());
    }
    if (!running.isEmpty()) {
      // Optional trailing section: an image without reassignments keeps the earlier layout.
      w.int32(running.size());
      for (ReassignmentRecord r : running) {
        writeReassignment(w, r);
      }
    }
    return w.finish();
  }

  /** Decodes an image encoded by {@link #encodeImage}. Reads {@code buf}'s remaining bytes. */
  public static MetadataImage decodeImage(ByteBuffer buf) throws CorruptMetadataException {
    Reader r = open(buf, KIND_IMAGE);
    try {
      long offset = r.int64();
      Map<Integer, BrokerRecord> brokers = new HashMap<>();
      for (int i = r.count(); i > 0; i--) {
        BrokerRecord b = readBroker(r);
        brokers.put(b.brokerId(), b);
      }
      Map<UUID, TopicImage> topics = new HashMap<>();
      for (int i = r.count(); i > 0; i--) {
        String name = r.string();
        UUID id = r.uuid();
        Map<Integer, PartitionRecord> partitions = new HashMap<>();
        for (int j = r.count(); j > 0; j--) {
          PartitionRecord p = readPartition(r);
          partitions.put(p.partition(), p);
        }
        topics.put(id, new TopicImage(name, id, partitions, readStringMap(r)));
      }
      Map<String, UUID> idsByName = new HashMap<>();
      for (int i = r.count(); i > 0; i--) {
        String name = r.string();
        UUID id = r.uuid();
        if (!topics.containsKey(id)) {
          throw new IllegalArgumentException("topic name " + name + " maps to unknown id " + id);
        }
        idsByName.put(name, id);
      }
      Map<String, Map<String, String>> configs = new HashMap<>();
      for (int i = r.count(); i > 0; i--) {
        configs.put(r.string(), readStringMap(r));
      }
      if (r.hasRemaining()) {
        for (int i = r.count(); i > 0; i--) {
          ReassignmentRecord running = readReassignment(r);
          TopicImage t = topics.get(running.topicId());
          if (t == null) {
            throw new IllegalArgumentException("reassignment of unknown topic " + running);
          }
          Map<Integer, ReassignmentRecord> byPartition = new HashMap<>(t.reassignments());
          byPartition.put(running.partition(), running);
          topics.put(
              t.topicId(),
              new TopicImage(t.name(), t.topicId(), t.partitions(), t.configs(), byPartition));
        }
      }
      r.requireEnd();
      return MetadataImage.restore(offset, brokers, topics, idsByName, configs);
    } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptMetadataException("image does not parse: " + e, e);
    }
  }

  private static Reader open(ByteBuffer input, byte expectedKind) throws CorruptMetadataException {
    ByteBuffer buf = input.slice();
    if (buf.remaining() < HEADER_BYTES) {
      throw new CorruptMetadataException("too short: " + buf.remaining() + " bytes");
    }
    int magic = buf.getInt(0);
    if (magic != MAGIC) {
      throw new CorruptMetadataException("bad magic 0x" + Integer.toHexString(magic));
    }
    short version = buf.getShort(4);
    if (version != VERSION) {
      throw new CorruptMetadataException(
          "unsupported version " + version + ", expected " + VERSION);
    }
    int length = buf.getInt(CRC_COVERED_FROM + 1);
    if (length != buf.remaining() - HEADER_BYTES) {
      throw new CorruptMetadataException(
          "payload length " + length + " but " + (buf.remaining() - HEADER_BYTES) + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().position(CRC_COVERED_FROM));
    int storedCrc = buf.getInt(CRC_OFFSET);
    if ((int) crc.getValue() != storedCrc) {
      throw new CorruptMetadataException(
          "CRC mismatch: stored 0x"
              + Integer.toHexString(storedCrc)
              + ", computed 0x"
              + Integer.toHexString((int) crc.getValue()));
    }
    byte kind = buf.get(CRC_COVERED_FROM);
    if (kind != expectedKind) {
      throw new CorruptMetadataException("kind " + kind + ", expected " + expectedKind);
    }
    return new Reader(buf.position(HEADER_BYTES));
  }

  private static void writeRecord(Writer w, MetadataRecord record) {
    if (record instanceof BrokerRecord r) {
      w.int8(TYPE_BROKER);
      writeBroker(w, r);
    } else if (record instanceof TopicRecord r) {
      w.int8(TYPE_TOPIC);
      w.string(r.name());
      w.uuid(r.topicId());
    } else if (record instanceof PartitionRecord r) {
      w.int8(TYPE_PARTITION);
      writePartition(w, r);
    } else if (record instanceof RemoveTopicRecord r) {
      w.int8(TYPE_REMOVE_TOPIC);
      w.uuid(r.topicId());
    } else if (record instanceof TopicConfigRecord r) {
      w.int8(TYPE_TOPIC_CONFIG);
      w.string(r.topicName());
      w.string(r.key());
      w.string(r.value());
    } else if (record instanceof ReassignmentRecord r) {
      w.int8(TYPE_REASSIGNMENT);
      writeReassignment(w, r);
    } else {
      throw new IllegalStateException("unknown record type " + record.getClass());
    }
  }

  private static MetadataRecord readRecord(Reader r) {
    byte type = r.int8();
    switch (type) {
      case TYPE_BROKER:
        return readBroker(r);
      case TYPE_TOPIC:
        return new TopicRecord(r.string(), r.uuid());
      case TYPE_PARTITION:
        return readPartition(r);
      case TYPE_REMOVE_TOPIC:
        return new RemoveTopicRecord(r.uuid());
      case TYPE_TOPIC_CONFIG:
        return new TopicConfigRecord(r.string(), r.string(), r.string());
      case TYPE_REASSIGNMENT:
        return readReassignment(r);
      default:
        throw new IllegalArgumentException("unknown record type " + type);
    }
  }

  private static void writeBroker(Writer w, BrokerRecord b) {
    w.int32(b.brokerId());
    w.int64(b.brokerEpoch());
    w.string(b.host());
    w.int32(b.port());
    w.int8(stateCode(b.state()));
  }

  private static BrokerRecord readBroker(Reader r) {
    return new BrokerRecord(r.int32(), r.int64(), r.string(), r.int32(), state(r.int8()));
  }

  private static void writePartition(Writer w, PartitionRecord p) {
    w.uuid(p.topicId());
    w.int32(p.partition());
    w.int32List(p.replicas());
    w.int32List(p.isr());
    w.int32(p.leader());
    w.int32(p.leaderEpoch());
    w.int32(p.partitionEpoch());
  }

  private static PartitionRecord readPartition(Reader r) {
    return new PartitionRecord(
        r.uuid(), r.int32(), r.int32List(), r.int32List(), r.int32(), r.int32(), r.int32());
  }

  private static void writeReassignment(Writer w, ReassignmentRecord r) {
    w.uuid(r.topicId());
    w.int32(r.partition());
    w.int32List(r.adding());
    w.int32List(r.removing());
  }

  private static ReassignmentRecord readReassignment(Reader r) {
    return new ReassignmentRecord(r.uuid(), r.int32(), r.int32List(), r.int32List());
  }

  private static void writeStringMap(Writer w, Map<String, String> map) {
    w.int32(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      w.string(e.getKey());
      w.string(e.getValue());
    }
  }

  private static Map<String, String> readStringMap(Reader r) {
    Map<String, String> map = new HashMap<>();
    for (int i = r.count(); i > 0; i--) {
      map.put(r.string(), r.string());
    }
    return map;
  }

  /** Explicit codes, not ordinals: reordering the enum must not change the format. */
  private static byte stateCode(BrokerState state) {
    switch (state) {
      case FENCED:
        return 0;
      case ACTIVE:
        return 1;
      case CONTROLLED_SHUTDOWN:
        return 2;
      default:
        throw new IllegalStateException("unknown broker state " + state);
    }
  }

  private static BrokerState state(byte code) {
    switch (code) {
      case 0:
        return BrokerState.FENCED;
      case 1:
        return BrokerState.ACTIVE;
      case 2:
        return BrokerState.CONTROLLED_SHUTDOWN;
      default:
        throw new IllegalArgumentException("unknown broker state code " + code);
    }
  }

  /** A growable big-endian buffer that knows the header layout. */
  private static final class Writer {
    private ByteBuffer buf = ByteBuffer.allocate(256);

    void header(byte kind) {
      int32(MAGIC);
      int16(VERSION);
      int32(0); // CRC, filled in by finish()
      int8(kind);
      int32(0); // length, filled in by finish()
    }

    byte[] finish() {
      buf.putInt(CRC_COVERED_FROM + 1, buf.position() - HEADER_BYTES);
      CRC32C crc = new CRC32C();
      crc.update(buf.array(), CRC_COVERED_FROM, buf.position() - CRC_COVERED_FROM);
      buf.putInt(CRC_OFFSET, (int) crc.getValue());
      return Arrays.copyOf(buf.array(), buf.position());
    }

    void int8(byte v) {
      ensure(1).put(v);
    }

    void int16(short v) {
      ensure(2).putShort(v);
    }

    void int32(int v) {
      ensure(4).putInt(v);
    }

    void int64(long v) {
      ensure(8).putLong(v);
    }

    void uuid(UUID v) {
      int64(v.getMostSignificantBits());
      int64(v.getLeastSignificantBits());
    }

    /** count int32, then count (key string, value string). */
    void stringMap(Map<String, String> map) {
      int32(map.size());
      map.forEach(
          (k, v) -> {
            string(k);
            string(v);
          });
    }

    void string(String v) {
      if (v == null) {
        int32(-1);
        return;
      }
      byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
      int32(bytes.length);
      ensure(bytes.length).put(bytes);
    }

    void int32List(List<Integer> values) {
      int32(values.size());
      for (int v : values) {
        int32(v);
      }
    }

    /** Optional trailing assignments: nothing when empty (the layout before they existed). */
    void assignments(List<List<Integer>> assignments) {
      if (assignments.isEmpty()) {
        return;
      }
      int32(assignments.size());
      for (List<Integer> replicas : assignments) {
        int32List(replicas);
      }
    }

    private ByteBuffer ensure(int bytes) {
      if (buf.remaining() < bytes) {
        int capacity = Math.max(buf.capacity() * 2, buf.position() + bytes);
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(buf.flip());
        buf = bigger;
      }
      return buf;
    }
  }

  /**
   * Reads the payload; lengths and counts are checked against the bytes left so a corrupt count
   * fails instead of allocating.
   */
  private static final class Reader {
    private final ByteBuffer buf;

    Reader(ByteBuffer buf) {
      this.buf = buf;
    }

    byte int8() {
      return buf.get();
    }

    int int32() {
      return buf.getInt();
    }

    long int64() {
      return buf.getLong();
    }

    UUID uuid() {
      return new UUID(buf.getLong(), buf.getLong());
    }

    /** A count of elements, each at least one byte long. */
    int count() {
      int count = buf.getInt();
      if (count < 0 || count > buf.remaining()) {
        throw new IllegalArgumentException(
            "count " + count + " with " + buf.remaining() + " bytes left");
      }
      return count;
    }

    Map<String, String> stringMap() {
      int count = int32();
      if (count < 0 || count > 10_000) {
        throw new IllegalArgumentException("bad map size " + count);
      }
      Map<String, String> map = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        map.put(string(), string());
      }
      return map;
    }

    String string() {
      int length = buf.getInt();
      if (length == -1) {
        return null;
      }
      if (length < 0 || length > buf.remaining()) {
        throw new IllegalArgumentException(
            "string length " + length + " with " + buf.remaining() + " bytes left");
      }
      byte[] bytes = new byte[length];
      buf.get(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    boolean hasRemaining() {
      return buf.hasRemaining();
    }

    /** Optional trailing assignments: empty when the payload ends here. */
    List<List<Integer>> assignments() {
      if (!buf.hasRemaining()) {
        return List.of();
      }
      int count = count();
      List<List<Integer>> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(int32List());
      }
      return out;
    }

    List<Integer> int32List() {
      int count = count();
      List<Integer> values = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        values.add(buf.getInt());
      }
      return values;
    }

    void requireEnd() {
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException(buf.remaining() + " trailing bytes");
      }
    }
  }
}
