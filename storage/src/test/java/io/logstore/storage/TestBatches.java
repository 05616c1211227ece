package io.logstore.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Hand-encodes uncompressed magic v2 record batches for tests (no kafka-clients here). */
final class TestBatches {
  private long producerId = -1L;
  private short producerEpoch = -1;
  private int baseSequence = -1;
  private long timestampMs = 1_000L;
  private byte magic = 2;
  private final List<byte[]> values = new ArrayList<>();
  private final List<byte[]> keys = new ArrayList<>();

  static TestBatches batch(String... values) {
    TestBatches b = new TestBatches();
    for (String v : values) {
      b.values.add(v.getBytes(StandardCharsets.UTF_8));
    }
    return b;
  }

  /**
   * A batch of keyed records from {@code key, value, key, value, ...}; a null value is a tombstone.
   */
  static TestBatches keyed(String... keysAndValues) {
    TestBatches b = new TestBatches();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.keys.add(keysAndValues[i].getBytes(StandardCharsets.UTF_8));
      String v = keysAndValues[i + 1];
      b.values.add(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }
    return b;
  }

  /** A batch of {@code count} records of {@code valueBytes} bytes each. */
  static TestBatches sized(int count, int valueBytes) {
    TestBatches b = new TestBatches();
    for (int i = 0; i < count; i++) {
      b.values.add(new byte[valueBytes]);
    }
    return b;
  }

  TestBatches producer(long id, int epoch, int sequence) {
    this.producerId = id;
    this.producerEpoch = (short) epoch;
    this.baseSequence = sequence;
    return this;
  }

  TestBatches timestamp(long ms) {
    this.timestampMs = ms;
    return this;
  }

  TestBatches magic(int value) {
    this.magic = (byte) value;
    return this;
  }

  ByteBuffer build() {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int i = 0; i < values.size(); i++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(0); // attributes
      writeVarlong(body, 0); // timestampDelta
      writeVarint(body, i); // offsetDelta
      byte[] key = i < keys.size() ? keys.get(i) : null;
      writeVarint(body, key == null ? -1 : key.length);
      if (key != null) {
        body.writeBytes(key);
      }
      byte[] value = values.get(i);
      writeVarint(body, value == null ? -1 : value.length);
      if (value != null) {
        body.writeBytes(value);
      }
      writeVarint(body, 0); // headers
      writeVarint(records, body.size());
      records.writeBytes(body.toByteArray());
    }
    byte[] recordBytes = records.toByteArray();
    ByteBuffer buf = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE + recordBytes.length);
    buf.putLong(0L)
        .putInt(RecordBatchHeader.HEADER_SIZE - 12 + recordBytes.length)
        .putInt(-1)
        .put(magic)
        .putInt(0)
        .putShort((short) 0)
        .putInt(values.size() - 1)
        .putLong(timestampMs)
        .putLong(timestampMs)
        .putLong(producerId)
        .putShort(producerEpoch)
        .putInt(baseSequence)
        .putInt(values.size())
        .put(recordBytes);
    CRC32C crc = new CRC32C();
    crc.update(
        buf.array(),
        RecordBatchHeader.ATTRIBUTES_OFFSET,
        buf.capacity() - RecordBatchHeader.ATTRIBUTES_OFFSET);
    buf.putInt(RecordBatchHeader.CRC_OFFSET, (int) crc.getValue());
    return buf.flip();
  }

  static ByteBuffer concat(ByteBuffer... parts) {
    int size = 0;
    for (ByteBuffer p : parts) {
      size += p.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (ByteBuffer p : parts) {
      out.put(p.duplicate());
    }
    return out.flip();
  }

  static void writeVarint(ByteArrayOutputStream out, int value) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  static void writeVarlong(ByteArrayOutputStream out, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
