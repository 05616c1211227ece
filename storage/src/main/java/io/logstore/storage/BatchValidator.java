package io.logstore.storage;

import io.logstore.storage.InvalidBatchException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates the record batches of an append before anything is written.
 *
 * <p>Checks, per batch: enough bytes for the 12-byte log overhead and the 61-byte header, magic 2,
 * batchLength within the buffer, size within {@code maxBatchBytes}, CRC-32C. For leader appends
 * also recordCount >= 1 and lastOffsetDelta == recordCount - 1, and for uncompressed batches a walk
 * of the records (varint lengths, offsetDelta == index, exact fit). Record layout (uncompressed):
 *
 * <pre>
 *   length varint (zigzag) | attributes int8 | timestampDelta varlong | offsetDelta varint
 *   | keyLength varint (-1 = null) | key | valueLength varint | value
 *   | headerCount varint | headers (keyLength varint, key, valueLength varint, value)*
 * </pre>
 */
final class BatchValidator {

  private BatchValidator() {}

  /**
   * Validates every batch in {@code [buffer.position(), buffer.limit())}.
   *
   * @param checkRecords leader path: check counts and walk uncompressed records
   * @return the parsed headers, in order
   */
  static List<RecordBatchHeader> validate(
      ByteBuffer buffer, PartitionId partition, int maxBatchBytes, boolean checkRecords)
      throws InvalidBatchException, RecordTooLargeException {
    List<RecordBatchHeader> headers = new ArrayList<>();
    int pos = buffer.position();
    int end = buffer.limit();
    if (pos == end) {
      throw new InvalidBatchException(Reason.INVALID_RECORD, partition, "empty append");
    }
    while (pos < end) {
      int size = checkFraming(buffer, pos, end, partition);
      if (size > maxBatchBytes) {
        throw new RecordTooLargeException(partition, size, maxBatchBytes);
      }
      int storedCrc = buffer.getInt(pos + RecordBatchHeader.CRC_OFFSET);
      int actualCrc = RecordBatchHeader.computeCrc(buffer, pos, size);
      if (storedCrc != actualCrc) {
        throw new InvalidBatchException(
            Reason.CORRUPT_CRC,
            partition,
            "batch at buffer position "
                + (pos - buffer.position())
                + " has CRC "
                + Integer.toUnsignedString(storedCrc)
                + " but its bytes give "
                + Integer.toUnsignedString(actualCrc));
      }
      RecordBatchHeader header = RecordBatchHeader.parse(buffer, pos);
      if (header.lastOffsetDelta() < 0) {
        throw invalid(partition, "negative lastOffsetDelta " + header.lastOffsetDelta());
      }
      if (checkRecords) {
        checkCounts(header, partition);
        if (header.compressionCodec() == 0) {
          walkRecords(buffer, pos, size, header.recordCount(), partition);
        }
      }
      headers.add(header);
      pos += size;
    }
    return headers;
  }

  /**
   * Checks the log overhead, magic and declared length of the batch at {@code pos}.
   *
   * @return the batch size in bytes
   */
  static int checkFraming(ByteBuffer buffer, int pos, int end, PartitionId partition)
      throws InvalidBatchException {
    if (end - pos < RecordBatchHeader.MAGIC_OFFSET + 1) {
      throw invalid(partition, "truncated batch: " + (end - pos) + " bytes left");
    }
    byte magic = buffer.get(pos + RecordBatchHeader.MAGIC_OFFSET);
    if (magic != RecordBatchHeader.MAGIC_V2) {
      throw new InvalidBatchException(
          Reason.UNSUPPORTED_MAGIC, partition, "magic " + magic + ", only 2 is supported");
    }
    int batchLength = buffer.getInt(pos + RecordBatchHeader.LENGTH_OFFSET);
    if (batchLength < RecordBatchHeader.HEADER_SIZE - RecordBatchHeader.LOG_OVERHEAD) {
      throw invalid(partition, "batchLength " + batchLength + " is smaller than a header");
    }
    long size = (long) RecordBatchHeader.LOG_OVERHEAD + batchLength;
    if (size > end - pos) {
      throw invalid(
          partition, "truncated batch: declares " + size + " bytes, " + (end - pos) + " left");
    }
    return (int) size;
  }

  private static void checkCounts(RecordBatchHeader header, PartitionId partition)
      throws InvalidBatchException {
    if (header.recordCount() < 1) {
      throw invalid(partition, "recordCount " + header.recordCount());
    }
    if (header.lastOffsetDelta() != header.recordCount() - 1) {
      throw invalid(
          partition,
          "lastOffsetDelta "
              + header.lastOffsetDelta()
              + " does not match recordCount "
              + header.recordCount());
    }
  }

  private static void walkRecords(
      ByteBuffer buffer, int batchPos, int batchSize, int recordCount, PartitionId partition)
      throws InvalidBatchException {
    int batchEnd = batchPos + batchSize;
    Cursor cursor = new Cursor(buffer, batchPos + RecordBatchHeader.HEADER_SIZE, batchEnd);
    for (int i = 0; i < recordCount; i++) {
      int length = cursor.readVarint(partition);
      if (length < 0 || length > batchEnd - cursor.pos) {
        throw invalid(partition, "record " + i + " has bad length " + length);
      }
      Cursor record = new Cursor(buffer, cursor.pos, cursor.pos + length);
      record.skip(1, partition); // attributes
      record.readVarlong(partition); // timestampDelta
      int offsetDelta = record.readVarint(partition);
      if (offsetDelta != i) {
        throw invalid(partition, "record " + i + " has offsetDelta " + offsetDelta);
      }
      record.skipBytesField(partition); // key
      record.skipBytesField(partition); // value
      int headerCount = record.readVarint(partition);
      if (headerCount < 0) {
        throw invalid(partition, "record " + i + " has headerCount " + headerCount);
      }
      for (int h = 0; h < headerCount; h++) {
        int keyLength = record.readVarint(partition);
        if (keyLength < 0) {
          throw invalid(partition, "record " + i + " has a header with a null key");
        }
        record.skip(keyLength, partition);
        record.skipBytesField(partition);
      }
      if (record.pos != record.limit) {
        throw invalid(
            partition, "record " + i + " has " + (record.limit - record.pos) + " trailing bytes");
      }
      cursor.pos = record.limit;
    }
    if (cursor.pos != batchEnd) {
      throw invalid(
          partition,
          "batch has "
              + (batchEnd - cursor.pos)
              + " bytes after its "
              + recordCount
              + " declared records");
    }
  }

  private static InvalidBatchException invalid(PartitionId partition, String message) {
    return new InvalidBatchException(Reason.INVALID_RECORD, partition, message);
  }

  /** A bounded read position for varint decoding. */
  private static final class Cursor {
    private final ByteBuffer buffer;
    private int pos;
    private final int limit;

    Cursor(ByteBuffer buffer, int pos, int limit) {
      this.buffer = buffer;
      this.pos = pos;
      this.limit = limit;
    }

    void skip(int bytes, PartitionId partition) throws InvalidBatchException {
      if (bytes < 0 || bytes > limit - pos) {
        throw invalid(partition, "record field of " + bytes + " bytes overruns the record");
      }
      pos += bytes;
    }

    /** A varint length (-1 = null) followed by that many bytes. */
    void skipBytesField(PartitionId partition) throws InvalidBatchException {
      int length = readVarint(partition);
      if (length < -1) {
        throw invalid(partition, "record field length " + length);
      }
      if (length > 0) {
        skip(length, partition);
      }
    }

    int readVarint(PartitionId partition) throws InvalidBatchException {
      int value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        if (pos >= limit) {
          throw invalid(partition, "truncated varint");
        }
        byte b = buffer.get(pos++);
        value |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (value >>> 1) ^ -(value & 1);
        }
      }
      throw invalid(partition, "varint longer than 5 bytes");
    }

    long readVarlong(PartitionId partition) throws InvalidBatchException {
      long value = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (pos >= limit) {
          throw invalid(partition, "truncated varlong");
        }
        byte b = buffer.get(pos++);
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (value >>> 1) ^ -(value & 1);
        }
      }
      throw invalid(partition, "varlong longer than 10 bytes");
    }
  }

  /**
   * The follower path keeps the leader's offsets: each batch must start at or after {@code
   * logEndOffset} and after the previous batch.
   */
  static void checkAscendingFrom(
      List<RecordBatchHeader> headers, long logEndOffset, PartitionId partition)
      throws InvalidBatchException {
    long expected = logEndOffset;
    for (RecordBatchHeader h : headers) {
      if (h.baseOffset() < expected) {
        throw new InvalidBatchException(
            Reason.INVALID_RECORD,
            partition,
            "follower batch at offset " + h.baseOffset() + " is below the expected " + expected);
      }
      expected = h.nextOffset();
    }
  }
}
