package io.logstore.coordinator.group;

import io.logstore.coordinator.group.CoordinatorRecord.GroupMetadata;
import io.logstore.coordinator.group.CoordinatorRecord.GroupSnapshot;
import io.logstore.coordinator.group.CoordinatorRecord.MemberSnapshot;
import io.logstore.coordinator.group.CoordinatorRecord.OffsetCommit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte layout of the records in {@code __consumer_offsets} (big-endian; strings are an int16
 * length, -1 for null, then UTF-8; bytes are an int32 length, -1 for null, then the bytes).
 *
 * <pre>
 * offset commit key:   int16 type=1, string group, string topic, int32 partition
 * offset commit value: int16 version=0, int64 offset, int32 leaderEpoch, string metadata,
 *                      int64 commitTimestampMs
 * group key:           int16 type=2, string group
 * group value:         int16 version=0, string protocolType, int32 generationId,
 *                      string protocolName, string leaderId, int64 currentStateTimestampMs,
 *                      int32 memberCount, then per member: string memberId,
 *                      string groupInstanceId, string clientId, string clientHost,
 *                      int32 rebalanceTimeoutMs, int32 sessionTimeoutMs,
 *                      bytes subscription, bytes assignment
 * </pre>
 *
 * A record with no value is a tombstone. The key type numbers match Kafka's (1 offset, 2 group);
 * the layouts are LogStore's own. Unknown key types or value versions fail with {@link
 * IllegalStateException}: a newer broker's data must not be half-understood.
 */
public final class GroupRecordCodec {
  static final short OFFSET_KEY_TYPE = 1;
  static final short GROUP_KEY_TYPE = 2;
  static final short VALUE_VERSION = 0;

  private GroupRecordCodec() {}

  /** The record's key bytes. */
  public static byte[] key(CoordinatorRecord record) {
    Writer w = new Writer();
    if (record instanceof OffsetCommit o) {
      w.int16(OFFSET_KEY_TYPE);
      w.string(o.groupId());
      w.string(o.topic());
      w.int32(o.partition());
    } else {
      w.int16(GROUP_KEY_TYPE);
      w.string(record.groupId());
    }
    return w.toBytes();
  }

  /** The record's value bytes, null for a tombstone. */
  public static byte[] value(CoordinatorRecord record) {
    if (record instanceof OffsetCommit o) {
      return o.value() == null ? null : offsetValue(o.value());
    }
    GroupSnapshot snapshot = ((GroupMetadata) record).value();
    return snapshot == null ? null : groupValue(snapshot);
  }

  private static byte[] offsetValue(OffsetAndMetadata v) {
    Writer w = new Writer();
    w.int16(VALUE_VERSION);
    w.int64(v.offset());
    w.int32(v.leaderEpoch());
    w.string(v.metadata());
    w.int64(v.commitTimestampMs());
    return w.toBytes();
  }

  private static byte[] groupValue(GroupSnapshot g) {
    Writer w = new Writer();
    w.int16(VALUE_VERSION);
    w.string(g.protocolType());
    w.int32(g.generationId());
    w.string(g.protocolName());
    w.string(g.leaderId());
    w.int64(g.currentStateTimestampMs());
    w.int32(g.members().size());
    for (MemberSnapshot m : g.members()) {
      w.string(m.memberId());
      w.string(m.groupInstanceId());
      w.string(m.clientId());
      w.string(m.clientHost());
      w.int32(m.rebalanceTimeoutMs());
      w.int32(m.sessionTimeoutMs());
      w.bytes(m.subscription());
      w.bytes(m.assignment());
    }
    return w.toBytes();
  }

  /** Decodes a record read from the log; {@code value} is null for a tombstone. */
  public static CoordinatorRecord decode(ByteBuffer key, ByteBuffer value) {
    if (key == null) {
      throw new IllegalStateException("__consumer_offsets record without a key");
    }
    ByteBuffer k = key.duplicate();
    short type = k.getShort();
    switch (type) {
      case OFFSET_KEY_TYPE -> {
        String group = readString(k);
        String topic = readString(k);
        int partition = k.getInt();
        return new OffsetCommit(group, topic, partition, value == null ? null : offset(value));
      }
      case GROUP_KEY_TYPE -> {
        String group = readString(k);
        return new GroupMetadata(group, value == null ? null : group(value));
      }
      default -> throw new IllegalStateException("unknown __consumer_offsets key type " + type);
    }
  }

  private static OffsetAndMetadata offset(ByteBuffer value) {
    ByteBuffer v = value.duplicate();
    checkVersion(v.getShort(), "offset commit");
    return new OffsetAndMetadata(v.getLong(), v.getInt(), readString(v), v.getLong());
  }

  private static GroupSnapshot group(ByteBuffer value) {
    ByteBuffer v = value.duplicate();
    checkVersion(v.getShort(), "group metadata");
    String protocolType = readString(v);
    int generation = v.getInt();
    String protocol = readString(v);
    String leader = readString(v);
    long stateTimestamp = v.getLong();
    int count = v.getInt();
    List<MemberSnapshot> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      members.add(
          new MemberSnapshot(
              readString(v),
              readString(v),
              readString(v),
              readString(v),
              v.getInt(),
              v.getInt(),
              readBytes(v),
              readBytes(v)));
    }
    return new GroupSnapshot(protocolType, generation, protocol, leader, stateTimestamp, members);
  }

  private static void checkVersion(short version, String what) {
    if (version != VALUE_VERSION) {
      throw new IllegalStateException("unknown " + what + " value version " + version);
    }
  }

  private static String readString(ByteBuffer b) {
    short length = b.getShort();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return bytes;
  }

  /** A growable big-endian buffer. */
  private static final class Writer {
    private ByteBuffer buf = ByteBuffer.allocate(128);

    private void ensure(int n) {
      if (buf.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    void int16(short v) {
      ensure(2);
      buf.putShort(v);
    }

    void int32(int v) {
      ensure(4);
      buf.putInt(v);
    }

    void int64(long v) {
      ensure(8);
      buf.putLong(v);
    }

    void string(String s) {
      if (s == null) {
        int16((short) -1);
        return;
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > Short.MAX_VALUE) {
        throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long");
      }
      int16((short) bytes.length);
      ensure(bytes.length);
      buf.put(bytes);
    }

    void bytes(byte[] bytes) {
      if (bytes == null) {
        int32(-1);
        return;
      }
      int32(bytes.length);
      ensure(bytes.length);
      buf.put(bytes);
    }

    byte[] toBytes() {
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return out;
    }
  }
}
