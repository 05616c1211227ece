package io.logstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Forking and stopping child processes; output always goes to files, never to pipes. */
final class Processes {

  private Processes() {}

  /** The {@code java} launcher of the running JVM, so children use the same JDK. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs {@code command} to completion or until {@code timeout}, feeding it {@code stdin} (may be
   * null for none), and returns its output. A process still alive at the deadline is killed.
   */
  static ProcessResult run(List<String> command, String stdin, Duration timeout) {
    Path dir = tempDir("logstore-proc-");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Path in = dir.resolve("stdin");
    try {
      Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
      Process process =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      return new ProcessResult(
          exited ? process.exitValue() : -1,
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          !exited);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteRecursively(dir);
    }
  }

  /** SIGTERM, then SIGKILL if the process is still alive after {@code grace}. */
  static void terminate(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL and wait (bounded) for the process to be gone. */
  static void kill(Process process) {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("process " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code kill -NAME pid}, e.g. STOP or CONT; the process must be alive. */
  static void signal(Process process, String name) {
    if (!process.isAlive()) {
      throw new IllegalStateException("process " + process.pid() + " is not running");
    }
    ProcessResult r =
        run(
            List.of("kill", "-" + name, Long.toString(process.pid())),
            null,
            Duration.ofSeconds(10));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + r);
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir", e);
    }
  }

  /** The directory where forked brokers write their logs: {@code target/broker-logs}. */
  static Path logDir() {
    Path dir = Path.of("target", "broker-logs").toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** Last {@code maxChars} characters of a log file, for failure messages. */
  static String tail(Path file, int maxChars) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.length() <= maxChars ? text : text.substring(text.length() - maxChars);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
