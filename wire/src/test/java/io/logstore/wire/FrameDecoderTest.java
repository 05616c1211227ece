package io.logstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  @BeforeAll
  static void paranoidLeakDetection() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  private static ByteBuf frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return Unpooled.buffer().writeInt(bytes.length).writeBytes(bytes);
  }

  @Test
  void shouldReassembleFramesSplitAcrossReads() {
    // Given a decoder and two frames whose bytes arrive in three arbitrary pieces
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
    ByteBuf both = Unpooled.wrappedBuffer(frame("hello"), frame("world!"));
    // When
    channel.writeInbound(both.readRetainedSlice(3));
    channel.writeInbound(both.readRetainedSlice(7));
    channel.writeInbound(both.readRetainedSlice(both.readableBytes()));
    both.release();
    // Then exactly the two payloads come out, without their size prefixes
    ByteBuf first = channel.readInbound();
    ByteBuf second = channel.readInbound();
    assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("world!");
    Object next = channel.readInbound();
    assertThat(next).isNull();
    first.release();
    second.release();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void shouldWaitForTheWholeFrame() {
    // Given a size prefix that announces more bytes than have arrived
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
    // When
    channel.writeInbound(Unpooled.buffer().writeInt(10).writeBytes(new byte[4]));
    // Then nothing is emitted yet
    Object next = channel.readInbound();
    assertThat(next).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void shouldRejectNegativeSize() {
    // Given a frame with a negative size prefix
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
    // When / Then the decoder fails before allocating anything
    assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(-1).writeInt(0)))
        .isInstanceOf(FrameDecoder.InvalidFrameException.class);
    channel.finishAndReleaseAll();
  }

  @Test
  void shouldRejectSizeAboveSocketRequestMaxBytes() {
    // Given a limit of 1024 bytes and a frame announcing 1025
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
    // When / Then
    assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(1025)))
        .isInstanceOf(FrameDecoder.InvalidFrameException.class)
        .hasMessageContaining("1025");
    channel.finishAndReleaseAll();
  }
}
