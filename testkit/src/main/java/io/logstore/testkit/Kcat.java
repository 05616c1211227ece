package io.logstore.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@code kcat} (librdkafka's CLI, Debian package {@code kcat}) with a timeout.
 *
 * <p>A missing kcat is a failure, never a skip: {@code .ci/run} installs it.
 */
public final class Kcat {

  private Kcat() {}

  /** Runs {@code kcat args}, feeding {@code stdin} (null for none). */
  public static ProcessResult run(Duration timeout, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable().toString());
    command.addAll(Arrays.asList(args));
    return Processes.run(command, stdin, timeout);
  }

  /** The kcat binary on PATH; throws AssertionError (a test failure) when it is missing. */
  public static Path executable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("kcat", "kafkacat")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(
        "kcat is not installed (not found on PATH="
            + path
            + "): run `.ci/run` from the repository root, whose install step does"
            + " `apt-get install -y kcat`");
  }
}
