package io.logstore.wire;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;

/** A response body with the header it goes out with. */
public record KafkaResponse(
    int correlationId, short headerVersion, ApiMessage body, short version) {

  /**
   * The response to {@code request}. ApiVersions responses always use header v0, whatever the
   * request version, so that a client can read them before it knows our ranges.
   */
  public static KafkaResponse to(RequestHeader request, ApiMessage body) {
    return to(request, body, request.apiVersion());
  }

  /** As {@link #to(RequestHeader, ApiMessage)}, with the body written at {@code version}. */
  public static KafkaResponse to(RequestHeader request, ApiMessage body, short version) {
    ApiKeys apiKey = request.apiKey();
    short headerVersion =
        apiKey == ApiKeys.API_VERSIONS ? 0 : apiKey.responseHeaderVersion(request.apiVersion());
    return new KafkaResponse(request.correlationId(), headerVersion, body, version);
  }
}
