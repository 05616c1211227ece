package io.logstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserTest {
  private static final SupportedVersions EVERYTHING = (key, version) -> true;

  static ByteBuffer encode(ApiKeys key, short version, ApiMessage body, int correlationId) {
    RequestHeader header = new RequestHeader(key, version, "test-client", correlationId);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    short headerVersion = header.headerVersion();
    int size = header.data().size(cache, headerVersion) + body.size(cache, version);
    ByteBuffer buffer = ByteBuffer.allocate(size);
    ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
    header.data().write(accessor, cache, headerVersion);
    body.write(accessor, cache, version);
    buffer.flip();
    return buffer;
  }

  static List<Arguments> everyApiAndVersion() {
    List<Arguments> cases = new ArrayList<>();
    for (ApiKeys key : ApiKeys.values()) {
      for (short v = key.oldestVersion(); v <= key.latestVersion(false); v++) {
        cases.add(Arguments.of(key, v));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} v{1}")
  @MethodSource("everyApiAndVersion")
  void shouldRoundTripEveryApiAndVersion(ApiKeys key, short version) {
    // Given a default request body of this key and version, framed with a header
    ApiMessage body = key.messageType.newRequest();
    ByteBuffer frame = encode(key, version, body, 42);
    // When
    ParseResult result = new RequestParser(EVERYTHING).parse(frame);
    // Then it parses back to an equal body with the header intact
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    KafkaRequest request = ((ParseResult.Parsed) result).request();
    assertThat(request.apiKey()).isEqualTo(key);
    assertThat(request.version()).isEqualTo(version);
    assertThat(request.correlationId()).isEqualTo(42);
    assertThat(request.header().clientId()).isEqualTo("test-client");
    assertThat(request.body()).isEqualTo(body);
  }

  @Test
  void shouldRejectVersionOutsideOurTableBeforeParsing() {
    // Given a broker that serves Produce v3-13 only, and a Produce v2 frame
    SupportedVersions table = (key, v) -> key == ApiKeys.PRODUCE && v >= 3 && v <= 13;
    ByteBuffer frame = encode(ApiKeys.PRODUCE, (short) 3, new ProduceRequestData(), 1);
    frame.putShort(2, (short) 2);
    // When
    ParseResult result = new RequestParser(table).parse(frame);
    // Then the connection is to be closed
    assertThat(result).isInstanceOf(ParseResult.Rejected.class);
    assertThat(((ParseResult.Rejected) result).reason()).contains("unsupported version 2");
  }

  @Test
  void shouldRejectUnknownApiKey() {
    // Given a frame with API key 9999
    ByteBuffer frame = ByteBuffer.allocate(12).putShort((short) 9999).putShort((short) 0);
    frame.putInt(7).putShort((short) -1).flip();
    // When / Then
    assertThat(new RequestParser(EVERYTHING).parse(frame)).isInstanceOf(ParseResult.Rejected.class);
  }

  @Test
  void shouldAnswerTooNewApiVersionsWithFallback() {
    // Given a broker serving ApiVersions v0-4 and a v99 request (KIP-511)
    SupportedVersions table = (key, v) -> key == ApiKeys.API_VERSIONS && v <= 4;
    ByteBuffer frame = encode(ApiKeys.API_VERSIONS, (short) 4, new ApiVersionsRequestData(), 9);
    frame.putShort(2, (short) 99);
    // When
    ParseResult result = new RequestParser(table).parse(frame);
    // Then the header is kept so a v0 UNSUPPORTED_VERSION response can be sent
    assertThat(result).isInstanceOf(ParseResult.UnsupportedApiVersions.class);
    assertThat(((ParseResult.UnsupportedApiVersions) result).header().correlationId()).isEqualTo(9);
  }

  @Test
  void shouldRejectGarbageBody() {
    // Given a Produce v9 header followed by bytes that are not a Produce body
    ByteBuffer valid = encode(ApiKeys.PRODUCE, (short) 9, new ProduceRequestData(), 5);
    ByteBuffer frame = ByteBuffer.allocate(valid.remaining() + 8);
    frame.put(valid.array(), 0, valid.remaining() - 6);
    frame.put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
    frame.flip();
    // When / Then
    assertThat(new RequestParser(EVERYTHING).parse(frame)).isInstanceOf(ParseResult.Rejected.class);
  }

  @Test
  void shouldRejectFrameShorterThanHeader() {
    assertThat(new RequestParser(EVERYTHING).parse(ByteBuffer.allocate(3)))
        .isInstanceOf(ParseResult.Rejected.class);
  }
}
