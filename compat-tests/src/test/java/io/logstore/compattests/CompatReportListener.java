package io.logstore.compattests;

import io.logstore.testkit.Brokers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Registered through {@code META-INF/services}: empties the results directory when a run starts
 * and, when the run was the whole suite against both brokers (no {@code -Dtest}), regenerates
 * {@code docs/compatibility.md} from it. A partial run leaves the document as the last full run
 * wrote it, so the document always shows one complete run.
 */
public final class CompatReportListener implements TestExecutionListener {

  /** System property naming the generated document (set by the compat-tests POM). */
  static final String DOC_PROPERTY = "compat.docFile";

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    Path results = CompatResults.file();
    if (results == null || !Files.isDirectory(results.getParent())) {
      return;
    }
    try (Stream<Path> files = Files.list(results.getParent())) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + results.getParent(), e);
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    Path results = CompatResults.file();
    String doc = System.getProperty(DOC_PROPERTY);
    if (results == null || doc == null || !isFullRun()) {
      return;
    }
    CompatibilityDoc.write(results, Path.of(doc));
  }

  private static boolean isFullRun() {
    String test = System.getProperty("test");
    return (test == null || test.isBlank())
        && Brokers.selected().containsAll(java.util.List.of(Brokers.KAFKA, Brokers.LOGSTORE));
  }
}
