package io.logstore.wire;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A parsed request. The body may hold views into the network frame (produce records): it is only
 * valid until the frame is released.
 */
public record KafkaRequest(RequestHeader header, ApiMessage body, int frameSizeBytes) {
  public ApiKeys apiKey() {
    return header.apiKey();
  }

  public short version() {
    return header.apiVersion();
  }

  public int correlationId() {
    return header.correlationId();
  }
}
