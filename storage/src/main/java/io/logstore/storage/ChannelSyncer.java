package io.logstore.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The fsync of segment data, injected so tests can count, delay or fail fsyncs.
 *
 * <p>{@code force(false)} (fdatasync) is enough for the log: it also persists the file size.
 */
@FunctionalInterface
interface ChannelSyncer {
  ChannelSyncer DEFAULT = (channel, file) -> channel.force(false);

  void force(FileChannel channel, Path file) throws IOException;
}
