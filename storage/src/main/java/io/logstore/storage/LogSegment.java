package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment: {@code <20-digit base offset>.log} plus its {@link OffsetIndex} and {@link
 * TimeIndex}.
 *
 * <p>The .log file is record batches (magic v2, see {@link RecordBatchHeader}) back to back, byte
 * for byte as clients sent them apart from the assigned baseOffset / partitionLeaderEpoch (and
 * maxTimestamp + CRC for LogAppendTime). Offsets increase strictly from batch to batch and every
 * offset is {@code >= baseOffset} and {@code <= baseOffset + Integer.MAX_VALUE}.
 *
 * <p>Threading: mutations (append, truncate, recover) run under the partition's append lock; {@link
 * #flush} under its flush lock. Readers use the volatile {@code sizeBytes}, which is published
 * after the bytes are written.
 */
final class LogSegment {
  private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";
  static final String DELETED_SUFFIX = ".deleted";

  /** Suffix of the files the cleaner writes; deleted at load (the clean did not commit). */
  static final String CLEANED_SUFFIX = ".cleaned";

  /** Suffix of cleaned files that replace segments; completed at load (the clean committed). */
  static final String SWAP_SUFFIX = ".swap";

  private final PartitionId partition;
  private final long baseOffset;
  private final int indexIntervalBytes;
  private final FileChannel channel;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private volatile Path logFile;
  private volatile int sizeBytes;
  private volatile long nextOffset;
  private volatile long maxTimestampSoFar = -1L;
  private volatile long offsetOfMaxTimestampSoFar = -1L;
  private volatile long rollingStartMs = -1L;
  private volatile boolean indexesDirty;
  private int bytesSinceLastIndexEntry;
  private long flushedSizeBytes;

  private LogSegment(
      PartitionId partition,
      Path dir,
      long baseOffset,
      LogConfig config,
      boolean create,
      String fileSuffix)
      throws IOException {
    this.partition = partition;
    this.baseOffset = baseOffset;
    this.indexIntervalBytes = config.indexIntervalBytes();
    this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + fileSuffix);
    this.channel =
        FileChannel.open(
            logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.offsetIndex =
        new OffsetIndex(
            dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + fileSuffix),
            baseOffset,
            config.segmentIndexBytes());
    this.timeIndex =
        new TimeIndex(
            dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix),
            baseOffset,
            config.segmentIndexBytes());
    if (create) {
      channel.truncate(0);
      offsetIndex.reset();
      timeIndex.reset();
    }
    long size = channel.size();
    if (size > Integer.MAX_VALUE) {
      throw new CorruptLogException(logFile + " is larger than 2 GiB: " + size + " bytes");
    }
    this.sizeBytes = (int) size;
    this.nextOffset = baseOffset;
  }

  /** Creates a new empty segment (truncating leftovers with the same name). */
  static LogSegment create(PartitionId partition, Path dir, long baseOffset, LogConfig config)
      throws IOException {
    return new LogSegment(partition, dir, baseOffset, config, true, "");
  }

  /**
   * Creates the {@code .cleaned} files the cleaner writes a replacement segment into: {@code
   * <base>.log.cleaned}, {@code <base>.index.cleaned}, {@code <base>.timeindex.cleaned}. Closed by
   * the cleaner, renamed to {@code .swap} and then into place.
   */
  static LogSegment createCleaned(
      PartitionId partition, Path dir, long baseOffset, LogConfig config) throws IOException {
    return new LogSegment(partition, dir, baseOffset, config, true, CLEANED_SUFFIX);
  }

  /** Opens an existing segment; call one of the load or recover methods next. */
  static LogSegment open(PartitionId partition, Path dir, long baseOffset, LogConfig config)
      throws IOException {
    return new LogSegment(partition, dir, baseOffset, config, false, "");
  }

  static String fileName(long offset, String suffix) {
    return String.format("%020d", offset) + suffix;
  }

  long baseOffset() {
    return baseOffset;
  }

  int sizeBytes() {
    return sizeBytes;
  }

  /** Last offset in the segment plus one, or the base offset if it is empty. */
  long nextOffset() {
    return nextOffset;
  }

  long maxTimestampSoFar() {
    return maxTimestampSoFar;
  }

  long offsetOfMaxTimestampSoFar() {
    return offsetOfMaxTimestampSoFar;
  }

  long rollingStartMs() {
    return rollingStartMs;
  }

  Path logFile() {
    return logFile;
  }

  OffsetIndex offsetIndex() {
    return offsetIndex;
  }

  TimeIndex timeIndex() {
    return timeIndex;
  }

  boolean indexesFull() {
    return offsetIndex.isFull() || timeIndex.isFull();
  }

  /** Appends already validated batches whose headers carry their final offsets. */
  void append(ByteBuffer batches, List<RecordBatchHeader> headers, long nowMs) throws IOException {
    int start = sizeBytes;
    long maxTimestampBefore = maxTimestampSoFar;
    long offsetOfMaxTimestampBefore = offsetOfMaxTimestampSoFar;
    int bytesSinceIndexBefore = bytesSinceLastIndexEntry;
    int pos = start;
    try {
      ByteBuffer src = batches.duplicate();
      long filePos = start;
      while (src.hasRemaining()) {
        filePos += channel.write(src, filePos);
      }
      for (RecordBatchHeader header : headers) {
        indexBatch(header, pos);
        pos += header.sizeInBytes();
      }
    } catch (IOException | RuntimeException e) {
      // Leave the segment as it was: an append either happens whole or not at all.
      maxTimestampSoFar = maxTimestampBefore;
      offsetOfMaxTimestampSoFar = offsetOfMaxTimestampBefore;
      bytesSinceLastIndexEntry = bytesSinceIndexBefore;
      offsetIndex.truncateToPosition(start);
      timeIndex.truncateToOffset(nextOffset);
      channel.truncate(start);
      throw e;
    }
    if (rollingStartMs < 0) {
      rollingStartMs = nowMs;
    }
    nextOffset = headers.get(headers.size() - 1).nextOffset();
    sizeBytes = pos;
  }

  private void indexBatch(RecordBatchHeader header, int pos) throws IOException {
    if (header.maxTimestamp() > maxTimestampSoFar) {
      maxTimestampSoFar = header.maxTimestamp();
      offsetOfMaxTimestampSoFar = header.lastOffset();
    }
    if (bytesSinceLastIndexEntry > indexIntervalBytes) {
      offsetIndex.append(header.lastOffset(), pos);
      if (offsetOfMaxTimestampSoFar >= 0) {
        // Batches without timestamps (-1, as old clients send) have nothing to index by time.
        timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
      }
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += header.sizeInBytes();
  }

  /**
   * Loads the indexes of a segment that needs no batch validation, then scans the batch headers
   * after the last index entry to find the next offset and the largest timestamp. Returns false,
   * having loaded nothing, when an index is missing or fails the cheap checks: like Kafka, the
   * caller then recovers the segment (validates every batch, truncates a torn tail, rebuilds the
   * indexes), since a damaged index says the files were touched after the clean shutdown.
   */
  boolean loadWithoutValidation(long nextSegmentBaseOffset) throws IOException {
    String problem = offsetIndex.load(sizeBytes);
    if (problem == null) {
      problem = timeIndex.load(nextSegmentBaseOffset);
    }
    if (problem != null) {
      LOG.warn(
          "Recovering segment with a damaged index: topicPartition={} file={} offset={}"
              + " problem={}",
          partition,
          offsetIndex.file(),
          baseOffset,
          problem);
      return false;
    }
    maxTimestampSoFar = timeIndex.lastTimestamp();
    offsetOfMaxTimestampSoFar = timeIndex.lastOffset();
    int from = offsetIndex.lookupPosition(Long.MAX_VALUE);
    scanHeaders(from, this::observeLoaded);
    markLoaded();
    return true;
  }

  private void observeLoaded(int position, RecordBatchHeader header) {
    if (header.maxTimestamp() > maxTimestampSoFar) {
      maxTimestampSoFar = header.maxTimestamp();
      offsetOfMaxTimestampSoFar = header.lastOffset();
    }
    nextOffset = header.nextOffset();
  }

  private void markLoaded() {
    if (sizeBytes > 0) {
      rollingStartMs = Math.max(rollingStartMs, 0L);
    }
    flushedSizeBytes = sizeBytes;
  }

  /** Rebuilds both indexes from the batch headers (CRCs are not checked). */
  void rebuildIndexes() throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    maxTimestampSoFar = -1L;
    offsetOfMaxTimestampSoFar = -1L;
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    scanHeaders(
        0,
        (position, header) -> {
          indexBatch(header, position);
          nextOffset = header.nextOffset();
        });
    markLoaded();
  }

  /** Receives batch headers with their file positions. */
  @FunctionalInterface
  interface HeaderVisitor {
    void visit(int position, RecordBatchHeader header) throws IOException;
  }

  /**
   * Calls {@code visitor} for each batch header from {@code fromPosition} to the segment size.
   *
   * @throws CorruptLogException if a header is torn or declares a length past the end
   */
  void scanHeaders(int fromPosition, HeaderVisitor visitor) throws IOException {
    int limit = sizeBytes;
    ByteBuffer scratch = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    int pos = fromPosition;
    while (pos < limit) {
      RecordBatchHeader header = readHeader(pos, limit, scratch);
      if (header == null || header.batchLength() < 0 || header.sizeInBytes() > limit - pos) {
        throw new CorruptLogException(
            "torn or invalid batch header in " + logFile + " at position " + pos);
      }
      visitor.visit(pos, header);
      pos += header.sizeInBytes();
    }
  }

  /** Reads the 61-byte header at {@code pos}, or returns null if it does not fit before limit. */
  private RecordBatchHeader readHeader(int pos, int limit, ByteBuffer scratch) throws IOException {
    if (limit - pos < RecordBatchHeader.HEADER_SIZE) {
      return null;
    }
    scratch.clear();
    long filePos = pos;
    while (scratch.hasRemaining()) {
      int n = channel.read(scratch, filePos);
      if (n < 0) {
        return null;
      }
      filePos += n;
    }
    return RecordBatchHeader.parse(scratch, 0);
  }

  /**
   * Validates every batch (framing, magic, CRC, offsets increasing and inside the segment),
   * truncates the file at the first bad one and rebuilds the indexes.
   *
   * @param visitor called with each valid batch header, in order
   * @return the number of bytes truncated
   */
  long recover(HeaderVisitor visitor) throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    maxTimestampSoFar = -1L;
    offsetOfMaxTimestampSoFar = -1L;
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    long fileSize = channel.size();
    int pos = 0;
    String problem = null;
    ByteBuffer overhead = ByteBuffer.allocate(RecordBatchHeader.MAGIC_OFFSET + 1);
    while (pos < fileSize) {
      problem = checkBatchAt(pos, fileSize, overhead);
      if (problem != null) {
        break;
      }
      ByteBuffer batch = ByteBuffer.allocate(overhead.getInt(RecordBatchHeader.LENGTH_OFFSET) + 12);
      readFully(batch, pos);
      int size = batch.capacity();
      if (batch.getInt(RecordBatchHeader.CRC_OFFSET)
          != RecordBatchHeader.computeCrc(batch, 0, size)) {
        problem = "CRC mismatch";
        break;
      }
      RecordBatchHeader header = RecordBatchHeader.parse(batch, 0);
      if (header.baseOffset() < nextOffset
          || header.lastOffsetDelta() < 0
          || header.lastOffset() - baseOffset > Integer.MAX_VALUE) {
        problem =
            "batch offsets "
                + header.baseOffset()
                + ".."
                + header.lastOffset()
                + " do not follow "
                + (nextOffset - 1);
        break;
      }
      visitor.visit(pos, header);
      indexBatch(header, pos);
      nextOffset = header.nextOffset();
      pos += size;
    }
    long truncated = fileSize - pos;
    if (truncated > 0) {
      LOG.warn(
          "Truncating invalid tail: topicPartition={} file={} position={} offset={} bytes={}"
              + " problem={}",
          partition,
          logFile,
          pos,
          nextOffset,
          truncated,
          problem);
      channel.truncate(pos);
    }
    sizeBytes = pos;
    markLoaded();
    return truncated;
  }

  private String checkBatchAt(int pos, long fileSize, ByteBuffer overhead) throws IOException {
    if (fileSize - pos < RecordBatchHeader.HEADER_SIZE) {
      return "torn batch header (" + (fileSize - pos) + " bytes left)";
    }
    overhead.clear();
    readFully(overhead, pos);
    byte magic = overhead.get(RecordBatchHeader.MAGIC_OFFSET);
    if (magic != RecordBatchHeader.MAGIC_V2) {
      return "magic " + magic;
    }
    int batchLength = overhead.getInt(RecordBatchHeader.LENGTH_OFFSET);
    if (batchLength < RecordBatchHeader.HEADER_SIZE - RecordBatchHeader.LOG_OVERHEAD) {
      return "batchLength " + batchLength;
    }
    if (RecordBatchHeader.LOG_OVERHEAD + (long) batchLength > fileSize - pos) {
      return "torn batch: declares " + batchLength + " bytes, file has " + (fileSize - pos - 12);
    }
    return null;
  }

  private void readFully(ByteBuffer buf, long filePos) throws IOException {
    long p = filePos;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of " + logFile + " at position " + p);
      }
      p += n;
    }
  }

  /** The header of the first batch, or null if the segment is empty. */
  RecordBatchHeader firstBatchHeader() throws IOException {
    return readHeader(0, sizeBytes, ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE));
  }

  /** Position and header of the first batch whose last offset is >= offset, or null. */
  private Located locate(long offset, int limit) throws IOException {
    ByteBuffer scratch = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    int pos = offsetIndex.lookupPosition(offset);
    while (pos < limit) {
      RecordBatchHeader header = readHeader(pos, limit, scratch);
      if (header == null) {
        return null;
      }
      if (header.lastOffset() >= offset) {
        return new Located(pos, header);
      }
      pos += header.sizeInBytes();
    }
    return null;
  }

  private record Located(int position, RecordBatchHeader header) {}

  /**
   * Whole batches from the one containing {@code offset}; see {@link PartitionLog#read}.
   *
   * @return null if this segment has no batch with a last offset >= offset
   */
  LogSlice read(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
      throws IOException {
    int limit = sizeBytes;
    Path file = logFile;
    Located first = locate(offset, limit);
    if (first == null) {
      return null;
    }
    RecordBatchHeader header = first.header();
    if (header.lastOffset() >= maxOffsetExclusive) {
      return LogSlice.empty();
    }
    int total = header.sizeInBytes();
    if (total > maxBytes) {
      return minOneBatch
          ? new LogSlice(channel, file, first.position(), total, header.baseOffset())
          : LogSlice.empty();
    }
    ByteBuffer scratch = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    int pos = first.position() + total;
    while (pos < limit) {
      RecordBatchHeader next = readHeader(pos, limit, scratch);
      if (next == null
          || next.lastOffset() >= maxOffsetExclusive
          || (long) total + next.sizeInBytes() > maxBytes) {
        break;
      }
      total += next.sizeInBytes();
      pos += next.sizeInBytes();
    }
    return new LogSlice(channel, file, first.position(), total, header.baseOffset());
  }

  /** The single batch containing {@code offset}, or null. */
  LogSlice batchContaining(long offset) throws IOException {
    Located found = locate(offset, sizeBytes);
    if (found == null || found.header().baseOffset() > offset) {
      return null;
    }
    return new LogSlice(
        channel,
        logFile,
        found.position(),
        found.header().sizeInBytes(),
        found.header().baseOffset());
  }

  /** The first batch with maxTimestamp >= timestampMs and last offset < maxOffsetExclusive. */
  LogSlice firstBatchWithMaxTimestampAtLeast(long timestampMs, long maxOffsetExclusive)
      throws IOException {
    int limit = sizeBytes;
    int pos = offsetIndex.lookupPosition(timeIndex.lookupOffsetBelow(timestampMs));
    ByteBuffer scratch = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    while (pos < limit) {
      RecordBatchHeader header = readHeader(pos, limit, scratch);
      if (header == null || header.lastOffset() >= maxOffsetExclusive) {
        return null;
      }
      if (header.maxTimestamp() >= timestampMs) {
        return new LogSlice(channel, logFile, pos, header.sizeInBytes(), header.baseOffset());
      }
      pos += header.sizeInBytes();
    }
    return null;
  }

  /**
   * Drops every batch whose last offset is >= offset (a batch straddling it goes entirely).
   *
   * @return the new next offset of this segment
   */
  long truncateTo(long offset) throws IOException {
    Located found = locate(offset, sizeBytes);
    if (found == null) {
      return nextOffset;
    }
    int pos = found.position();
    channel.truncate(pos);
    sizeBytes = pos;
    offsetIndex.truncateToPosition(pos);
    timeIndex.truncateToOffset(found.header().baseOffset());
    flushedSizeBytes = Math.min(flushedSizeBytes, pos);
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    maxTimestampSoFar = timeIndex.lastTimestamp();
    offsetOfMaxTimestampSoFar = timeIndex.lastOffset();
    scanHeaders(offsetIndex.lookupPosition(Long.MAX_VALUE), this::observeLoaded);
    if (pos == 0) {
      rollingStartMs = -1L;
      maxTimestampSoFar = -1L;
      offsetOfMaxTimestampSoFar = -1L;
    }
    return nextOffset;
  }

  /** Called when a newer segment becomes active: final time index entry, fsync indexes soon. */
  void onBecomeInactive() throws IOException {
    if (maxTimestampSoFar >= 0 && !timeIndex.isFull()) {
      timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
    }
    indexesDirty = true;
  }

  /** Marks the indexes for fsync on the next flush (clean close). */
  void markIndexesDirty() {
    indexesDirty = true;
  }

  boolean needsFlush() {
    return sizeBytes > flushedSizeBytes || indexesDirty;
  }

  /**
   * Fsyncs the log bytes written so far and, if marked, the indexes. Caller holds the flush lock.
   *
   * @return the number of fsyncs issued
   */
  int flush(ChannelSyncer syncer) throws IOException {
    int fsyncs = 0;
    int size = sizeBytes;
    if (size > flushedSizeBytes) {
      syncer.force(channel, logFile);
      flushedSizeBytes = size;
      fsyncs++;
    }
    if (indexesDirty) {
      indexesDirty = false;
      offsetIndex.flush();
      timeIndex.flush();
      fsyncs += 2;
    } else {
      offsetIndex.writePending();
      timeIndex.writePending();
    }
    return fsyncs;
  }

  /** Renames the three files to {@code <name>.deleted}; the channels stay open for readers. */
  void renameToDeleted() throws IOException {
    Path dir = logFile.getParent();
    logFile = renameDeleted(logFile);
    renameDeleted(offsetIndex.file());
    renameDeleted(timeIndex.file());
    LOG.debug(
        "Segment renamed for deletion: topicPartition={} dir={} offset={}",
        partition,
        dir,
        baseOffset);
  }

  private static Path renameDeleted(Path file) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    if (Files.exists(file)) {
      Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Closes the channels and deletes the files renamed by {@link #renameToDeleted}. */
  void closeAndDelete() throws IOException {
    close();
    Files.deleteIfExists(logFile);
    Files.deleteIfExists(deletedName(offsetIndex.file()));
    Files.deleteIfExists(deletedName(timeIndex.file()));
  }

  private static Path deletedName(Path file) {
    return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
  }

  void close() throws IOException {
    try {
      channel.close();
    } finally {
      try {
        offsetIndex.close();
      } finally {
        timeIndex.close();
      }
    }
  }

  @Override
  public String toString() {
    return "LogSegment[" + partition + " base=" + baseOffset + " size=" + sizeBytes + "]";
  }
}
