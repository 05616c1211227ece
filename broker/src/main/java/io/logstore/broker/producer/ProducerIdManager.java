package io.logstore.broker.producer;

import io.logstore.broker.config.BrokerConfig;
import io.logstore.broker.util.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Threading: {@link #nextProducerId} is called on network threads and never does I/O: the next
 * block is written on the {@code io} executor when fewer than {@link #PREFETCH_REMAINING} ids of
 * the current block are left (and at start-up), as Kafka's controller-side manager prefetches. A
 * request that finds no id left (the block write is slower than the demand) gets a future completed
 * by that write. State is guarded by this object's monitor; futures complete outside it.
 */
public final class ProducerIdManager {
  private static final Logger log = LoggerFactory.getLogger(ProducerIdManager.class);
  static final String FILE_NAME = "producer-id-block";
  static final long BLOCK_SIZE = 1000;
  static final long PREFETCH_REMAINING = BLOCK_SIZE / 10;

  /** Requests waiting for a block at once; more are refused (retriable) rather than queued. */
  static final int MAX_WAITERS = 10_000;

  /** Node ids of a cluster must be below this; see the class comment. */
  public static final int CLUSTER_STRIDE = BrokerConfig.MAX_CLUSTER_NODE_ID_EXCLUSIVE;

  private final Path file;
  private final int nodeId;
  private final int stride;
  private final Executor blockWriter;

  /** The next counter value to hand out. Guarded by this. */
  private long nextId;

  /** Counter values below this are durably reserved. Guarded by this. */
  private long blockEnd;

  /** A block write is running on {@link #blockWriter}. Guarded by this. */
  private boolean writing;

  /** Requests that found no reserved id left, oldest first. Guarded by this. */
  private final ArrayDeque<CompletableFuture<Long>> waiters = new ArrayDeque<>();

  /** A single broker's ids: 0, 1, 2, ... */
  public ProducerIdManager(Path dataDir, Executor io) throws IOException {
    this(dataDir, 0, 1, io);
  }

  /** A cluster member's ids: {@code counter * stride + nodeId}. */
  public ProducerIdManager(Path dataDir, int nodeId, int stride, Executor io) throws IOException {
    if (nodeId < 0 || nodeId >= stride) {
      throw new IllegalArgumentException(
          "node.id " + nodeId + " must be in [0, " + stride + ") to hand out producer ids");
    }
    this.nodeId = nodeId;
    this.stride = stride;
    this.blockWriter = io;
    this.file = dataDir.resolve(FILE_NAME);
    long next = Files.exists(file) ? read(file) : 0;
    synchronized (this) {
      this.nextId = next;
      this.blockEnd = next;
      maybeReserveNextBlock();
    }
  }

  /**
   * A fresh producer id: at once from the reserved block, or once the next block is durable. Fails
   * with an {@link IOException} (a retriable error for the client) when the block cannot be written
   * or too many requests wait.
   */
  public CompletableFuture<Long> nextProducerId() {
    CompletableFuture<Long> waiting;
    synchronized (this) {
      if (nextId < blockEnd) {
        long id = toProducerId(nextId++);
        maybeReserveNextBlock();
        return CompletableFuture.completedFuture(id);
      }
      if (waiters.size() >= MAX_WAITERS) {
        return CompletableFuture.failedFuture(
            new IOException(MAX_WAITERS + " requests already wait for a producer id block"));
      }
      waiting = new CompletableFuture<>();
      waiters.add(waiting);
      maybeReserveNextBlock();
    }
    return waiting;
  }

  private long toProducerId(long counter) {
    return counter * stride + nodeId;
  }

  /** Starts the next block's write when the current one runs low and none is running. */
  private void maybeReserveNextBlock() {
    if (writing || blockEnd - nextId > PREFETCH_REMAINING) {
      return;
    }
    writing = true;
    long newEnd = blockEnd + BLOCK_SIZE;
    try {
      blockWriter.execute(() -> reserve(newEnd));
    } catch (RejectedExecutionException e) {
      writing = false; // shutting down: waiters are failed by the caller's future below
      failWaitersLater(new IOException("producer id allocation is shut down", e));
    }
  }

  /** On the io executor: makes {@code newEnd} durable, then serves the waiting requests. */
  private void reserve(long newEnd) {
    IOException failure = null;
    try {
      write(file, newEnd);
    } catch (IOException e) {
      failure = e;
      log.error("Cannot persist the producer id block file={} end={}", file, newEnd, e);
    }
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      writing = false;
      if (failure == null) {
        blockEnd = newEnd;
        log.debug("Allocated producer id block up to {}", newEnd);
        while (!waiters.isEmpty() && nextId < blockEnd) {
          CompletableFuture<Long> waiter = waiters.poll();
          long id = toProducerId(nextId++);
          completions.add(() -> waiter.complete(id));
        }
        maybeReserveNextBlock();
      } else {
        IOException cause = failure;
        for (CompletableFuture<Long> waiter : waiters) {
          completions.add(() -> waiter.completeExceptionally(cause));
        }
        waiters.clear();
      }
    }
    completions.forEach(Runnable::run);
  }

  private void failWaitersLater(IOException cause) {
    List<CompletableFuture<Long>> failed = new ArrayList<>(waiters);
    waiters.clear();
    CompletableFuture.runAsync(() -> failed.forEach(f -> f.completeExceptionally(cause)));
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
