package io.logstore.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.Dispatcher;
import io.logstore.broker.dispatch.HandlerRegistry;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.wire.KafkaResponse;
import io.logstore.wire.WireRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
  private static final byte[] PAYLOAD = "records-in-the-frame".getBytes(StandardCharsets.US_ASCII);

  /** Copies the records it is given when it runs, as an append would. */
  private static final class RecordingProduce extends AbstractApiHandler<ProduceRequestData> {
    volatile byte[] seen;
    volatile int frameRefCntWhenRun = -1;
    ByteBuf frame;

    RecordingProduce() {
      super(ApiKeys.PRODUCE, 3, 13);
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext context, ProduceRequestData r) {
      frameRefCntWhenRun = frame.refCnt();
      ByteBuffer records =
          WireRecords.bytesOf(r.topicData().iterator().next().partitionData().get(0).records());
      seen = new byte[records.remaining()];
      records.get(seen);
      return CompletableFuture.completedFuture(new ProduceResponseData());
    }
  }

  private static ByteBuf produceFrame() {
    ProduceRequestData body = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
    topic.setName("t");
    topic
        .partitionData()
        .add(
            new ProduceRequestData.PartitionProduceData()
                .setIndex(0)
                .setRecords(WireRecords.ofBytes(ByteBuffer.wrap(PAYLOAD))));
    body.topicData().add(topic);
    short version = 9;
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "test", 7);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = header.data().size(cache, header.headerVersion()) + body.size(cache, version);
    ByteBuffer buffer = ByteBuffer.allocate(size);
    ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
    header.data().write(accessor, cache, header.headerVersion());
    body.write(accessor, cache, version);
    buffer.flip();
    return Unpooled.directBuffer(size).writeBytes(buffer);
  }

  @Test
  void shouldKeepAHeldRequestsFrameAliveUntilItIsAnswered() {
    // Given a cluster member whose metadata has not caught up yet
    RecordingProduce produce = new RecordingProduce();
    Dispatcher dispatcher = new Dispatcher(new HandlerRegistry().register(produce));
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    dispatcher.holdUntil(caughtUp);
    EmbeddedChannel channel =
        new EmbeddedChannel(new ConnectionHandler(dispatcher, Clock.systemUTC(), 5));
    ByteBuf frame = produceFrame();
    produce.frame = frame;

    // When a Produce frame arrives and is held
    channel.writeInbound(frame);

    // Then the frame is still alive although channelRead returned
    assertThat(produce.seen).isNull();
    assertThat(frame.refCnt()).isPositive();

    // When the metadata catches up, the handler reads the records from the live frame
    caughtUp.complete(null);
    channel.runPendingTasks();
    assertThat(produce.frameRefCntWhenRun).isPositive();
    assertThat(produce.seen).isEqualTo(PAYLOAD);

    // And once answered, the frame is released
    Object response = channel.readOutbound();
    assertThat(response).isInstanceOf(KafkaResponse.class);
    assertThat(frame.refCnt()).isZero();
    channel.finishAndReleaseAll();
  }

  @Test
  void shouldReleaseTheFrameOfARequestAnsweredAtOnce() {
    // Given a broker that serves at once
    RecordingProduce produce = new RecordingProduce();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new ConnectionHandler(
                new Dispatcher(new HandlerRegistry().register(produce)), Clock.systemUTC(), 5));
    ByteBuf frame = produceFrame();
    produce.frame = frame;

    // When a Produce frame arrives
    channel.writeInbound(frame);

    // Then it is answered from the frame's records and the frame is released
    assertThat(produce.seen).isEqualTo(PAYLOAD);
    Object answer = channel.readOutbound();
    assertThat(answer).isInstanceOf(KafkaResponse.class);
    assertThat(frame.refCnt()).isZero();
    channel.finishAndReleaseAll();
  }
}
