package io.logstore.compattests;

import io.logstore.testkit.BrokerUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The results file behind {@code docs/compatibility.md}: scenarios append one line per (broker,
 * client, feature) cell they check; {@link CompatReportListener} empties it when a run starts and
 * renders the matrix from it when the run ends.
 *
 * <p>Format: UTF-8, one cell per line, tab-separated {@code broker client feature PASS|FAIL
 * detail}; tabs and newlines inside fields become spaces.
 */
final class CompatResults {

  /** System property naming the results file (set by the compat-tests POM). */
  static final String FILE_PROPERTY = "compat.resultsFile";

  private CompatResults() {}

  /** A cell's outcome. */
  record Cell(String broker, String client, String feature, boolean passed, String detail) {

    String toLine() {
      return String.join(
              "\t",
              clean(broker),
              clean(client),
              clean(feature),
              passed ? "PASS" : "FAIL",
              clean(detail))
          + "\n";
    }

    static Cell parse(String line) {
      String[] fields = line.split("\t", -1);
      if (fields.length != 5) {
        throw new IllegalArgumentException("not a results line: " + line);
      }
      return new Cell(fields[0], fields[1], fields[2], fields[3].equals("PASS"), fields[4]);
    }

    private static String clean(String field) {
      String text = field == null ? "" : field.replaceAll("[\t\r\n]+", " ").strip();
      return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
  }

  /** A scenario body that may throw. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body}, records the cell (pass, or fail with the error), rethrows a failure. */
  static void check(BrokerUnderTest broker, String client, String feature, Body body)
      throws Exception {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      record(new Cell(broker.name(), client, feature, false, String.valueOf(e)));
      throw e;
    }
    record(new Cell(broker.name(), client, feature, true, ""));
  }

  /** Appends one cell; no-op when the property is unset (a run outside Maven). */
  static synchronized void record(Cell cell) {
    Path file = file();
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          cell.toLine(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /** Every cell recorded so far, in order. */
  static List<Cell> read(Path file) {
    List<Cell> cells = new ArrayList<>();
    if (!Files.exists(file)) {
      return cells;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          cells.add(Cell.parse(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return cells;
  }

  static Path file() {
    String value = System.getProperty(FILE_PROPERTY);
    return value == null || value.isBlank() ? null : Path.of(value);
  }
}
