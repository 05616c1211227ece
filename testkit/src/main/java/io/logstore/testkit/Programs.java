package io.logstore.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs client programs in their own process: a JVM with a chosen classpath (older kafka-clients),
 * Debian's {@code /usr/bin/python3} (python3-kafka, python3-confluent-kafka) or {@code node}
 * (KafkaJS). Output goes to files, never pipes; a process alive at its deadline is killed.
 */
public final class Programs {

  /** Debian's interpreter: the apt packages are visible to it, maybe not to another python3. */
  public static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");

  private Programs() {}

  /** {@code java -cp classpath mainClass args} on the running JDK. */
  public static ProcessResult java(
      String classpath, String mainClass, List<String> args, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(Processes.javaExecutable());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return Processes.run(command, null, timeout);
  }

  /** {@code /usr/bin/python3 script args}; a missing interpreter is a test failure. */
  public static ProcessResult python(Path script, List<String> args, Duration timeout) {
    if (!Files.isExecutable(DEBIAN_PYTHON)) {
      throw new AssertionError(DEBIAN_PYTHON + " is missing: run .ci/run");
    }
    return run(DEBIAN_PYTHON.toString(), script, args, timeout);
  }

  /** {@code node script args} with node from PATH. */
  public static ProcessResult node(Path script, List<String> args, Duration timeout) {
    return run("node", script, args, timeout);
  }

  private static ProcessResult run(
      String interpreter, Path script, List<String> args, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(interpreter);
    command.add(script.toString());
    command.addAll(args);
    return Processes.run(command, null, timeout);
  }
}
