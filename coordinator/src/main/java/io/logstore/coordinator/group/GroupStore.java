package io.logstore.coordinator.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator's records go: in production the group's partition of {@code
 * __consumer_offsets}, in tests memory.
 */
public interface GroupStore {
  /**
   * Appends {@code records} (all of group {@code groupId}) as one batch. Returns once they are in
   * the log; the future completes when they are durable, on any thread.
   *
   * @throws GroupStoreException if the append failed and nothing was written
   */
  CompletableFuture<Void> append(String groupId, List<CoordinatorRecord> records);

  /** Calls {@code replay} for every record stored, in log order per partition. */
  void load(java.util.function.Consumer<CoordinatorRecord> replay);

  /** Calls {@code replay} for every record of one partition (cluster: a newly led partition). */
  default void loadPartition(int partition, java.util.function.Consumer<CoordinatorRecord> replay) {
    throw new UnsupportedOperationException("a single store has no partitions to load");
  }

  /** The partition holding {@code groupId}'s records (0 when the store is not partitioned). */
  default int partitionFor(String groupId) {
    return 0;
  }

  /** Why an append failed. */
  final class GroupStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GroupStoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
