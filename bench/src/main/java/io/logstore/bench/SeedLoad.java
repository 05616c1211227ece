package io.logstore.bench;

import io.logstore.testkit.RawKafkaConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The seed's test as a load client of our own: {@code requests} single-record Produce requests
 * (acks=all) from {@code senders} concurrent connections, each waiting for its answer before
 * sending the next.
 *
 * <p>One thread drives every connection through a {@link Selector} and each request is the same
 * pre-encoded frame with a new correlation id, so the client does almost no work per request and
 * the broker is the bottleneck. Produce v9 (by topic name, flexible) is served by Kafka 4.3 and by
 * LogStore.
 */
final class SeedLoad {

  /** The seed's printed figures plus the p99 from an HdrHistogram of successful latencies. */
  record Result(
      int sent,
      int successful,
      int failed,
      double avgMs,
      double p99Ms,
      double durationSeconds,
      double requestsPerSecond,
      String firstError) {

    /** The seed's lines, in the seed's format, plus p99. */
    String seedLines() {
      return String.format(
          Locale.ROOT,
          "Total requests sent: %d%nSuccessful requests: %d%nFailed requests: %d%n"
              + "Average successful latency: %.2f ms%np99 successful latency: %.2f ms%n"
              + "Total test duration: %.2f seconds%nThroughput: %.2f requests/second%n",
          sent,
          successful,
          failed,
          avgMs,
          p99Ms,
          durationSeconds,
          requestsPerSecond);
    }
  }

  private static final short PRODUCE_VERSION = 9;
  private static final int CORRELATION_ID_OFFSET = 4 + 2 + 2; // size, api key, api version
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  private SeedLoad() {}

  static Result run(
      String host,
      int port,
      String topic,
      int requests,
      int senders,
      int recordBytes,
      Duration deadline) {
    byte[] template = requestFrame(topic, recordBytes);
    Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    List<Sender> connections = new ArrayList<>(senders);
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < senders; i++) {
        connections.add(Sender.connect(host, port, template, selector));
      }
      Load load = new Load(requests, latencyMicros);
      long start = System.nanoTime();
      for (Sender sender : connections) {
        load.sendNextIfAny(sender);
      }
      long end = start + deadline.toNanos();
      while (load.outstanding() > 0 && System.nanoTime() < end) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Sender sender = (Sender) key.attachment();
          try {
            if (key.isValid() && key.isWritable()) {
              sender.flush();
            }
            if (key.isValid() && key.isReadable()) {
              sender.readResponses(load);
            }
          } catch (IOException e) {
            // The broker dropped this connection: its request failed, the others carry on.
            load.completed(0, e.toString());
            sender.close();
          }
        }
        selector.selectedKeys().clear();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int failed = load.failed + load.outstanding();
      int ok = load.successful;
      return new Result(
          load.issued,
          ok,
          failed,
          ok == 0 ? Double.NaN : latencyMicros.getMean() / 1000.0,
          ok == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(99.0) / 1000.0,
          seconds,
          ok / seconds,
          load.firstError == null && load.outstanding() > 0
              ? load.outstanding() + " requests unanswered at the deadline of " + deadline
              : load.firstError);
    } catch (IOException e) {
      throw new UncheckedIOException("seed load against " + host + ":" + port + " failed", e);
    } finally {
      for (Sender sender : connections) {
        sender.close();
      }
    }
  }

  /** A Produce v9 frame (size prefix included) carrying one record of {@code recordBytes}. */
  private static byte[] requestFrame(String topic, int recordBytes) {
    byte[] value = new byte[recordBytes];
    // A create timestamp as every real client sets (one for the whole run: the broker only checks
    // it is not too far off).
    long timestampMs = System.currentTimeMillis();
    MemoryRecords records =
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestampMs, null, value));
    ProduceRequestData body = new ProduceRequestData().setAcks((short) -1);
    body.setTimeoutMs(REQUEST_TIMEOUT_MS);
    ProduceRequestData.TopicProduceData topicData =
        new ProduceRequestData.TopicProduceData().setName(topic);
    topicData
        .partitionData()
        .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
    body.topicData().add(topicData);
    RequestHeaderData header =
        new RequestHeaderData()
            .setRequestApiKey(ApiKeys.PRODUCE.id)
            .setRequestApiVersion(PRODUCE_VERSION)
            .setClientId("logstore-seed-load")
            .setCorrelationId(0);
    byte[] payload =
        RawKafkaConnection.encode(
            header, ApiKeys.PRODUCE.requestHeaderVersion(PRODUCE_VERSION), body, PRODUCE_VERSION);
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  /** Shared counters; touched only by the selector thread. */
  private static final class Load {
    private final int requests;
    private final Histogram latencyMicros;
    private int issued;
    private int successful;
    private int failed;
    private String firstError;

    Load(int requests, Histogram latencyMicros) {
      this.requests = requests;
      this.latencyMicros = latencyMicros;
    }

    int outstanding() {
      return issued - successful - failed;
    }

    void sendNextIfAny(Sender sender) throws IOException {
      if (issued < requests) {
        issued++;
        sender.send(issued);
      }
    }

    void completed(long latencyNanos, String error) {
      if (error == null) {
        successful++;
        long micros = TimeUnit.NANOSECONDS.toMicros(latencyNanos);
        latencyMicros.recordValue(Math.min(micros, latencyMicros.getHighestTrackableValue()));
      } else {
        failed++;
        if (firstError == null) {
          firstError = error;
        }
      }
    }
  }

  /** One connection with at most one request in flight. */
  private static final class Sender {
    private final SocketChannel channel;
    private final SelectionKey key;
    private final ByteBuffer request;
    private final ByteBuffer sizePrefix = ByteBuffer.allocate(4);
    private ByteBuffer response;
    private long sentAtNanos;

    private Sender(SocketChannel channel, SelectionKey key, byte[] template) {
      this.channel = channel;
      this.key = key;
      this.request = ByteBuffer.wrap(template.clone());
    }

    static Sender connect(String host, int port, byte[] template, Selector selector)
        throws IOException {
      SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
      Sender sender = new Sender(channel, key, template);
      key.attach(sender);
      return sender;
    }

    void send(int correlationId) throws IOException {
      request.clear();
      request.putInt(CORRELATION_ID_OFFSET, correlationId);
      sentAtNanos = System.nanoTime();
      flush();
    }

    void flush() throws IOException {
      channel.write(request);
      key.interestOps(
          request.hasRemaining()
              ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
              : SelectionKey.OP_READ);
    }

    void readResponses(Load load) throws IOException {
      while (true) {
        if (response == null) {
          if (channel.read(sizePrefix) < 0) {
            throw new IOException("broker closed a seed-load connection");
          }
          if (sizePrefix.hasRemaining()) {
            return;
          }
          int size = sizePrefix.flip().getInt();
          sizePrefix.clear();
          if (size <= 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("response frame size out of bounds: " + size);
          }
          response = ByteBuffer.allocate(size);
        }
        if (channel.read(response) < 0) {
          throw new IOException("broker closed a seed-load connection mid-response");
        }
        if (response.hasRemaining()) {
          return;
        }
        long latency = System.nanoTime() - sentAtNanos;
        load.completed(latency, errorOf(response.flip()));
        response = null;
        load.sendNextIfAny(this);
      }
    }

    private static String errorOf(ByteBuffer payload) {
      ByteBufferAccessor accessor = new ByteBufferAccessor(payload);
      new ResponseHeaderData(accessor, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION));
      ProduceResponseData body = new ProduceResponseData(accessor, PRODUCE_VERSION);
      for (ProduceResponseData.TopicProduceResponse topic : body.responses()) {
        for (ProduceResponseData.PartitionProduceResponse partition : topic.partitionResponses()) {
          if (partition.errorCode() != 0) {
            return "Produce error code " + partition.errorCode() + " " + partition.errorMessage();
          }
        }
      }
      return null;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing after the run; the figures are already taken.
      }
    }
  }
}
