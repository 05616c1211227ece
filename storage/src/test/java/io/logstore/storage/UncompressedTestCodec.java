package io.logstore.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A {@link RecordBatchCodec} for uncompressed v2 batches, for storage tests (the real one lives in
 * the broker on top of kafka-clients). Follows Kafka's {@code MemoryRecords.filterTo}: unchanged
 * batches are copied, others rebuilt with the kept records, a delete horizon is set on retained
 * batches holding tombstones.
 */
final class UncompressedTestCodec implements RecordBatchCodec {

  /** A decoded record, with the raw bytes after its length prefix. */
  private record Decoded(RecordInfo info, byte[] key, byte[] value, byte[] headers) {}

  /** A record as tests see it; value null for a tombstone. */
  record KeyValue(long offset, String key, String value) {}

  /** Every record of {@code batches}, in order. */
  static List<KeyValue> records(ByteBuffer batches) {
    List<KeyValue> out = new ArrayList<>();
    int pos = batches.position();
    while (pos < batches.limit()) {
      RecordBatchHeader h = RecordBatchHeader.parse(batches, pos);
      for (Decoded d : decode(batches, pos, h)) {
        out.add(
            new KeyValue(
                d.info().offset(),
                d.key() == null ? null : new String(d.key(), StandardCharsets.UTF_8),
                d.value() == null ? null : new String(d.value(), StandardCharsets.UTF_8)));
      }
      pos += h.sizeInBytes();
    }
    return out;
  }

  @Override
  public void forEachRecord(ByteBuffer batches, RecordVisitor visitor) {
    int pos = batches.position();
    while (pos < batches.limit()) {
      RecordBatchHeader h = RecordBatchHeader.parse(batches, pos);
      BatchInfo info = info(h);
      for (Decoded d : decode(batches, pos, h)) {
        visitor.visit(info, d.info());
      }
      pos += h.sizeInBytes();
    }
  }

  @Override
  public ByteBuffer filter(
      ByteBuffer batches, long nowMs, long deleteRetentionMs, RecordFilter filter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = batches.position();
    while (pos < batches.limit()) {
      RecordBatchHeader h = RecordBatchHeader.parse(batches, pos);
      BatchInfo info = info(h);
      List<Decoded> all = decode(batches, pos, h);
      List<Decoded> kept = new ArrayList<>();
      boolean tombstones = false;
      for (Decoded d : all) {
        if (filter.keep(info, d.info())) {
          kept.add(d);
          tombstones |= d.info().valueIsNull();
        }
      }
      boolean setHorizon = (tombstones || h.isControl()) && !info.hasDeleteHorizon();
      if (kept.size() == all.size() && !kept.isEmpty() && !setHorizon) {
        byte[] copy = new byte[h.sizeInBytes()];
        batches.get(pos, copy);
        out.writeBytes(copy);
      } else if (!kept.isEmpty()) {
        long horizon = setHorizon ? nowMs + deleteRetentionMs : info.deleteHorizonMs();
        out.writeBytes(rebuild(h, kept, horizon));
      } else if (filter.retainEmptyBatch(info)) {
        out.writeBytes(rebuild(h, kept, -1L));
      }
      pos += h.sizeInBytes();
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private static BatchInfo info(RecordBatchHeader h) {
    return new BatchInfo(
        h.baseOffset(),
        h.lastOffset(),
        h.producerId(),
        h.producerEpoch(),
        h.isControl(),
        h.isTransactional(),
        h.deleteHorizonMs());
  }

  private static List<Decoded> decode(ByteBuffer batches, int pos, RecordBatchHeader h) {
    ByteBuffer b = batches.duplicate();
    b.position(pos + RecordBatchHeader.HEADER_SIZE).limit(pos + h.sizeInBytes());
    List<Decoded> records = new ArrayList<>();
    for (int i = 0; i < h.recordCount(); i++) {
      int length = readVarint(b);
      int end = b.position() + length;
      b.get(); // attributes
      long timestamp = h.baseTimestamp() + readVarlong(b);
      long offset = h.baseOffset() + readVarint(b);
      byte[] key = readBytes(b);
      byte[] value = readBytes(b);
      byte[] headers = new byte[end - b.position()];
      b.get(headers);
      ByteBuffer keyView = key == null ? null : ByteBuffer.wrap(key).asReadOnlyBuffer();
      records.add(
          new Decoded(
              new RecordInfo(offset, timestamp, keyView, value == null), key, value, headers));
    }
    return records;
  }

  private static byte[] rebuild(RecordBatchHeader h, List<Decoded> kept, long horizonMs) {
    long baseTimestamp = horizonMs >= 0 ? horizonMs : h.baseTimestamp();
    long maxTimestamp = kept.isEmpty() ? h.maxTimestamp() : -1L;
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (Decoded d : kept) {
      maxTimestamp = Math.max(maxTimestamp, d.info().timestamp());
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(0);
      TestBatches.writeVarlong(body, d.info().timestamp() - baseTimestamp);
      TestBatches.writeVarint(body, (int) (d.info().offset() - h.baseOffset()));
      writeBytes(body, d.key());
      writeBytes(body, d.value());
      body.writeBytes(d.headers());
      TestBatches.writeVarint(records, body.size());
      records.writeBytes(body.toByteArray());
    }
    byte[] recordBytes = records.toByteArray();
    int lastOffsetDelta =
        kept.isEmpty()
            ? h.lastOffsetDelta()
            : (int) (kept.get(kept.size() - 1).info().offset() - h.baseOffset());
    int attributes = h.attributes() & ~RecordBatchHeader.DELETE_HORIZON_BIT;
    if (horizonMs >= 0) {
      attributes |= RecordBatchHeader.DELETE_HORIZON_BIT;
    }
    ByteBuffer buf = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE + recordBytes.length);
    buf.putLong(h.baseOffset())
        .putInt(RecordBatchHeader.HEADER_SIZE - 12 + recordBytes.length)
        .putInt(h.partitionLeaderEpoch())
        .put(RecordBatchHeader.MAGIC_V2)
        .putInt(0)
        .putShort((short) attributes)
        .putInt(lastOffsetDelta)
        .putLong(baseTimestamp)
        .putLong(maxTimestamp)
        .putLong(h.producerId())
        .putShort(h.producerEpoch())
        .putInt(h.baseSequence())
        .putInt(kept.size())
        .put(recordBytes);
    CRC32C crc = new CRC32C();
    crc.update(
        buf.array(),
        RecordBatchHeader.ATTRIBUTES_OFFSET,
        buf.capacity() - RecordBatchHeader.ATTRIBUTES_OFFSET);
    buf.putInt(RecordBatchHeader.CRC_OFFSET, (int) crc.getValue());
    return buf.array();
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    TestBatches.writeVarint(out, bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      out.writeBytes(bytes);
    }
  }

  private static byte[] readBytes(ByteBuffer b) {
    int length = readVarint(b);
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return bytes;
  }

  private static int readVarint(ByteBuffer b) {
    return (int) readVarlong(b);
  }

  private static long readVarlong(ByteBuffer b) {
    long raw = 0;
    int shift = 0;
    byte current;
    do {
      current = b.get();
      raw |= (long) (current & 0x7f) << shift;
      shift += 7;
    } while ((current & 0x80) != 0);
    return (raw >>> 1) ^ -(raw & 1);
  }
}
