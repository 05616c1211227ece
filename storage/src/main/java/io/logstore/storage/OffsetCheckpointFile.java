package io.logstore.storage;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-data-root offset checkpoints: {@value #RECOVERY_POINT}, {@value #LOG_START}, {@value
 * #HIGH_WATERMARK} and {@value #CLEANER} (first offset not yet compacted, logs the cleaner has
 * cleaned only). Written with {@link AtomicChecksummedFile} (version {@value #VERSION}). Payload,
 * big-endian:
 *
 * <pre>
 *   count int32
 *   count times: topicLength int16 | topic UTF-8 | partition int32 | offset int64
 * </pre>
 */
final class OffsetCheckpointFile {
  static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
  static final String LOG_START = "log-start-offset-checkpoint";
  static final String HIGH_WATERMARK = "replication-offset-checkpoint";
  static final String CLEANER = "cleaner-offset-checkpoint";
  static final short VERSION = 1;

  private OffsetCheckpointFile() {}

  static void write(Path file, Map<PartitionId, Long> offsets) throws IOException {
    int size = 4;
    for (PartitionId id : offsets.keySet()) {
      size += 2 + id.topic().getBytes(StandardCharsets.UTF_8).length + 12;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(offsets.size());
    for (Map.Entry<PartitionId, Long> e : offsets.entrySet()) {
      byte[] topic = e.getKey().topic().getBytes(StandardCharsets.UTF_8);
      buf.putShort((short) topic.length).put(topic);
      buf.putInt(e.getKey().partition()).putLong(e.getValue());
    }
    AtomicChecksummedFile.write(file, VERSION, buf.flip());
  }

  /**
   * @return the offsets, empty if the file does not exist
   * @throws CorruptFileException if the file fails its checks
   */
  static Map<PartitionId, Long> read(Path file) throws IOException {
    Optional<ByteBuffer> payload = AtomicChecksummedFile.read(file, VERSION);
    Map<PartitionId, Long> offsets = new HashMap<>();
    if (payload.isEmpty()) {
      return offsets;
    }
    ByteBuffer buf = payload.get();
    try {
      int count = buf.getInt();
      for (int i = 0; i < count; i++) {
        byte[] topic = new byte[buf.getShort()];
        buf.get(topic);
        PartitionId id = new PartitionId(new String(topic, StandardCharsets.UTF_8), buf.getInt());
        offsets.put(id, buf.getLong());
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptFileException(file, "malformed payload: " + e);
    }
    return offsets;
  }
}
