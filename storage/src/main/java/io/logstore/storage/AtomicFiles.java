package io.logstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of small files, the one way LogStore writes files that are not derived
 * data (checkpoints, configs, metadata snapshots): the bytes go to {@code <file>.tmp}, which is
 * fsynced, renamed over the target and the directory fsynced, so a reader after a crash sees the
 * old or the new content, never a mix. Stateless and thread-safe (callers serialise writes of one
 * file).
 */
public final class AtomicFiles {
  /** The suffix of the temporary sibling; recovery may delete leftovers with it. */
  public static final String TMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** Replaces {@code file} with the remaining bytes of {@code bytes}, atomically and durably. */
  public static void replace(Path file, ByteBuffer bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    ByteBuffer buf = bytes.duplicate();
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(file.getParent());
  }

  /** fsyncs a directory, making renames and deletions in it durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
