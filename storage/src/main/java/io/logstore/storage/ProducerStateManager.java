package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent producer state of one partition: per producer id, its epoch and the metadata of its
 * last {@value #BATCHES_TO_RETAIN} batches, used to reject out-of-order sequences and to answer
 * retries (duplicates) with the original offsets.
 *
 * <p>Snapshot file {@code <20-digit offset>.snapshot}: state as of that log end offset, written
 * with {@link AtomicChecksummedFile} (version {@value #SNAPSHOT_VERSION}). Payload, big-endian:
 *
 * <pre>
 *   producerCount int32
 *   producerCount times:
 *     producerId int64 | epoch int16 | batchCount int32
 *     batchCount times: firstSeq int32 | lastSeq int32 | firstOffset int64 | lastOffset int64
 *                       | timestamp int64
 * </pre>
 *
 * <p>Not thread-safe: guarded by the partition append lock.
 */
final class ProducerStateManager {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);

  static final int BATCHES_TO_RETAIN = 5;
  static final String SNAPSHOT_SUFFIX = ".snapshot";
  static final short SNAPSHOT_VERSION = 1;
  static final int SNAPSHOTS_TO_KEEP = 2;

  record BatchMetadata(
      int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

  /** Mutable state of one producer. */
  static final class Producer {
    final long producerId;
    short epoch;
    final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>();

    Producer(long producerId, short epoch) {
      this.producerId = producerId;
      this.epoch = epoch;
    }

    Producer copy() {
      Producer c = new Producer(producerId, epoch);
      c.batches.addAll(batches);
      return c;
    }

    void apply(RecordBatchHeader header) {
      if (header.producerEpoch() != epoch) {
        epoch = header.producerEpoch();
        batches.clear();
      }
      if (header.isControl() || header.baseSequence() == RecordBatchHeader.NO_SEQUENCE) {
        return;
      }
      batches.addLast(
          new BatchMetadata(
              header.baseSequence(),
              header.lastSequence(),
              header.baseOffset(),
              header.lastOffset(),
              header.maxTimestamp()));
      while (batches.size() > BATCHES_TO_RETAIN) {
        batches.removeFirst();
      }
    }

    Optional<BatchMetadata> findDuplicate(int firstSeq, int lastSeq) {
      for (BatchMetadata b : batches) {
        if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
          return Optional.of(b);
        }
      }
      return Optional.empty();
    }

    ProducerStateEntry toEntry() {
      BatchMetadata last = batches.peekLast();
      return last == null
          ? new ProducerStateEntry(producerId, epoch, -1, -1L, -1L)
          : new ProducerStateEntry(
              producerId, epoch, last.lastSeq(), last.lastOffset(), last.timestamp());
    }
  }

  private final PartitionId partition;
  private final Path dir;
  private final Map<Long, Producer> producers = new HashMap<>();

  ProducerStateManager(PartitionId partition, Path dir) {
    this.partition = partition;
    this.dir = dir;
  }

  /**
   * Checks the idempotence rules for the batches of one append (in order, later batches seeing the
   * effect of earlier ones).
   *
   * @return the cached metadata if a batch is a retry of an already appended one
   */
  Optional<BatchMetadata> check(List<RecordBatchHeader> headers)
      throws OutOfOrderSequenceException, InvalidProducerEpochException {
    Map<Long, Producer> pending = new HashMap<>();
    for (RecordBatchHeader h : headers) {
      if (!h.hasProducerId()) {
        continue;
      }
      long pid = h.producerId();
      Producer current = pending.get(pid);
      if (current == null) {
        Producer known = producers.get(pid);
        current = known == null ? null : known.copy();
      }
      if (current != null) {
        Optional<BatchMetadata> duplicate = checkKnown(current, h);
        if (duplicate.isPresent()) {
          return duplicate;
        }
      } else {
        current = new Producer(pid, h.producerEpoch());
      }
      current.apply(h);
      pending.put(pid, current);
    }
    return Optional.empty();
  }

  private Optional<BatchMetadata> checkKnown(Producer current, RecordBatchHeader h)
      throws OutOfOrderSequenceException, InvalidProducerEpochException {
    if (h.producerEpoch() < current.epoch) {
      throw new InvalidProducerEpochException(
          "producer "
              + h.producerId()
              + " on "
              + partition
              + " sent epoch "
              + h.producerEpoch()
              + " but the current epoch is "
              + current.epoch);
    }
    if (h.isControl() || h.baseSequence() == RecordBatchHeader.NO_SEQUENCE) {
      return Optional.empty();
    }
    if (h.producerEpoch() > current.epoch) {
      if (h.baseSequence() != 0) {
        throw outOfOrder(h, "a new epoch must start at sequence 0");
      }
      return Optional.empty();
    }
    Optional<BatchMetadata> duplicate = current.findDuplicate(h.baseSequence(), h.lastSequence());
    if (duplicate.isPresent()) {
      return duplicate;
    }
    BatchMetadata last = current.batches.peekLast();
    if (last != null
        && h.baseSequence() != RecordBatchHeader.incrementSequence(last.lastSeq(), 1)) {
      throw outOfOrder(
          h, "expected sequence " + RecordBatchHeader.incrementSequence(last.lastSeq(), 1));
    }
    return Optional.empty();
  }

  private OutOfOrderSequenceException outOfOrder(RecordBatchHeader h, String why) {
    return new OutOfOrderSequenceException(
        "producer "
            + h.producerId()
            + " epoch "
            + h.producerEpoch()
            + " on "
            + partition
            + " sent sequence "
            + h.baseSequence()
            + ": "
            + why);
  }

  /** Records an appended (or replayed) batch carrying its final offsets. */
  void update(RecordBatchHeader header) {
    if (!header.hasProducerId()) {
      return;
    }
    producers
        .computeIfAbsent(header.producerId(), pid -> new Producer(pid, header.producerEpoch()))
        .apply(header);
  }

  Optional<ProducerStateEntry> entry(long producerId) {
    Producer p = producers.get(producerId);
    return p == null ? Optional.empty() : Optional.of(p.toEntry());
  }

  /** Producer id to the first offset of its last batch: batches the cleaner must not drop. */
  Map<Long, Long> lastBatchBaseOffsets() {
    Map<Long, Long> result = new HashMap<>();
    for (Producer p : producers.values()) {
      BatchMetadata last = p.batches.peekLast();
      if (last != null) {
        result.put(p.producerId, last.firstOffset());
      }
    }
    return result;
  }

  int producerCount() {
    return producers.size();
  }

  void clear() {
    producers.clear();
  }

  Path snapshotFile(long offset) {
    return dir.resolve(LogSegment.fileName(offset, SNAPSHOT_SUFFIX));
  }

  /** The producer state as of an offset, serialised in memory, not yet written. */
  record Snapshot(long offset, ByteBuffer payload) {}

  /** Writes the state as of {@code offset} and prunes all but the newest snapshots. */
  void takeSnapshot(long offset) throws IOException {
    writeSnapshot(captureSnapshot(offset));
  }

  /**
   * The state as of {@code offset} in memory (cheap; under the caller's append lock), to be written
   * later by {@link #writeSnapshot} off the append path.
   */
  Snapshot captureSnapshot(long offset) {
    int size = 4;
    for (Producer p : producers.values()) {
      size += 14 + p.batches.size() * 32;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(producers.size());
    for (Producer p : producers.values()) {
      buf.putLong(p.producerId).putShort(p.epoch).putInt(p.batches.size());
      for (BatchMetadata b : p.batches) {
        buf.putInt(b.firstSeq())
            .putInt(b.lastSeq())
            .putLong(b.firstOffset())
            .putLong(b.lastOffset())
            .putLong(b.timestamp());
      }
    }
    return new Snapshot(offset, buf.flip());
  }

  /** Writes a captured snapshot (tmp, fsync, rename, fsync dir) and prunes older ones. */
  void writeSnapshot(Snapshot snapshot) throws IOException {
    AtomicChecksummedFile.write(
        snapshotFile(snapshot.offset()), SNAPSHOT_VERSION, snapshot.payload().duplicate());
    List<Long> offsets = snapshotOffsets();
    for (int i = 0; i < offsets.size() - SNAPSHOTS_TO_KEEP; i++) {
      Files.deleteIfExists(snapshotFile(offsets.get(i)));
    }
  }

  /** Snapshot offsets on disk, ascending. */
  List<Long> snapshotOffsets() throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(SNAPSHOT_SUFFIX) && name.length() == 20 + SNAPSHOT_SUFFIX.length()) {
          offsets.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    offsets.sort(null);
    return offsets;
  }

  void deleteSnapshotsAbove(long offset) throws IOException {
    for (long o : snapshotOffsets()) {
      if (o > offset) {
        Files.deleteIfExists(snapshotFile(o));
      }
    }
  }

  void deleteAllSnapshots() throws IOException {
    for (long o : snapshotOffsets()) {
      Files.deleteIfExists(snapshotFile(o));
    }
  }

  /**
   * Replaces the state with the newest readable snapshot at or below {@code maxOffset}. Corrupt
   * snapshots are logged and deleted, and the next older one is tried.
   *
   * @return the offset of the loaded snapshot, or -1 if none was usable (state is then empty)
   */
  long loadLatestSnapshot(long maxOffset) throws IOException {
    producers.clear();
    List<Long> offsets = snapshotOffsets();
    for (int i = offsets.size() - 1; i >= 0; i--) {
      long offset = offsets.get(i);
      if (offset > maxOffset) {
        continue;
      }
      Path file = snapshotFile(offset);
      try {
        Optional<ByteBuffer> payload = AtomicChecksummedFile.read(file, SNAPSHOT_VERSION);
        if (payload.isPresent()) {
          decode(payload.get(), file);
          return offset;
        }
      } catch (CorruptFileException e) {
        LOG.warn(
            "Ignoring corrupt producer snapshot: topicPartition={} file={} offset={}",
            partition,
            file,
            offset,
            e);
        producers.clear();
        Files.deleteIfExists(file);
      }
    }
    return -1L;
  }

  private void decode(ByteBuffer buf, Path file) throws CorruptFileException {
    try {
      int count = buf.getInt();
      for (int i = 0; i < count; i++) {
        Producer p = new Producer(buf.getLong(), buf.getShort());
        int batches = buf.getInt();
        for (int b = 0; b < batches; b++) {
          p.batches.addLast(
              new BatchMetadata(
                  buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
        }
        producers.put(p.producerId, p);
      }
      if (buf.hasRemaining()) {
        throw new CorruptFileException(file, buf.remaining() + " trailing bytes");
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptFileException(file, "payload shorter than its counts");
    }
  }
}
