package io.logstore.storage;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What happens to old segments of a log: Kafka's {@code cleanup.policy}, a list of {@code delete}
 * and {@code compact}.
 *
 * <p>{@code delete} applies retention by time and size; {@code compact} runs the log cleaner, which
 * keeps the latest record of each key. A compact-only log is never deleted by retention (only by
 * DeleteRecords moving its log start offset).
 */
public enum CleanupPolicy {
  DELETE(true, false),
  COMPACT(false, true),
  COMPACT_DELETE(true, true);

  private final boolean delete;
  private final boolean compact;

  CleanupPolicy(boolean delete, boolean compact) {
    this.delete = delete;
    this.compact = compact;
  }

  /** Whether retention.ms and retention.bytes delete old segments. */
  public boolean includesDelete() {
    return delete;
  }

  /** Whether the log cleaner compacts the log by key. */
  public boolean includesCompact() {
    return compact;
  }

  /**
   * Parses Kafka's list form ({@code ["compact", "delete"]}, any order and case, duplicates
   * allowed).
   *
   * @throws IllegalArgumentException for an empty list or an unknown policy name
   */
  public static CleanupPolicy fromKafka(Collection<String> names) {
    boolean delete = false;
    boolean compact = false;
    for (String raw : names) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "delete" -> delete = true;
        case "compact" -> compact = true;
        default -> throw new IllegalArgumentException("unknown cleanup.policy: " + raw);
      }
    }
    if (delete && compact) {
      return COMPACT_DELETE;
    }
    if (compact) {
      return COMPACT;
    }
    if (delete) {
      return DELETE;
    }
    throw new IllegalArgumentException("cleanup.policy must name delete, compact or both");
  }

  /** Parses Kafka's comma-separated form ({@code "compact,delete"}). */
  public static CleanupPolicy fromKafka(String commaSeparated) {
    return fromKafka(List.of(commaSeparated.split(",")));
  }

  /** Kafka's list form, {@code delete} and/or {@code compact}. */
  public List<String> toKafka() {
    return switch (this) {
      case DELETE -> List.of("delete");
      case COMPACT -> List.of("compact");
      case COMPACT_DELETE -> List.of("compact", "delete");
    };
  }
}
