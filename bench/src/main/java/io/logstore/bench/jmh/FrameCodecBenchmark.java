package io.logstore.bench.jmh;

import io.logstore.testkit.RawKafkaConnection;
import io.logstore.wire.KafkaResponse;
import io.logstore.wire.ParseResult;
import io.logstore.wire.RequestParser;
import io.logstore.wire.ResponseEncoder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The broker's per-request protocol work: parsing a Produce frame into {@code ProduceRequestData}
 * with {@link RequestParser} (version check, header, body; the records stay a view of the frame)
 * and writing a Produce response through {@link ResponseEncoder}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {

  private static final short PRODUCE_VERSION = 9;

  /** Records in the one batch of the Produce request: count x bytes. */
  @Param({"1x100", "16x1024"})
  public String batch;

  private RequestParser parser;
  private ByteBuffer produceFrame;
  private EmbeddedChannel encoderChannel;
  private KafkaResponse produceResponse;

  @Setup
  public void setUp() {
    parser = new RequestParser((apiKey, version) -> true);
    ProduceRequestData body = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
    ProduceRequestData.TopicProduceData topic =
        new ProduceRequestData.TopicProduceData().setName("bench-topic");
    topic
        .partitionData()
        .add(
            new ProduceRequestData.PartitionProduceData()
                .setIndex(0)
                .setRecords(Batches.batch(batch)));
    body.topicData().add(topic);
    RequestHeaderData header =
        new RequestHeaderData()
            .setRequestApiKey(ApiKeys.PRODUCE.id)
            .setRequestApiVersion(PRODUCE_VERSION)
            .setClientId("jmh")
            .setCorrelationId(7);
    produceFrame =
        ByteBuffer.wrap(
            RawKafkaConnection.encode(
                header,
                ApiKeys.PRODUCE.requestHeaderVersion(PRODUCE_VERSION),
                body,
                PRODUCE_VERSION));

    encoderChannel = new EmbeddedChannel(new ResponseEncoder());
    ProduceResponseData response = new ProduceResponseData();
    ProduceResponseData.TopicProduceResponse topicResponse =
        new ProduceResponseData.TopicProduceResponse().setName("bench-topic");
    topicResponse
        .partitionResponses()
        .add(
            new ProduceResponseData.PartitionProduceResponse()
                .setIndex(0)
                .setBaseOffset(123_456L)
                .setLogAppendTimeMs(-1L)
                .setLogStartOffset(0L));
    response.responses().add(topicResponse);
    RequestHeader requestHeader =
        new RequestHeader(header, ApiKeys.PRODUCE.requestHeaderVersion(PRODUCE_VERSION));
    produceResponse = KafkaResponse.to(requestHeader, response);
  }

  @TearDown
  public void tearDown() {
    encoderChannel.finishAndReleaseAll();
  }

  @Benchmark
  public ParseResult decodeProduceRequest() {
    return parser.parse(produceFrame.duplicate());
  }

  @Benchmark
  public void encodeProduceResponse(Blackhole blackhole) {
    encoderChannel.writeOutbound(produceResponse);
    Object part;
    while ((part = encoderChannel.readOutbound()) != null) {
      blackhole.consume(part);
      ReferenceCountUtil.release(part);
    }
  }
}
