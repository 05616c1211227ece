package io.logstore.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The 61-byte header of a Kafka record batch, magic v2. All fields big-endian.
 *
 * <pre>
 *   @0  baseOffset           int64
 *   @8  batchLength          int32   bytes after this field
 *   @12 partitionLeaderEpoch int32
 *   @16 magic                int8    always 2
 *   @17 crc                  uint32  CRC-32C of bytes @21 .. end of batch
 *   @21 attributes           int16   bits 0-2 codec, 3 timestampType, 4 transactional, 5 control,
 *                                    6 delete horizon in baseTimestamp (set by the log cleaner)
 *   @23 lastOffsetDelta      int32
 *   @27 baseTimestamp        int64
 *   @35 maxTimestamp         int64
 *   @43 producerId           int64
 *   @51 producerEpoch        int16
 *   @53 baseSequence         int32
 *   @57 recordCount          int32
 *   @61 records
 * </pre>
 *
 * <p>baseOffset and partitionLeaderEpoch are outside the CRC, so assigning offsets in place keeps
 * the batch valid; changing attributes or maxTimestamp needs a new CRC.
 */
record RecordBatchHeader(
    long baseOffset,
    int batchLength,
    int partitionLeaderEpoch,
    byte magic,
    int crc,
    short attributes,
    int lastOffsetDelta,
    long baseTimestamp,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount) {

  static final int BASE_OFFSET_OFFSET = 0;
  static final int LENGTH_OFFSET = 8;
  static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
  static final int MAGIC_OFFSET = 16;
  static final int CRC_OFFSET = 17;
  static final int ATTRIBUTES_OFFSET = 21;
  static final int LAST_OFFSET_DELTA_OFFSET = 23;
  static final int BASE_TIMESTAMP_OFFSET = 27;
  static final int MAX_TIMESTAMP_OFFSET = 35;
  static final int PRODUCER_ID_OFFSET = 43;
  static final int PRODUCER_EPOCH_OFFSET = 51;
  static final int BASE_SEQUENCE_OFFSET = 53;
  static final int RECORD_COUNT_OFFSET = 57;
  static final int HEADER_SIZE = 61;

  /** baseOffset + batchLength: the bytes not counted by batchLength. */
  static final int LOG_OVERHEAD = 12;

  static final byte MAGIC_V2 = 2;
  static final int COMPRESSION_MASK = 0x07;
  static final int TIMESTAMP_TYPE_BIT = 0x08;
  static final int TRANSACTIONAL_BIT = 0x10;
  static final int CONTROL_BIT = 0x20;

  /** Kafka's KIP-534 flag: baseTimestamp holds the delete horizon set by the log cleaner. */
  static final int DELETE_HORIZON_BIT = 0x40;

  static final int NO_SEQUENCE = -1;

  /** Parses the header at absolute {@code pos}; the caller made sure 61 bytes are there. */
  static RecordBatchHeader parse(ByteBuffer buf, int pos) {
    return new RecordBatchHeader(
        buf.getLong(pos + BASE_OFFSET_OFFSET),
        buf.getInt(pos + LENGTH_OFFSET),
        buf.getInt(pos + PARTITION_LEADER_EPOCH_OFFSET),
        buf.get(pos + MAGIC_OFFSET),
        buf.getInt(pos + CRC_OFFSET),
        buf.getShort(pos + ATTRIBUTES_OFFSET),
        buf.getInt(pos + LAST_OFFSET_DELTA_OFFSET),
        buf.getLong(pos + BASE_TIMESTAMP_OFFSET),
        buf.getLong(pos + MAX_TIMESTAMP_OFFSET),
        buf.getLong(pos + PRODUCER_ID_OFFSET),
        buf.getShort(pos + PRODUCER_EPOCH_OFFSET),
        buf.getInt(pos + BASE_SEQUENCE_OFFSET),
        buf.getInt(pos + RECORD_COUNT_OFFSET));
  }

  int sizeInBytes() {
    return LOG_OVERHEAD + batchLength;
  }

  long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  long nextOffset() {
    return lastOffset() + 1;
  }

  int compressionCodec() {
    return attributes & COMPRESSION_MASK;
  }

  boolean isLogAppendTime() {
    return (attributes & TIMESTAMP_TYPE_BIT) != 0;
  }

  boolean isTransactional() {
    return (attributes & TRANSACTIONAL_BIT) != 0;
  }

  boolean isControl() {
    return (attributes & CONTROL_BIT) != 0;
  }

  /** The cleaner's delete horizon (KIP-534), or -1 if the batch has none. */
  long deleteHorizonMs() {
    return (attributes & DELETE_HORIZON_BIT) != 0 ? baseTimestamp : -1L;
  }

  boolean hasProducerId() {
    return producerId >= 0;
  }

  /** Last sequence of the batch, wrapping past Integer.MAX_VALUE to 0 like Kafka. */
  int lastSequence() {
    if (baseSequence == NO_SEQUENCE) {
      return NO_SEQUENCE;
    }
    return incrementSequence(baseSequence, lastOffsetDelta);
  }

  static int incrementSequence(int sequence, int increment) {
    if (sequence > Integer.MAX_VALUE - increment) {
      return increment - (Integer.MAX_VALUE - sequence) - 1;
    }
    return sequence + increment;
  }

  RecordBatchHeader withOffsetAndEpoch(long newBaseOffset, int newEpoch) {
    return new RecordBatchHeader(
        newBaseOffset,
        batchLength,
        newEpoch,
        magic,
        crc,
        attributes,
        lastOffsetDelta,
        baseTimestamp,
        maxTimestamp,
        producerId,
        producerEpoch,
        baseSequence,
        recordCount);
  }

  RecordBatchHeader withLogAppendTime(long timestampMs, int newCrc) {
    return new RecordBatchHeader(
        baseOffset,
        batchLength,
        partitionLeaderEpoch,
        magic,
        newCrc,
        (short) (attributes | TIMESTAMP_TYPE_BIT),
        lastOffsetDelta,
        baseTimestamp,
        timestampMs,
        producerId,
        producerEpoch,
        baseSequence,
        recordCount);
  }

  /** Rewrites baseOffset and partitionLeaderEpoch in place; the CRC does not cover them. */
  static void writeOffsetAndEpoch(ByteBuffer buf, int pos, long baseOffset, int epoch) {
    buf.putLong(pos + BASE_OFFSET_OFFSET, baseOffset);
    buf.putInt(pos + PARTITION_LEADER_EPOCH_OFFSET, epoch);
  }

  /** Sets the LogAppendTime bit and maxTimestamp in place and rewrites the CRC; returns it. */
  static int writeLogAppendTime(ByteBuffer buf, int pos, int sizeInBytes, long timestampMs) {
    short attributes = buf.getShort(pos + ATTRIBUTES_OFFSET);
    buf.putShort(pos + ATTRIBUTES_OFFSET, (short) (attributes | TIMESTAMP_TYPE_BIT));
    buf.putLong(pos + MAX_TIMESTAMP_OFFSET, timestampMs);
    int crc = computeCrc(buf, pos, sizeInBytes);
    buf.putInt(pos + CRC_OFFSET, crc);
    return crc;
  }

  /** CRC-32C over bytes {@code [pos + 21, pos + sizeInBytes)}. */
  static int computeCrc(ByteBuffer buf, int pos, int sizeInBytes) {
    ByteBuffer covered = buf.duplicate();
    covered.limit(pos + sizeInBytes).position(pos + ATTRIBUTES_OFFSET);
    CRC32C crc = new CRC32C();
    crc.update(covered);
    return (int) crc.getValue();
  }

  /**
   * A leader's offset assignment, in place: batch by batch from {@code firstOffset}, rewrites base
   * offset and leader epoch (outside the CRC) and, with {@code logAppendTimeMs >= 0}, the
   * LOG_APPEND_TIME bit and max timestamp (recomputing the CRC). Returns the rewritten headers.
   */
  static List<RecordBatchHeader> assignOffsets(
      ByteBuffer batches,
      List<RecordBatchHeader> headers,
      long firstOffset,
      int leaderEpoch,
      long logAppendTimeMs) {
    long next = firstOffset;
    int pos = batches.position();
    List<RecordBatchHeader> assigned = new ArrayList<>(headers.size());
    for (RecordBatchHeader h : headers) {
      writeOffsetAndEpoch(batches, pos, next, leaderEpoch);
      RecordBatchHeader a = h.withOffsetAndEpoch(next, leaderEpoch);
      if (logAppendTimeMs >= 0) {
        int crc = writeLogAppendTime(batches, pos, h.sizeInBytes(), logAppendTimeMs);
        a = a.withLogAppendTime(logAppendTimeMs, crc);
      }
      assigned.add(a);
      next = a.nextOffset();
      pos += h.sizeInBytes();
    }
    return assigned;
  }
}
