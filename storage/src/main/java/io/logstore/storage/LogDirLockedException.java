package io.logstore.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another LogManager in this one) holds the lock of a log dir. */
public final class LogDirLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path dir;

  public LogDirLockedException(Path dir) {
    super("log dir " + dir + " is locked by another LogManager (" + dir.resolve(".lock") + ")");
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }
}
