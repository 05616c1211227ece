package io.logstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseEncoderTest {
  @TempDir Path dir;

  @BeforeAll
  static void paranoidLeakDetection() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  private static byte[] drain(EmbeddedChannel channel) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WritableByteChannel sink = Channels.newChannel(bytes);
    Object part;
    while ((part = channel.readOutbound()) != null) {
      if (part instanceof ByteBuf buf) {
        buf.readBytes(bytes, buf.readableBytes());
        buf.release();
      } else {
        FileRegion region = (FileRegion) part;
        while (region.transferred() < region.count()) {
          region.transferTo(sink, region.transferred());
        }
        region.release();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void shouldSendRecordsHeldInFilesAsFileRegion() throws IOException {
    // Given a batch written to a file, served as a slice of it in a Fetch v12 response
    MemoryRecords batch =
        MemoryRecords.withRecords(
            Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));
    Path file = dir.resolve("segment.log");
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      channel.write(ByteBuffer.wrap(new byte[7]));
      channel.write(batch.buffer().duplicate());
      FetchResponseData body = new FetchResponseData();
      FetchResponseData.FetchableTopicResponse topic =
          new FetchResponseData.FetchableTopicResponse().setTopic("t");
      topic
          .partitions()
          .add(
              new FetchResponseData.PartitionData()
                  .setPartitionIndex(0)
                  .setHighWatermark(1)
                  .setRecords(new FileSliceRecords(channel, 7, batch.sizeInBytes())));
      body.responses().add(topic);
      RequestHeader request = new RequestHeader(ApiKeys.FETCH, (short) 12, "c", 77);
      EmbeddedChannel out = new EmbeddedChannel(new ResponseEncoder());
      // When
      out.writeOutbound(KafkaResponse.to(request, body));
      // Then the parts are buffer, file region, buffer, and they decode to the same response
      Object middle = out.outboundMessages().toArray()[1];
      assertThat(middle).isInstanceOf(FileRegion.class);
      ByteBuffer wire = ByteBuffer.wrap(drain(out));
      assertThat(wire.getInt()).isEqualTo(wire.remaining());
      ResponseHeader header =
          ResponseHeader.parse(wire, ApiKeys.FETCH.responseHeaderVersion((short) 12));
      assertThat(header.correlationId()).isEqualTo(77);
      FetchResponseData decoded = new FetchResponseData(new ByteBufferAccessor(wire), (short) 12);
      MemoryRecords records =
          (MemoryRecords) decoded.responses().iterator().next().partitions().get(0).records();
      assertThat(records.buffer()).isEqualTo(batch.buffer());
      assertThat(channel.isOpen()).as("the segment channel stays open").isTrue();
    }
  }

  @Test
  void shouldWriteApiVersionsResponseWithHeaderV0() throws IOException {
    // Given an ApiVersions v3 request, whose response body is flexible
    RequestHeader request = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "c", 5);
    EmbeddedChannel out = new EmbeddedChannel(new ResponseEncoder());
    // When
    out.writeOutbound(KafkaResponse.to(request, new ApiVersionsResponseData()));
    // Then the header is v0: the correlation id alone, with no tagged-field byte
    ByteBuffer wire = ByteBuffer.wrap(drain(out));
    int size = wire.getInt();
    assertThat(wire.getInt()).isEqualTo(5);
    ApiVersionsResponseData decoded =
        new ApiVersionsResponseData(new ByteBufferAccessor(wire), (short) 3);
    assertThat(decoded.errorCode()).isZero();
    assertThat(size)
        .isEqualTo(
            4
                + new ApiVersionsResponseData()
                    .size(
                        new org.apache.kafka.common.protocol.ObjectSerializationCache(),
                        (short) 3));
  }
}
