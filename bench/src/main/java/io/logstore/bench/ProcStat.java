package io.logstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux {@code /proc} says about a broker process: CPU time, resident memory and age.
 *
 * <p>Clock ticks are {@code USER_HZ}, 100 on every Linux x86-64 and arm64 kernel.
 */
final class ProcStat {

  private static final double TICKS_PER_SECOND = 100.0;

  // Fields of /proc/<pid>/stat counted from the one after the ")" that closes the command name.
  private static final int UTIME_FIELD = 11;
  private static final int STIME_FIELD = 12;
  private static final int STARTTIME_FIELD = 19;

  private ProcStat() {}

  /** User plus system CPU seconds the process has used so far (all its threads). */
  static double cpuSeconds(long pid) {
    String[] fields = statFields(pid);
    long ticks = Long.parseLong(fields[UTIME_FIELD]) + Long.parseLong(fields[STIME_FIELD]);
    return ticks / TICKS_PER_SECOND;
  }

  /** Seconds since the process was started (10 ms resolution). */
  static double ageSeconds(long pid) {
    String[] fields = statFields(pid);
    double startedAfterBoot = Long.parseLong(fields[STARTTIME_FIELD]) / TICKS_PER_SECOND;
    String uptime = read(Path.of("/proc/uptime"));
    double now = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
    return now - startedAfterBoot;
  }

  /** {@code VmRSS} in MiB. */
  static double residentMib(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String kib = line.substring("VmRSS:".length()).replace("kB", "").strip();
        return Long.parseLong(kib) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  private static String[] statFields(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (has the broker exited?)", e);
    }
  }
}
