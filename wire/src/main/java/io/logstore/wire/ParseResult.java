package io.logstore.wire;

import org.apache.kafka.common.requests.RequestHeader;

/** What {@link RequestParser} made of one frame. */
public sealed interface ParseResult {
  /** A request of a supported (API key, version), parsed. */
  record Parsed(KafkaRequest request) implements ParseResult {}

  /**
   * An ApiVersions request of a version we do not serve (KIP-511): the broker answers with a v0
   * response carrying UNSUPPORTED_VERSION and its ranges, so the client can retry lower.
   */
  record UnsupportedApiVersions(RequestHeader header) implements ParseResult {}

  /** A frame Kafka would close the connection for: unknown API, bad version, bad header or body. */
  record Rejected(String reason) implements ParseResult {}
}
