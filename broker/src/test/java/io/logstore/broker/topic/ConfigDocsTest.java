package io.logstore.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.broker.config.BrokerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
  @Test
  void shouldMatchTheCommittedConfigurationPage() throws Exception {
    // Given the committed page (the broker module runs with its own directory as working dir)
    Path page = Path.of("..", "docs", "configuration.md");
    // When the page is generated from the definitions
    String generated = ConfigDocs.render();
    // Then they are the same; regenerate with
    // java -cp <broker classpath> io.logstore.broker.topic.ConfigDocs docs/configuration.md
    assertThat(Files.readString(page, StandardCharsets.UTF_8))
        .as("docs/configuration.md is stale: run ConfigDocs to regenerate it")
        .isEqualTo(generated);
    for (String key : BrokerConfig.definition().names()) {
      assertThat(generated).contains("`" + key + "`");
    }
  }
}
