package io.logstore.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator's records go: in production the group's partition of {@code
 * __consumer_offsets}, in tests memory.
 */
interface GroupStore {
  /**
   * Appends {@code records} (all of group {@code groupId}) as one batch. Returns once they are in
   * the log; the future completes when they are durable, on any thread.
   *
   * @throws GroupStoreException if the append failed and nothing was written
   */
  CompletableFuture<Void> append(String groupId, List<CoordinatorRecord> records);

  /** Calls {@code replay} for every record stored, in log order per partition. */
  void load(java.util.function.Consumer<CoordinatorRecord> replay);

  /** Why an append failed. */
  final class GroupStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GroupStoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
