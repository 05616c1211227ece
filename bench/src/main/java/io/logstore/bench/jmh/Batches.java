package io.logstore.bench.jmh;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Uncompressed v2 record batches as a producer sends them (no producer id, offsets from 0). */
final class Batches {

  private Batches() {}

  /**
   * One batch of {@code records} records of {@code recordBytes} each, given as {@code
   * "COUNTxBYTES"}, e.g. {@code "16x100"}.
   */
  static MemoryRecords batch(String shape) {
    String[] parts = shape.split("x");
    int records = Integer.parseInt(parts[0]);
    int recordBytes = Integer.parseInt(parts[1]);
    SimpleRecord[] array = new SimpleRecord[records];
    long now = System.currentTimeMillis();
    for (int i = 0; i < records; i++) {
      byte[] value = new byte[recordBytes];
      value[0] = (byte) i;
      array[i] = new SimpleRecord(now, null, value);
    }
    return MemoryRecords.withRecords(Compression.NONE, array);
  }

  /** The batch bytes in a heap buffer of their own. */
  static ByteBuffer bytes(String shape) {
    ByteBuffer buffer = batch(shape).buffer();
    ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
    copy.put(buffer.duplicate()).flip();
    return copy;
  }
}
