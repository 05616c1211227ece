package io.logstore.broker.producer;

import io.logstore.broker.util.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out producer ids that are never reused, even across crashes: ids come from blocks whose end
 * is made durable before the first id of the block is given out.
 *
 * <p>In a cluster every broker hands out ids, so they are interleaved: broker {@code n} gives
 * {@code counter * CLUSTER_STRIDE + n}, and no two brokers (node ids below the stride) can give the
 * same id. A single broker gives the counter itself.
 *
 * <p>File {@code producer-id-block} (text, UTF-8): {@code version=1\nnext=<long>\ncrc=<hex>\n},
 * where crc is the CRC-32C of the first two lines. Written tmp, fsync, rename, fsync directory.
 *
 * <p>Threading: all methods are synchronized; allocation is rare (one write per block).
 */
public final class ProducerIdManager {
  private static final Logger log = LoggerFactory.getLogger(ProducerIdManager.class);
  static final String FILE_NAME = "producer-id-block";
  static final long BLOCK_SIZE = 1000;

  /** Node ids of a cluster must be below this; see the class comment. */
  public static final int CLUSTER_STRIDE =
      io.logstore.broker.config.BrokerConfig.MAX_CLUSTER_NODE_ID_EXCLUSIVE;

  private final Path file;
  private final int nodeId;
  private final int stride;
  private long nextId;
  private long blockEnd;

  /** A single broker's ids: 0, 1, 2, ... */
  public ProducerIdManager(Path dataDir) throws IOException {
    this(dataDir, 0, 1);
  }

  /** A cluster member's ids: {@code counter * stride + nodeId}. */
  public ProducerIdManager(Path dataDir, int nodeId, int stride) throws IOException {
    if (nodeId < 0 || nodeId >= stride) {
      throw new IllegalArgumentException(
          "node.id " + nodeId + " must be in [0, " + stride + ") to hand out producer ids");
    }
    this.nodeId = nodeId;
    this.stride = stride;
    this.file = dataDir.resolve(FILE_NAME);
    long next = Files.exists(file) ? read(file) : 0;
    this.nextId = next;
    this.blockEnd = next;
  }

  /** A fresh producer id. */
  public synchronized long nextProducerId() {
    if (nextId >= blockEnd) {
      long newEnd = blockEnd + BLOCK_SIZE;
      try {
        write(file, newEnd);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot persist producer id block in " + file, e);
      }
      blockEnd = newEnd;
      log.debug("Allocated producer id block up to {}", newEnd);
    }
    return nextId++ * stride + nodeId;
  }

  static long read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    if (lines.length != 3
        || !lines[0].equals("version=1")
        || !lines[1].startsWith("next=")
        || !lines[2].startsWith("crc=")) {
      throw new IOException("unreadable producer id file " + file);
    }
    String body = lines[0] + "\n" + lines[1] + "\n";
    if (!Long.toHexString(crc(body)).equals(lines[2].substring(4))) {
      throw new IOException("producer id file " + file + " fails its CRC check");
    }
    return Long.parseLong(lines[1].substring(5));
  }

  static void write(Path file, long next) throws IOException {
    String body = "version=1\nnext=" + next + "\n";
    String text = body + "crc=" + Long.toHexString(crc(body)) + "\n";
    DurableFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  private static long crc(String body) {
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
