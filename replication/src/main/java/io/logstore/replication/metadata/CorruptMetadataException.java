package io.logstore.replication.metadata;

import java.io.IOException;

/**
 * Bytes that should hold an encoded metadata entry or snapshot failed a magic, version, kind,
 * length or CRC check, or their payload does not parse. See {@link MetadataRecordSerde}.
 */
public final class CorruptMetadataException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptMetadataException(String message) {
    super(message);
  }

  public CorruptMetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
