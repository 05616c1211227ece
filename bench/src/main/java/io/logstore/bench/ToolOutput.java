package io.logstore.bench;

import io.logstore.testkit.ProcessResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the final summary lines of Kafka 4.3.1's performance tools. */
final class ToolOutput {

  /**
   * ProducerPerformance's last line: {@code 1000000 records sent, 45000.1 records/sec (43.95
   * MB/sec), 500.00 ms avg latency, 1400.00 ms max latency, 400 ms 50th, 1300 ms 95th, 1400 ms
   * 99th, 1450 ms 99.9th.}
   */
  record ProducerSummary(
      long records,
      double recordsPerSecond,
      double mibPerSecond,
      double avgMs,
      double maxMs,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double p999Ms) {}

  /** ConsumerPerformance's summary, from its header and value lines. */
  record ConsumerSummary(
      long records, double mibPerSecond, double fetchMibPerSecond, double rebalanceMs) {}

  /** EndToEndLatency: average (0.1 µs) and whole-millisecond percentiles, rounded down. */
  record EndToEndSummary(double avgMs, double p50Ms, double p99Ms, double p999Ms) {}

  private static final Pattern PRODUCER =
      Pattern.compile(
          "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg"
              + " latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms"
              + " 99th, (\\d+) ms 99.9th");
  private static final Pattern E2E_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
  private static final Pattern E2E_PERCENTILES =
      Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");

  private ToolOutput() {}

  static ProducerSummary producer(ProcessResult result) {
    requireSuccess("ProducerPerformance", result);
    Matcher last = null;
    Matcher m = PRODUCER.matcher(result.stdout());
    while (m.find()) {
      last = PRODUCER.matcher(m.group());
      last.matches();
    }
    if (last == null) {
      throw new ToolFailedException("ProducerPerformance printed no summary line", result);
    }
    return new ProducerSummary(
        Long.parseLong(last.group(1)),
        Double.parseDouble(last.group(2)),
        Double.parseDouble(last.group(3)),
        Double.parseDouble(last.group(4)),
        Double.parseDouble(last.group(5)),
        Double.parseDouble(last.group(6)),
        Double.parseDouble(last.group(7)),
        Double.parseDouble(last.group(8)),
        Double.parseDouble(last.group(9)));
  }

  static ConsumerSummary consumer(ProcessResult result) {
    requireSuccess("ConsumerPerformance", result);
    List<String> lines = result.stdoutLines();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("start.time")) {
        String[] names = lines.get(i).split(",\\s*");
        String[] values = lines.get(i + 1).split(",\\s*");
        Map<String, String> row = new HashMap<>();
        for (int c = 0; c < Math.min(names.length, values.length); c++) {
          row.put(names[c].strip(), values[c].strip());
        }
        return new ConsumerSummary(
            Long.parseLong(row.get("data.consumed.in.nMsg")),
            Double.parseDouble(row.get("MB.sec")),
            Double.parseDouble(row.get("fetch.MB.sec")),
            Double.parseDouble(row.get("rebalance.time.ms")));
      }
    }
    throw new ToolFailedException("ConsumerPerformance printed no summary", result);
  }

  static EndToEndSummary endToEnd(ProcessResult result) {
    requireSuccess("EndToEndLatency", result);
    Matcher avg = E2E_AVG.matcher(result.stdout());
    Matcher pct = E2E_PERCENTILES.matcher(result.stdout());
    if (!avg.find() || !pct.find()) {
      throw new ToolFailedException("EndToEndLatency printed no summary", result);
    }
    return new EndToEndSummary(
        Double.parseDouble(avg.group(1)),
        Double.parseDouble(pct.group(1)),
        Double.parseDouble(pct.group(2)),
        Double.parseDouble(pct.group(3)));
  }

  private static void requireSuccess(String tool, ProcessResult result) {
    if (result.timedOut() || result.exitCode() != 0) {
      throw new ToolFailedException(tool + " failed", result);
    }
  }

  /** A tool exited badly, timed out or printed nothing we can parse. */
  static final class ToolFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolFailedException(String message, ProcessResult result) {
      super(message + ": " + abbreviate(result.toString()));
    }

    private static String abbreviate(String text) {
      int max = 3000;
      return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    }
  }
}
