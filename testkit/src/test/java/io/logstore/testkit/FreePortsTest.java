package io.logstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void recognisesAPortTakenBeforeTheChildBoundIt() {
    // Given the start-up failures a taken port causes (Ratis's gRPC server, Netty, Kafka)
    IllegalStateException ratis =
        new IllegalStateException(
            "LogStore exited during startup; log x.log:\njava.io.IOException: Failed to bind to"
                + " address /127.0.0.1:40879");
    IllegalStateException suppressed = new IllegalStateException("node 2 failed");
    suppressed.addSuppressed(
        new IllegalStateException("wrapped", new IOException("Address already in use")));

    // Then they are recognised, and other failures are not
    assertThat(FreePorts.taken(ratis)).isTrue();
    assertThat(FreePorts.taken(suppressed)).isTrue();
    assertThat(FreePorts.taken(new IllegalStateException("LogStore exited: bad config"))).isFalse();
  }
}
