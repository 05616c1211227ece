package io.logstore.testkit;

/**
 * What a forked tool left behind.
 *
 * @param exitCode the exit code, or -1 if the process was killed after {@code timedOut}
 * @param stdout everything written to standard output (UTF-8)
 * @param stderr everything written to standard error (UTF-8)
 * @param timedOut whether the process was still running at its deadline and was killed
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut) {

  /** Standard output split into lines, without a trailing empty line. */
  public java.util.List<String> stdoutLines() {
    return stdout.isEmpty() ? java.util.List.of() : java.util.List.of(stdout.split("\r?\n"));
  }

  @Override
  public String toString() {
    return "exit "
        + exitCode
        + (timedOut ? " (timed out)" : "")
        + "\n--- stdout ---\n"
        + stdout
        + "\n--- stderr ---\n"
        + stderr;
  }
}
