package io.logstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
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

  @Test
  void handsOutDistinctBindablePortsBelowTheEphemeralRange() throws IOException {
    // When ports are asked for one after another
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ports.add(FreePorts.next());
    }

    // Then each is distinct, below the range outgoing connections take ports from, and bindable
    assertThat(ports).hasSize(20).allMatch(p -> p >= 10_000 && p < FreePorts.ephemeralStart());
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
