package io.logstore.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A checksummed file failed its length, version or CRC check. Package-private. */
final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  CorruptFileException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  Path file() {
    return file;
  }
}
