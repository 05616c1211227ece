package io.logstore.broker.dispatch;

import io.netty.channel.EventLoop;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

/** What a handler knows about the request besides its body. */
public record RequestContext(
    RequestHeader header, String connectionId, EventLoop eventLoop, long receivedAtMs) {
  public short version() {
    return header.apiVersion();
  }

  public ApiKeys apiKey() {
    return header.apiKey();
  }

  public String clientId() {
    return header.clientId();
  }
}
