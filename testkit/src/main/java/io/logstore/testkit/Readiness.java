package io.logstore.testkit;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;

/** Waits until a forked broker answers a Metadata request that lists at least one broker. */
final class Readiness {

  /** Metadata v4: non-flexible, served by Kafka 4.x and by every client generation we test. */
  private static final short METADATA_VERSION = 4;

  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private Readiness() {}

  static void awaitMetadata(
      String name, int port, Duration timeout, BooleanSupplier alive, Path logFile) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastFailure = "never connected";
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException(
            name
                + " exited during startup; log "
                + logFile
                + ":\n"
                + Processes.tail(logFile, 4000));
      }
      try {
        if (answersMetadata(port)) {
          return;
        }
        lastFailure = "Metadata answered with no brokers";
      } catch (UncheckedIOException | IllegalStateException | AssertionError e) {
        lastFailure = e.toString();
      }
      sleep(POLL_INTERVAL);
    }
    throw new IllegalStateException(
        name
            + " did not answer Metadata on 127.0.0.1:"
            + port
            + " within "
            + timeout
            + " ("
            + lastFailure
            + "); log "
            + logFile
            + ":\n"
            + Processes.tail(logFile, 4000));
  }

  private static boolean answersMetadata(int port) {
    try (RawKafkaConnection connection =
        RawKafkaConnection.connect("127.0.0.1", port, Duration.ofSeconds(2))) {
      MetadataRequestData request =
          new MetadataRequestData().setTopics(new ArrayList<>()).setAllowAutoTopicCreation(false);
      RawKafkaConnection.Response<MetadataResponseData> response =
          connection.roundTrip(request, METADATA_VERSION);
      return !response.body().brokers().isEmpty();
    }
  }

  /** The only sleep in testkit: the pause between readiness polls of a starting process. */
  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a broker", e);
    }
  }
}
