package io.logstore.wire;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a segment's shared channel. {@code DefaultFileRegion} closes its
 * channel when released; the segment owns this one, so release does nothing. It stays a {@code
 * DefaultFileRegion} so the epoll transport still uses native {@code sendfile}.
 */
final class NonClosingFileRegion extends DefaultFileRegion {
  NonClosingFileRegion(FileChannel channel, long position, long count) {
    super(channel, position, count);
  }

  @Override
  protected void deallocate() {
    // The segment owns the channel.
  }
}
