package io.logstore.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * A blocking socket speaking raw Kafka frames, for protocol-level tests: send arbitrary bytes or a
 * request built from kafka-clients' generated {@code *Data} classes, read back one response frame
 * or observe that the broker closed the connection.
 *
 * <p>Not thread-safe. Every read is bounded by the read timeout given at connect time.
 */
public final class RawKafkaConnection implements AutoCloseable {

  /** What one read attempt saw. */
  public sealed interface Reply permits Frame, Closed, NoReply {}

  /** A complete response frame (without its 4-byte size prefix). */
  public record Frame(ByteBuffer payload) implements Reply {}

  /** The broker closed (or reset) the connection before a whole frame arrived. */
  public record Closed(int bytesReadBeforeClose) implements Reply {}

  /** Nothing arrived within the read timeout and the connection is still open. */
  public record NoReply() implements Reply {}

  /** A parsed response: header and body at the version that was asked for. */
  public record Response<T extends ApiMessage>(int correlationId, T body) {}

  private static final String CLIENT_ID = "logstore-raw";
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int nextCorrelationId = 1;

  private RawKafkaConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code broker}; every later read waits at most {@code readTimeout}. */
  public static RawKafkaConnection connect(BrokerUnderTest broker, Duration readTimeout) {
    return connect(broker.host(), broker.port(), readTimeout);
  }

  /** Connects to {@code host:port}; every later read waits at most {@code readTimeout}. */
  public static RawKafkaConnection connect(String host, int port, Duration readTimeout) {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), (int) readTimeout.toMillis());
      socket.setSoTimeout((int) readTimeout.toMillis());
      return new RawKafkaConnection(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
    }
  }

  /** Writes {@code bytes} as they are (no size prefix). */
  public void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + socket.getRemoteSocketAddress(), e);
    }
  }

  /** Writes a 4-byte big-endian size followed by {@code payload}. */
  public void sendFrame(byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
    frame.putInt(payload.length).put(payload);
    sendRaw(frame.array());
  }

  /** Half-closes the connection: the broker sees end of stream, we can still read. */
  public void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot half-close", e);
    }
  }

  /** The next correlation id this connection will use. */
  public int nextCorrelationId() {
    return nextCorrelationId;
  }

  /**
   * Sends {@code body} as a request of its own API key at {@code version}, with the request header
   * version kafka-clients assigns to that version. Returns the correlation id used.
   */
  public int send(ApiMessage body, short version) {
    ApiKeys apiKey = ApiKeys.forId(body.apiKey());
    RequestHeaderData header =
        new RequestHeaderData()
            .setRequestApiKey(body.apiKey())
            .setRequestApiVersion(version)
            .setClientId(CLIENT_ID)
            .setCorrelationId(nextCorrelationId++);
    sendFrame(encode(header, apiKey.requestHeaderVersion(version), body, version));
    return header.correlationId();
  }

  /**
   * Sends an arbitrary header (any api key / version, even invalid ones) written at {@code
   * headerVersion}, followed by {@code body} written at {@code bodyVersion}.
   */
  public void send(
      RequestHeaderData header, short headerVersion, ApiMessage body, short bodyVersion) {
    sendFrame(encode(header, headerVersion, body, bodyVersion));
  }

  /** Serializes a header and body with one shared cache, as Kafka does. */
  public static byte[] encode(
      RequestHeaderData header, short headerVersion, ApiMessage body, short bodyVersion) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int headerSize = header.size(cache, headerVersion);
    int bodySize = body == null ? 0 : body.size(cache, bodyVersion);
    ByteBuffer buffer = ByteBuffer.allocate(headerSize + bodySize);
    ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
    header.write(accessor, cache, headerVersion);
    if (body != null) {
      body.write(accessor, cache, bodyVersion);
    }
    return buffer.array();
  }

  /** Reads one frame, or reports a closed connection or silence within the read timeout. */
  public Reply read() {
    DataInputStream data = new DataInputStream(in);
    byte[] sizeBytes = new byte[4];
    int got = readFully(data, sizeBytes);
    if (got == -2) {
      return new NoReply();
    }
    if (got < 4) {
      return new Closed(Math.max(got, 0));
    }
    int size = ByteBuffer.wrap(sizeBytes).getInt();
    if (size < 0 || size > MAX_RESPONSE_BYTES) {
      throw new IllegalStateException("response frame size out of bounds: " + size);
    }
    byte[] payload = new byte[size];
    int gotPayload = readFully(data, payload);
    if (gotPayload == -2) {
      throw new IllegalStateException("response frame of " + size + " bytes stalled");
    }
    if (gotPayload < size) {
      return new Closed(4 + Math.max(gotPayload, 0));
    }
    return new Frame(ByteBuffer.wrap(payload));
  }

  /** Reads one frame; fails if the connection closed or stayed silent. */
  public ByteBuffer readFrame() {
    Reply reply = read();
    if (reply instanceof Frame frame) {
      return frame.payload();
    }
    throw new AssertionError("expected a response frame but got " + reply);
  }

  /**
   * Reads one response to a request of {@code apiKey} at {@code version} and parses header and body
   * with kafka-clients' generated classes.
   */
  public <T extends ApiMessage> Response<T> receive(ApiKeys apiKey, short version) {
    return receive(apiKey, version, apiKey.responseHeaderVersion(version));
  }

  /** Like {@link #receive(ApiKeys, short)} with an explicit response header version. */
  @SuppressWarnings("unchecked")
  public <T extends ApiMessage> Response<T> receive(
      ApiKeys apiKey, short version, short responseHeaderVersion) {
    ByteBuffer payload = readFrame();
    ByteBufferAccessor accessor = new ByteBufferAccessor(payload);
    ResponseHeaderData header = new ResponseHeaderData(accessor, responseHeaderVersion);
    ApiMessage body = apiKey.messageType.newResponse();
    body.read(accessor, version);
    if (payload.hasRemaining()) {
      throw new IllegalStateException(
          payload.remaining() + " unread bytes after " + apiKey + " v" + version + " response");
    }
    return new Response<>(header.correlationId(), (T) body);
  }

  /** Sends a request and reads its response. */
  public <T extends ApiMessage> Response<T> roundTrip(ApiMessage body, short version) {
    int correlationId = send(body, version);
    Response<T> response = receive(ApiKeys.forId(body.apiKey()), version);
    if (response.correlationId() != correlationId) {
      throw new IllegalStateException(
          "correlation id " + response.correlationId() + ", expected " + correlationId);
    }
    return response;
  }

  /** True when the peer has closed: reading returns end of stream within the read timeout. */
  public boolean isClosedByPeer() {
    return read() instanceof Closed;
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  /** Returns bytes read, -1 at immediate EOF, -2 on timeout before the first byte. */
  private static int readFully(DataInputStream data, byte[] target) {
    int total = 0;
    try {
      while (total < target.length) {
        int n = data.read(target, total, target.length - total);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
      }
      return total;
    } catch (SocketTimeoutException e) {
      return total == 0 ? -2 : total;
    } catch (EOFException e) {
      return total;
    } catch (SocketException e) {
      // Connection reset: the broker closed with unread data in its buffer.
      return total == 0 ? -1 : total;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read", e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a test socket; nothing useful to do with the failure.
    }
  }
}
