package io.logstore.bench.jmh;

import io.logstore.storage.AppendResult;
import io.logstore.storage.DurabilityMode;
import io.logstore.storage.LogConfig;
import io.logstore.storage.LogManager;
import io.logstore.storage.LogManagerConfig;
import io.logstore.storage.LogSlice;
import io.logstore.storage.PartitionId;
import io.logstore.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Storage hot paths on a temp dir: {@link PartitionLog#appendAsLeader} (batch validation with
 * CRC-32C, offset assignment, segment and index append; the page cache only, fsync is the flusher's
 * job and is left out here) and {@link PartitionLog#read} (offset-index lookup then a scan of batch
 * headers to the wanted offset).
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PartitionLogBenchmark {

  /** Small segments so the index lookup also has to pick a segment. */
  private static final long SEGMENT_BYTES = 16L * 1024 * 1024;

  /** A log in a temp dir of its own, deleted at the end of the trial. */
  abstract static class TempLog {
    Path dir;
    LogManager manager;
    PartitionLog log;

    void open() throws IOException {
      dir = Files.createTempDirectory("logstore-jmh-");
      LogConfig config =
          LogConfig.defaults()
              .withSegmentBytes(SEGMENT_BYTES)
              .withDurability(DurabilityMode.INTERVAL, Long.MAX_VALUE, Long.MAX_VALUE);
      manager = LogManager.open(LogManagerConfig.of(List.of(dir), config), Clock.systemUTC());
      log = manager.createLog(new PartitionId("jmh", 0), UUID.randomUUID(), config);
    }

    void close() throws IOException {
      manager.close();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** An empty log and one batch to append again and again. */
  @State(Scope.Thread)
  public static class AppendState extends TempLog {
    /** Records in the batch: count x bytes. */
    @Param({"1x1024", "16x100"})
    public String batch;

    ByteBuffer batchBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      open();
      batchBytes = Batches.bytes(batch);
    }

    /** Keeps the temp dir small: drop the segments written by the last iteration. */
    @TearDown(Level.Iteration)
    public void dropSegments() throws IOException {
      log.truncateFullyAndStartAt(log.logEndOffset());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
    }
  }

  /** A log of 200,000 one-record batches over several segments, read at random offsets. */
  @State(Scope.Thread)
  public static class ReadState extends TempLog {
    static final int BATCHES = 200_000;

    SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      open();
      ByteBuffer batch = Batches.bytes("1x200");
      for (int i = 0; i < BATCHES; i++) {
        try {
          log.appendAsLeader(batch.duplicate(), 0);
        } catch (Exception e) {
          throw new IllegalStateException("cannot fill the log", e);
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
    }
  }

  @Benchmark
  public AppendResult appendAsLeader(AppendState state) throws Exception {
    return state.log.appendAsLeader(state.batchBytes.duplicate(), 0);
  }

  @Benchmark
  public LogSlice readAtRandomOffset(ReadState state) {
    long offset = state.random.nextLong(ReadState.BATCHES);
    try {
      return state.log.read(offset, 64 * 1024, Long.MAX_VALUE, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
