package io.logstore.replication.metadata;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The replicated cluster metadata log as the rest of LogStore sees it. The production
 * implementation runs an embedded Apache Ratis Raft group (package {@code
 * io.logstore.replication.metadata.ratis}); nothing outside that package knows about Ratis.
 *
 * <p>Threading: {@link #submit} may be called from any thread; listeners run on the quorum's single
 * apply thread, one image at a time in log order, and must not block.
 */
public interface MetadataQuorum extends AutoCloseable {

  /** This node's id in the quorum (the broker id of the voter). */
  int nodeId();

  /** Whether this node is currently the Raft leader, i.e. the controller. */
  boolean isController();

  /** The node id of the current Raft leader, when known. */
  OptionalInt controllerId();

  /**
   * Appends {@code records} atomically (one Raft entry) to the metadata log. Completes with the
   * image after they were committed and applied on this node; completes exceptionally with {@link
   * NotControllerException} when this node is not the leader, or with the Raft failure.
   */
  CompletableFuture<MetadataImage> submit(List<MetadataRecord> records);

  /**
   * Commits {@code command} to the metadata log from any node (the request goes to the Raft
   * leader); the controller logic decides it when it is applied. Completes with the decision once
   * it is applied on this node too.
   */
  CompletableFuture<CommandOutcome> execute(ControllerCommand command);

  /**
   * Sends {@code request} to the current Raft leader's query handler (not logged; for heartbeats)
   * and completes with its answer. Follows leader changes.
   */
  CompletableFuture<byte[]> queryController(byte[] request);

  /** Installs the handler that answers {@link #queryController} requests while this node leads. */
  void setControllerQueryHandler(Function<byte[], byte[]> handler);

  /** The quorum as this node sees it while it is the Raft leader; empty otherwise. */
  Optional<QuorumStatus> leaderStatus(long nowMs);

  /** The latest image applied on this node. */
  MetadataImage image();

  /**
   * Registers a listener called with every new image after it is applied (and at once with the
   * current one).
   */
  void addListener(Consumer<MetadataImage> listener);

  @Override
  void close();
}
