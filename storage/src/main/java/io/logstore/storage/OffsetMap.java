package io.logstore.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's map from key to the latest offset of that key, Kafka's {@code SkimpyOffsetMap}: a
 * fixed-size open-addressing table of MD5 key hashes (16 bytes) and offsets (8 bytes), so its
 * memory is bounded whatever the key sizes. Two keys with the same MD5 would be merged; Kafka
 * accepts the same risk.
 *
 * <p>Not thread-safe: owned by the cleaner thread.
 */
final class OffsetMap {
  static final int BYTES_PER_ENTRY = 24;

  /** Kafka's {@code log.cleaner.io.buffer.load.factor}: above this the map counts as full. */
  private static final double MAX_LOAD_FACTOR = 0.9;

  private final long[] hashHigh;
  private final long[] hashLow;
  private final long[] offsets;
  private final int mask;
  private final int maxEntries;
  private final MessageDigest md5;
  private int size;
  private long latestOffset = -1L;

  OffsetMap(long memoryBytes) {
    int slots = Integer.highestOneBit((int) Math.min(memoryBytes / BYTES_PER_ENTRY, 1 << 30));
    this.hashHigh = new long[slots];
    this.hashLow = new long[slots];
    this.offsets = new long[slots];
    this.mask = slots - 1;
    this.maxEntries = (int) (slots * MAX_LOAD_FACTOR);
    try {
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
    clear();
  }

  void clear() {
    Arrays.fill(offsets, -1L);
    size = 0;
    latestOffset = -1L;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size >= maxEntries;
  }

  /** The largest offset put since {@link #clear()}, -1 if none. */
  long latestOffset() {
    return latestOffset;
  }

  /** Records {@code offset} as the latest of {@code key}; the caller checks {@link #isFull()}. */
  void put(ByteBuffer key, long offset) {
    byte[] hash = hash(key);
    long high = ByteBuffer.wrap(hash).getLong(0);
    long low = ByteBuffer.wrap(hash).getLong(8);
    int slot = find(high, low);
    if (offsets[slot] < 0) {
      if (isFull()) {
        throw new IllegalStateException("offset map is full: " + size + " entries");
      }
      size++;
      hashHigh[slot] = high;
      hashLow[slot] = low;
    }
    offsets[slot] = Math.max(offsets[slot], offset);
    latestOffset = Math.max(latestOffset, offset);
  }

  /** The latest offset of {@code key}, -1 if the key was not put. */
  long get(ByteBuffer key) {
    byte[] hash = hash(key);
    return offsets[find(ByteBuffer.wrap(hash).getLong(0), ByteBuffer.wrap(hash).getLong(8))];
  }

  private int find(long high, long low) {
    int slot = (int) (low ^ (low >>> 32)) & mask;
    while (offsets[slot] >= 0 && (hashHigh[slot] != high || hashLow[slot] != low)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private byte[] hash(ByteBuffer key) {
    md5.reset();
    md5.update(key.duplicate());
    return md5.digest();
  }
}
