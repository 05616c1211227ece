package io.logstore.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.storage.DurabilityMode;
import io.logstore.storage.LogConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
  @Test
  void shouldDefaultToLoopback9092AndDataDirectory() {
    // Given no properties at all
    BrokerConfig config = BrokerConfig.parse(Map.of());
    // Then the embedded defaults apply
    assertThat(config.listenerAddress().getHostString()).isEqualTo("127.0.0.1");
    assertThat(config.listenerAddress().getPort()).isEqualTo(9092);
    assertThat(config.logDirs()).containsExactly(Path.of("./data"));
    assertThat(config.defaultLogConfig().durabilityMode())
        .isEqualTo(DurabilityMode.FSYNC_BEFORE_ACK);
  }

  @Test
  void shouldRejectUnknownKeyNamingIt() {
    assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.segmnet.bytes", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("log.segmnet.bytes");
  }

  @Test
  void shouldRejectInvalidValueNamingTheKey() {
    assertThatThrownBy(() -> BrokerConfig.parse(Map.of("num.partitions", "zero")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("num.partitions");
    assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listeners", "SSL://h:1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listeners");
  }

  @Test
  void shouldMapKafkaRetentionAndRollSettingsToLogConfig() {
    // Given Kafka-named settings in minutes and hours
    BrokerConfig config =
        BrokerConfig.parse(
            Map.of(
                "log.retention.minutes", "30",
                "log.roll.hours", "2",
                "log.segment.bytes", "4096",
                "logstore.fsync.before.ack", "false",
                "log.flush.interval.messages", "100"));
    // When
    LogConfig log = config.defaultLogConfig();
    // Then
    assertThat(log.retentionMs()).isEqualTo(30 * 60_000L);
    assertThat(log.segmentMs()).isEqualTo(2 * 3_600_000L);
    assertThat(log.segmentBytes()).isEqualTo(4096);
    assertThat(log.durabilityMode()).isEqualTo(DurabilityMode.INTERVAL);
    assertThat(log.flushMessages()).isEqualTo(100);
  }

  @Test
  void shouldPreferRetentionMsOverHours() {
    BrokerConfig config =
        BrokerConfig.parse(Map.of("log.retention.ms", "1000", "log.retention.hours", "1"));
    assertThat(config.defaultLogConfig().retentionMs()).isEqualTo(1000);
  }
}
