package io.logstore.broker.dispatch;

import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a handler knows about the request besides its body. {@code clientHost} is the peer address
 * as Kafka reports it ({@code /127.0.0.1}). {@code connectionExecutor} runs tasks on the thread
 * that owns the connection (its event loop), seen only as an executor: handlers do not know Netty.
 */
public record RequestContext(
    RequestHeader header,
    String connectionId,
    String clientHost,
    ScheduledExecutorService connectionExecutor,
    long receivedAtMs) {
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
