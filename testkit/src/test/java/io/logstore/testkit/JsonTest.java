package io.logstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void shouldReadAVerifiableProducerAck() {
    // Given a producer_send_success line as VerifiableProducer 4.3.1 prints it
    String line =
        "{\"timestamp\":1795328343688,\"name\":\"producer_send_success\",\"key\":\"78\","
            + "\"value\":\"16278\",\"offset\":3580,\"topic\":\"fault-test\",\"partition\":2}";

    // When it is parsed
    Map<String, Object> event = Json.parseObject(line);

    // Then numbers are longs and strings stay strings
    assertThat(event)
        .containsEntry("name", "producer_send_success")
        .containsEntry("value", "16278")
        .containsEntry("offset", 3580L)
        .containsEntry("partition", 2L)
        .containsEntry("timestamp", 1795328343688L);
  }

  @Test
  void shouldReadNestedArraysEscapesAndLiterals() {
    // Given an offsets_committed-like line with an array, an escape, a null and a boolean
    String line =
        "{\"name\":\"offsets_committed\",\"offsets\":[{\"topic\":\"t\",\"partition\":0,"
            + "\"offset\":12}],\"error\":null,\"success\":true,\"text\":\"a\\\"b\\u0041\","
            + "\"rate\":2.5e1}";

    // When it is parsed
    Map<String, Object> event = Json.parseObject(line);

    // Then every kind of value comes back
    assertThat(event.get("offsets"))
        .isEqualTo(List.of(Map.of("topic", "t", "partition", 0L, "offset", 12L)));
    assertThat(event).containsEntry("error", null).containsEntry("success", true);
    assertThat(event).containsEntry("text", "a\"bA").containsEntry("rate", 25.0);
  }

  @Test
  void shouldRejectTruncatedOrTrailingInput() {
    assertThatThrownBy(() -> Json.parseObject("{\"name\":\"record_data\",\"value\":\"1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parseObject("{\"a\":1} x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
