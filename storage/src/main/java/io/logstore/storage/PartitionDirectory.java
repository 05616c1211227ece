package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one partition directory ({@code <topic>-<partition>}) that are not a segment's own:
 * {@code partition.metadata}, and the start-up clean-up of what a crash can leave behind
 * (interrupted cleaner swaps, {@code .deleted} segments, temporary files).
 *
 * <p>{@code partition.metadata} is written with {@link AtomicChecksummedFile} (version 1). Payload,
 * big-endian: {@code topicIdMostSigBits int64 | topicIdLeastSigBits int64 | topicLength int16 |
 * topic UTF-8}.
 *
 * <p>Stateless; called by {@link PartitionLog} while it loads (no other thread sees the directory
 * then) or under its locks.
 */
final class PartitionDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionDirectory.class);

  static final String METADATA_FILE = "partition.metadata";
  static final short METADATA_VERSION = 1;

  private PartitionDirectory() {}

  static void writeMetadata(Path dir, PartitionId id, UUID topicId) throws IOException {
    byte[] topic = id.topic().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(18 + topic.length);
    buf.putLong(topicId.getMostSignificantBits()).putLong(topicId.getLeastSignificantBits());
    buf.putShort((short) topic.length).put(topic);
    AtomicChecksummedFile.write(dir.resolve(METADATA_FILE), METADATA_VERSION, buf.flip());
  }

  static UUID readMetadata(Path dir, PartitionId id) throws IOException {
    Path file = dir.resolve(METADATA_FILE);
    try {
      ByteBuffer buf =
          AtomicChecksummedFile.read(file, METADATA_VERSION)
              .orElseThrow(() -> new CorruptLogException("missing " + file + " for " + id));
      UUID topicId = new UUID(buf.getLong(), buf.getLong());
      byte[] topic = new byte[buf.getShort()];
      buf.get(topic);
      String name = new String(topic, StandardCharsets.UTF_8);
      if (!name.equals(id.topic())) {
        throw new CorruptLogException(file + " names topic " + name + ", not " + id.topic());
      }
      return topicId;
    } catch (CorruptFileException | java.nio.BufferUnderflowException e) {
      throw new CorruptLogException("unreadable " + file + " for " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Start-up clean-up: completes or rolls back an interrupted clean, deletes leftover {@code
   * .deleted} and temporary files; returns the base offsets of the segment files, ascending.
   */
  static List<Long> cleanAndListSegments(Path dir, PartitionId id) throws IOException {
    completeSwaps(dir, id);
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(LogSegment.DELETED_SUFFIX) || name.endsWith(AtomicFiles.TMP_SUFFIX)) {
          LOG.info("Deleting leftover file: topicPartition={} file={}", id, f);
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX)
            && name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
          bases.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    bases.sort(null);
    return bases;
  }

  /**
   * Finishes or rolls back a clean interrupted by a crash: {@code .cleaned} files (not committed)
   * are deleted; each {@code <base>.log.swap} (committed) replaces the segments whose base offsets
   * fall in {@code [base, swap's next offset)}, then takes the name {@code <base>.log}. Index swaps
   * are deleted and the indexes of the swapped segment are rebuilt.
   */
  private static void completeSwaps(Path dir, PartitionId id) throws IOException {
    List<Path> logSwaps = new ArrayList<>();
    List<Long> segmentBases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(LogSegment.CLEANED_SUFFIX)) {
          LOG.info("Deleting uncommitted cleaner output: topicPartition={} file={}", id, f);
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)) {
          logSwaps.add(f);
        } else if (name.endsWith(LogSegment.SWAP_SUFFIX)) {
          Files.deleteIfExists(f);
        } else if (name.endsWith(LogSegment.LOG_SUFFIX)
            && name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
          segmentBases.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    if (logSwaps.isEmpty()) {
      return;
    }
    logSwaps.sort(null);
    for (Path swap : logSwaps) {
      long base = Long.parseLong(swap.getFileName().toString().substring(0, 20));
      long next = Math.max(base + 1, nextOffsetOf(swap, base));
      for (long covered : segmentBases) {
        if (covered >= base && covered < next) {
          Files.deleteIfExists(dir.resolve(LogSegment.fileName(covered, LogSegment.LOG_SUFFIX)));
        }
      }
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
      Files.move(swap, dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
      LOG.warn(
          "Completed an interrupted clean: topicPartition={} file={} offset={} nextOffset={}",
          id,
          swap,
          base,
          next);
    }
    AtomicFiles.fsyncDirectory(dir);
  }

  /** The offset after the last whole batch of a segment file (its base if it has none). */
  private static long nextOffsetOf(Path logFile, long base) throws IOException {
    long next = base;
    try (FileChannel ch = FileChannel.open(logFile)) {
      long size = ch.size();
      long pos = 0;
      ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
      while (size - pos >= RecordBatchHeader.HEADER_SIZE) {
        header.clear();
        int n = 0;
        while (header.hasRemaining() && n >= 0) {
          n = ch.read(header, pos + header.position());
        }
        if (header.hasRemaining()) {
          break;
        }
        RecordBatchHeader h = RecordBatchHeader.parse(header, 0);
        if (h.batchLength() < 0 || pos + h.sizeInBytes() > size) {
          break;
        }
        next = h.nextOffset();
        pos += h.sizeInBytes();
      }
    }
    return next;
  }

  /** Deletes the files of the segments at {@code bases} (after a truncated one at recovery). */
  static void deleteSegmentFiles(Path dir, PartitionId id, List<Long> bases) throws IOException {
    for (long base : bases) {
      LOG.warn(
          "Deleting segment after a truncated one: topicPartition={} file={} offset={}",
          id,
          dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)),
          base);
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)));
      Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
    }
  }

  /** The log, index and time index of the segment at {@code base}, in that order. */
  private static List<Path> segmentFiles(Path dir, long base) {
    return List.of(
        dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)),
        dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)),
        dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
  }

  /** Drops a clean's output that will not be swapped in. */
  static void deleteCleaned(Path dir, long base) throws IOException {
    for (Path p : segmentFiles(dir, base)) {
      Files.deleteIfExists(withSuffix(p, LogSegment.CLEANED_SUFFIX));
    }
  }

  /**
   * The swap's commit point: renames the cleaned indexes, then the cleaned log, to {@code .swap}
   * and fsyncs the directory. From here a crash completes the swap at load.
   */
  static void commitCleaned(Path dir, long base) throws IOException {
    List<Path> files = segmentFiles(dir, base);
    for (Path p : List.of(files.get(1), files.get(2), files.get(0))) {
      Files.move(withSuffix(p, LogSegment.CLEANED_SUFFIX), withSuffix(p, LogSegment.SWAP_SUFFIX));
    }
    AtomicFiles.fsyncDirectory(dir);
  }

  /** Gives the swap files their final names (the old segments renamed away first), durably. */
  static void completeSwap(Path dir, long base) throws IOException {
    for (Path p : segmentFiles(dir, base)) {
      Files.move(withSuffix(p, LogSegment.SWAP_SUFFIX), p);
    }
    AtomicFiles.fsyncDirectory(dir);
  }

  private static Path withSuffix(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + suffix);
  }
}
