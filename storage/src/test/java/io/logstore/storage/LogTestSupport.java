package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens LogManagers on a temp dir with a manual clock and closes them after each test. */
abstract class LogTestSupport {
  static final PartitionId TP = new PartitionId("orders", 0);
  static final UUID TOPIC_ID = new UUID(42L, 7L);

  @TempDir Path root;
  final ManualClock clock = new ManualClock(1_000_000L);
  LogManager manager;

  LogConfig baseConfig() {
    return LogConfig.defaults().withFileDeleteDelayMs(0);
  }

  LogManager open() throws IOException {
    return open(ChannelSyncer.DEFAULT);
  }

  LogManager open(ChannelSyncer syncer) throws IOException {
    manager =
        LogManager.open(LogManagerConfig.of(List.of(root), baseConfig()), clock, syncer, codec());
    return manager;
  }

  /** The codec the log cleaner gets; none (compaction disabled) unless a test class says so. */
  RecordBatchCodec codec() {
    return null;
  }

  PartitionLog createLog(LogConfig config) throws IOException {
    if (manager == null) {
      open();
    }
    return manager.createLog(TP, TOPIC_ID, config);
  }

  PartitionLog reopen() throws IOException {
    manager.close();
    open();
    return manager.getLog(TP).orElseThrow();
  }

  PartitionLog crashAndReopen() throws IOException {
    manager.closeWithoutCleanShutdown();
    open();
    return manager.getLog(TP).orElseThrow();
  }

  Path partitionDir() {
    return root.resolve(TP.dirName());
  }

  Path segmentFile(long baseOffset, String suffix) {
    return partitionDir().resolve(LogSegment.fileName(baseOffset, suffix));
  }

  static AppendResult append(PartitionLog log, TestBatches batch) throws Exception {
    return log.appendAsLeader(batch.build(), 0);
  }

  static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0xff));
      b.position(0);
      ch.write(b, position);
    }
  }

  static void truncateFile(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  @AfterEach
  void closeManager() {
    if (manager != null) {
      manager.closeWithoutCleanShutdown();
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
