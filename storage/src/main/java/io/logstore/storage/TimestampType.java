package io.logstore.storage;

/** Which timestamp a batch's {@code maxTimestamp} carries (attribute bit 3 of a v2 batch). */
public enum TimestampType {
  /** The producer's timestamps are kept. */
  CREATE_TIME,
  /** The broker overwrites {@code maxTimestamp} with the append time. */
  LOG_APPEND_TIME
}
