package io.logstore.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running Kafka tool (VerifiableProducer, VerifiableConsumer) forked with its stdout and
 * stderr in files; {@link #poll()} returns the JSON objects of the stdout lines completed since the
 * previous call. Lines that are not JSON objects (a deprecation notice) are skipped. Not
 * thread-safe: one caller polls.
 */
public final class JsonLinesTool implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** Bound on one read of new output, so a poll never holds more than this in memory at once. */
  private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private long readOffset;
  private final StringBuilder partialLine = new StringBuilder();

  private JsonLinesTool(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Forks {@code tool} with {@code args}; output goes to {@code dir/<name>.stdout|.stderr}. */
  public static JsonLinesTool start(
      KafkaTools.Tool tool, Path dir, String name, List<String> args) {
    Path out = dir.resolve(name + ".stdout");
    Path err = dir.resolve(name + ".stderr");
    List<String> command =
        KafkaRuntime.javaCommand(
            KafkaTools.log4jConfig(), List.of("-Xmx512m"), tool.mainClass(), args);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      return new JsonLinesTool(name, process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fork " + tool.mainClass(), e);
    }
  }

  /** The JSON objects of the stdout lines completed since the last call. */
  public List<Map<String, Object>> poll() {
    List<Map<String, Object>> events = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(stdout.toFile(), "r")) {
      while (readOffset < file.length()) {
        int length = (int) Math.min(MAX_READ_BYTES, file.length() - readOffset);
        byte[] bytes = new byte[length];
        file.seek(readOffset);
        file.readFully(bytes);
        int complete = lastNewline(bytes) + 1;
        if (complete == 0 && length < MAX_READ_BYTES) {
          break; // only part of a line so far: read it when the rest is written
        }
        int consumed = complete == 0 ? length : complete;
        readOffset += consumed;
        partialLine.append(new String(bytes, 0, consumed, StandardCharsets.UTF_8));
        drainLines(events);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stdout, e);
    }
    return events;
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void drainLines(List<Map<String, Object>> events) {
    int newline;
    while ((newline = partialLine.indexOf("\n")) >= 0) {
      String line = partialLine.substring(0, newline).strip();
      partialLine.delete(0, newline + 1);
      if (line.startsWith("{")) {
        events.add(Json.parseObject(line));
      }
    }
  }

  /** Whether the tool is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the tool to exit by itself; true if it did. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** The exit code; the tool must have exited. */
  public int exitCode() {
    return process.exitValue();
  }

  /** SIGTERM (the tools print their shutdown events from a shutdown hook), SIGKILL after 30 s. */
  public void stop() {
    Processes.terminate(process, STOP_GRACE);
  }

  /** The last few KB of the tool's stderr, for failure messages. */
  public String stderrTail() {
    return Processes.tail(stderr, 4000);
  }

  /** Where the tool's stdout goes. */
  public Path stdoutFile() {
    return stdout;
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
