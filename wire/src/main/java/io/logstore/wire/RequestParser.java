package io.logstore.wire;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Parses a frame into a header and a generated {@code *RequestData} body.
 *
 * <p>The version is checked against the broker's own table <em>before</em> the body is parsed:
 * kafka-clients 4.x reads some removed versions with a newer layout instead of failing.
 */
public final class RequestParser {
  private static final int MIN_HEADER_BYTES = 8; // api key, version, correlation id

  private final SupportedVersions supported;

  public RequestParser(SupportedVersions supported) {
    this.supported = supported;
  }

  /** Parses {@code frame}; views into it stay valid only while the caller holds the frame. */
  public ParseResult parse(ByteBuffer frame) {
    int frameSize = frame.remaining();
    if (frameSize < MIN_HEADER_BYTES) {
      return new ParseResult.Rejected("frame of " + frameSize + " bytes is shorter than a header");
    }
    short apiKeyId = frame.getShort(frame.position());
    short version = frame.getShort(frame.position() + 2);
    if (!ApiKeys.hasId(apiKeyId)) {
      return new ParseResult.Rejected("unknown API key " + apiKeyId);
    }
    ApiKeys apiKey = ApiKeys.forId(apiKeyId);
    boolean versionSupported = supported.isSupported(apiKey, version);
    if (!versionSupported && apiKey != ApiKeys.API_VERSIONS) {
      return new ParseResult.Rejected("unsupported version " + version + " of " + apiKey);
    }
    RequestHeader header;
    try {
      header = RequestHeader.parse(frame);
    } catch (RuntimeException e) {
      return new ParseResult.Rejected("bad request header: " + e.getMessage());
    }
    if (!versionSupported) {
      return new ParseResult.UnsupportedApiVersions(header);
    }
    try {
      ApiMessage body = apiKey.messageType.newRequest();
      body.read(new ByteBufferAccessor(frame), version);
      return new ParseResult.Parsed(new KafkaRequest(header, body, frameSize));
    } catch (RuntimeException e) {
      return new ParseResult.Rejected(
          "cannot parse " + apiKey + " v" + version + " body: " + e.getMessage());
    }
  }
}
