package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Writes and reads the small non-derived files (checkpoints, partition.metadata, leader epoch
 * checkpoint, producer snapshots, clean-shutdown marker) crash-atomically.
 *
 * <p>Layout, big-endian:
 *
 * <pre>
 *   version       int16   format version of the payload
 *   payloadLength int32
 *   payload       payloadLength bytes
 *   crc           uint32  CRC-32C of version, payloadLength and payload
 * </pre>
 *
 * <p>A write goes to {@code <name>.tmp}, which is fsynced, renamed over {@code <name>} and then the
 * directory is fsynced, so a reader sees either the old or the new file, never a mix.
 */
final class AtomicChecksummedFile {
  private static final int HEADER_BYTES = 6;
  private static final int CRC_BYTES = 4;

  private AtomicChecksummedFile() {}

  static void write(Path file, short version, ByteBuffer payload) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.remaining() + CRC_BYTES);
    buf.putShort(version).putInt(payload.remaining()).put(payload.duplicate());
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    buf.flip();
    AtomicFiles.replace(file, buf);
  }

  /**
   * Reads and checks a file.
   *
   * @return the payload, or empty if the file does not exist
   * @throws CorruptFileException if the length, version or CRC is wrong
   */
  static Optional<ByteBuffer> read(Path file, short expectedVersion) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (bytes.length < HEADER_BYTES + CRC_BYTES) {
      throw new CorruptFileException(file, "too short (" + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    short version = buf.getShort();
    int payloadLength = buf.getInt();
    if (payloadLength != bytes.length - HEADER_BYTES - CRC_BYTES) {
      throw new CorruptFileException(
          file, "payload length " + payloadLength + " does not match file size " + bytes.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, HEADER_BYTES + payloadLength);
    int storedCrc = buf.getInt(HEADER_BYTES + payloadLength);
    if ((int) crc.getValue() != storedCrc) {
      throw new CorruptFileException(file, "CRC mismatch");
    }
    if (version != expectedVersion) {
      throw new CorruptFileException(
          file, "unsupported version " + version + ", expected " + expectedVersion);
    }
    return Optional.of(buf.slice(HEADER_BYTES, payloadLength));
  }
}
