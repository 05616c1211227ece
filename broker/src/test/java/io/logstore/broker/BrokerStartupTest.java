package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStartupTest {
  @TempDir Path first;
  @TempDir Path second;

  @Test
  void shouldRefuseADataDirectoryInUseByAnotherBroker() throws Exception {
    // Given a running broker on a data directory
    try (TestBroker running = TestBroker.start(first, Map.of())) {
      assertThat(running.port()).isPositive();
      // When a second broker starts on the same directory, Then it fails saying why
      assertThatThrownBy(() -> TestBroker.start(first, Map.of()).close())
          .isInstanceOf(BrokerStartupException.class)
          .hasMessageContaining(first.toAbsolutePath().toString())
          .hasMessageContaining("locked");
    }
  }

  @Test
  void shouldRefuseAPortInUse() throws Exception {
    // Given a running broker
    try (TestBroker running = TestBroker.start(first, Map.of())) {
      // When a second broker (own directory) starts on the same port, Then it fails saying why
      Map<String, String> samePort = Map.of("listeners", "PLAINTEXT://127.0.0.1:" + running.port());
      assertThatThrownBy(() -> TestBroker.start(second, samePort).close())
          .isInstanceOf(BrokerStartupException.class)
          .hasMessageContaining(":" + running.port())
          .hasMessageContaining("address already in use");
    }
    // And the refused start released the second directory: a broker can start on it now
    try (TestBroker again = TestBroker.start(second, Map.of())) {
      org.assertj.core.api.Assertions.assertThat(again.port()).isPositive();
    }
  }
}
