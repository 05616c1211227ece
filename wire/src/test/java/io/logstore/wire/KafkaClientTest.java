package io.logstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker-to-broker client against a hand-written peer on a loopback socket. */
class KafkaClientTest {
  private static final short VERSION = 3;

  private final KafkaClient client = new KafkaClient("test", "test-client-io", 1, 1 << 20);
  private final ServerSocket server;

  KafkaClientTest() throws IOException {
    server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    client.close();
  }

  private KafkaClient.Connection connection() {
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    return client.connection(() -> address, 2_000);
  }

  /** Reads one request frame; returns its correlation id. */
  private static int readRequest(DataInputStream in) throws IOException {
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    return RequestHeader.parse(ByteBuffer.wrap(frame)).correlationId();
  }

  private static void writeResponse(DataOutputStream out, int correlationId, short errorCode)
      throws IOException {
    ApiVersionsResponseData body = new ApiVersionsResponseData().setErrorCode(errorCode);
    ByteBuffer frame =
        RequestUtils.serialize(
            new ResponseHeaderData().setCorrelationId(correlationId),
            ApiKeys.API_VERSIONS.responseHeaderVersion(VERSION),
            body,
            VERSION);
    out.writeInt(frame.remaining());
    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    out.flush();
  }

  @Test
  void anAnswerIsMatchedByCorrelationIdAndParsed() throws Exception {
    // Given a connection to a peer that answers each request with error code 35
    KafkaClient.Connection connection = connection();
    var first = connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 2_000);
    try (Socket peer = server.accept()) {
      DataInputStream in = new DataInputStream(peer.getInputStream());
      DataOutputStream out = new DataOutputStream(peer.getOutputStream());

      // When it answers two requests in turn
      writeResponse(out, readRequest(in), (short) 35);
      ApiMessage a = first.get(5, TimeUnit.SECONDS);
      var second =
          connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 2_000);
      int correlation = readRequest(in);
      writeResponse(out, correlation, (short) 0);

      // Then each answer completes its own request, parsed as the API's response
      assertThat(((ApiVersionsResponseData) a).errorCode()).isEqualTo((short) 35);
      assertThat(((ApiVersionsResponseData) second.get(5, TimeUnit.SECONDS)).errorCode()).isZero();
      assertThat(correlation).isEqualTo(2);
    }
  }

  @Test
  void aRequestWithoutAnAnswerTimesOutAndTheNextOneReconnects() throws Exception {
    // Given a peer that reads the request and never answers
    KafkaClient.Connection connection = connection();
    var lost = connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 300);
    try (Socket silent = server.accept()) {
      readRequest(new DataInputStream(silent.getInputStream()));

      // When the timeout passes
      // Then the request fails with a timeout
      assertThatThrownBy(() -> lost.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);

      // And the next request goes over a new connection that answers
      var next =
          connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 2_000);
      try (Socket peer = server.accept()) {
        DataInputStream in = new DataInputStream(peer.getInputStream());
        writeResponse(new DataOutputStream(peer.getOutputStream()), readRequest(in), (short) 0);
        assertThat(next.get(5, TimeUnit.SECONDS)).isInstanceOf(ApiVersionsResponseData.class);
      }
    }
  }

  @Test
  void aPeerThatClosesOrAnswersGarbageFailsTheRequest() throws Exception {
    // Given a peer that closes the connection after reading the request
    KafkaClient.Connection connection = connection();
    var closed =
        connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 5_000);
    try (Socket peer = server.accept()) {
      readRequest(new DataInputStream(peer.getInputStream()));
    }
    // Then the request fails at once, not at its timeout
    assertThatThrownBy(() -> closed.get(3, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);

    // Given a peer that answers with the wrong correlation id
    var mismatched =
        connection.send(ApiKeys.API_VERSIONS, VERSION, new ApiVersionsRequestData(), 5_000);
    try (Socket peer = server.accept()) {
      DataInputStream in = new DataInputStream(peer.getInputStream());
      writeResponse(new DataOutputStream(peer.getOutputStream()), readRequest(in) + 7, (short) 0);
      // Then that fails the request too
      assertThatThrownBy(() -> mismatched.get(3, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("correlation id");
    }
  }
}
