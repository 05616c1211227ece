package io.logstore.broker.util;

import io.logstore.storage.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.CRC32C;

/**
 * Crash-safe small files: written to a temporary file, fsynced, renamed over the target, and the
 * directory fsynced, so a reader sees the old or the new content, never a mix. Property files
 * written here carry a {@code crc} entry (CRC-32C of the other lines) checked on read.
 */
public final class DurableFiles {
  private static final String CRC_KEY = "crc";

  private DurableFiles() {}

  /** Replaces {@code file} with {@code bytes} atomically and durably. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    AtomicFiles.replace(file, ByteBuffer.wrap(bytes));
  }

  /** Deletes {@code file} if present and makes the deletion durable. */
  public static void deleteDurably(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      fsyncDirectory(file.getParent());
    }
  }

  public static void fsyncDirectory(Path dir) throws IOException {
    AtomicFiles.fsyncDirectory(dir);
  }

  /**
   * Writes {@code entries} as sorted {@code key=value} lines (properties escaping) followed by a
   * CRC line.
   */
  public static void writeProperties(Path file, java.util.Map<String, String> entries)
      throws IOException {
    StringBuilder body = new StringBuilder();
    new java.util.TreeMap<>(entries)
        .forEach((k, v) -> body.append(escape(k)).append('=').append(escape(v)).append('\n'));
    String text = body + CRC_KEY + "=" + crcHex(body.toString()) + "\n";
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a file written by {@link #writeProperties}; a bad CRC throws. */
  public static java.util.Map<String, String> readProperties(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int crcLine = text.lastIndexOf(CRC_KEY + "=");
    if (crcLine < 0 || (crcLine > 0 && text.charAt(crcLine - 1) != '\n')) {
      throw new IOException(file + " has no CRC line");
    }
    String body = text.substring(0, crcLine);
    String stored = text.substring(crcLine + CRC_KEY.length() + 1).trim();
    if (!stored.equals(crcHex(body))) {
      throw new IOException(file + " fails its CRC check");
    }
    Properties props = new Properties();
    props.load(new java.io.StringReader(body));
    java.util.Map<String, String> entries = new java.util.TreeMap<>();
    for (String key : props.stringPropertyNames()) {
      entries.put(key, props.getProperty(key));
    }
    return entries;
  }

  private static String crcHex(String body) {
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
