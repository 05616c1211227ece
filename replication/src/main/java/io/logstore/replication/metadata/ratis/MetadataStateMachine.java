package io.logstore.replication.metadata.ratis;

import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.CorruptMetadataException;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecordSerde;
import io.logstore.storage.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of the metadata quorum: decodes each committed entry ({@link
 * MetadataRecordSerde}), applies its records to the {@link MetadataImage} and publishes the new
 * image. A snapshot is the encoded image in one file, {@code snapshot.<term>_<index>} in the Ratis
 * state machine directory, written to a {@code .tmp} sibling, fsynced, renamed and the directory
 * fsynced, with Ratis' {@code .md5} sidecar beside it.
 *
 * <p>Threading: Ratis calls {@link #initialize}, {@link #applyTransaction}, {@link #takeSnapshot}
 * and {@link #reinitialize} (after a snapshot was installed from the leader) on its single
 * state-machine updater thread of this division, the "apply thread". Only that thread writes {@link
 * #image}; any thread reads it through the volatile field. Waiters for an applied index are guarded
 * by {@code this}; they are completed on the apply thread.
 */
final class MetadataStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

  private final int nodeId;
  private final ListenerDispatcher listeners;
  private final ControllerLogic logic;
  private volatile Function<byte[], byte[]> queryHandler;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

  private volatile MetadataImage image = MetadataImage.EMPTY;

  /** Futures waiting for an index to be applied, by that index. Guarded by {@code this}. */
  private final TreeMap<Long, List<CompletableFuture<MetadataImage>>> waiters = new TreeMap<>();

  /** The highest log index applied (any entry kind). Guarded by {@code this}. */
  private long appliedIndex = RaftLog.INVALID_LOG_INDEX;

  private boolean closed;

  MetadataStateMachine(int nodeId, ListenerDispatcher listeners, ControllerLogic logic) {
    this.nodeId = nodeId;
    this.listeners = listeners;
    this.logic = logic;
  }

  void setQueryHandler(Function<byte[], byte[]> handler) {
    this.queryHandler = handler;
  }

  /** A read-only request (heartbeat) on the leader: answered by the installed handler. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    Function<byte[], byte[]> handler = queryHandler;
    if (handler == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node " + nodeId + " has no controller query handler"));
    }
    ByteBuffer in = request.getContent().asReadOnlyByteBuffer();
    byte[] bytes = new byte[in.remaining()];
    in.get(bytes);
    try {
      return CompletableFuture.completedFuture(
          Message.valueOf(ByteBuffer.wrap(handler.apply(bytes))));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  MetadataImage image() {
    return image;
  }

  /** Completes with the image once the entry at {@code index} is applied on this node. */
  CompletableFuture<MetadataImage> awaitApplied(long index) {
    CompletableFuture<MetadataImage> future = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        future.completeExceptionally(new IOException("metadata quorum " + nodeId + " is closed"));
      } else if (appliedIndex >= index) {
        future.complete(image);
      } else {
        waiters.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
      }
    }
    return future;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadSnapshot(storage.getLatestSnapshot());
  }

  @Override
  public void reinitialize() throws IOException {
    // A snapshot was installed from the leader: it is newer than anything applied here.
    loadSnapshot(storage.loadLatestSnapshot());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    ByteBuffer data = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
    List<MetadataRecord> records;
    CommandOutcome outcome = null;
    try {
      if (MetadataRecordSerde.isCommand(data)) {
        // Decided here, against the image at this log position, alike on every voter.
        outcome = logic.execute(image, MetadataRecordSerde.decodeCommand(data));
        records = outcome.records();
      } else {
        records = MetadataRecordSerde.decodeRecords(data);
      }
    } catch (CorruptMetadataException e) {
      // Ratis checksums its log, so an entry that does not decode means a bug or a foreign
      // writer; applying around it would silently diverge from the other voters.
      throw new IllegalStateException(
          "metadata log entry " + index + " on node " + nodeId + " does not decode", e);
    }
    MetadataImage next = image;
    for (MetadataRecord record : records) {
      next = next.apply(index, record);
    }
    updateLastAppliedTermIndex(entry.getTerm(), index);
    publish(next, index);
    byte[] answer = outcome == null ? new byte[0] : MetadataRecordSerde.encodeOutcome(outcome);
    ByteBuffer reply = ByteBuffer.allocate(Long.BYTES + answer.length);
    reply.putLong(index).put(answer).flip();
    return CompletableFuture.completedFuture(Message.valueOf(reply));
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Configuration and leader no-op entries: nothing to apply, but submit waiters may wait on
    // an index the image skips.
    super.notifyTermIndexUpdated(term, index);
    completeWaiters(index);
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    Path file = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
    writeAtomically(file, MetadataRecordSerde.encodeImage(image));
    // Our CRC guards the content; the .md5 sidecar is what Ratis checks when it ships the
    // snapshot to a follower, and it warns on every load without one.
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), last));
    LOG.info(
        "metadata snapshot taken nodeId={} term={} index={} imageOffset={} file={}",
        nodeId,
        last.getTerm(),
        last.getIndex(),
        image.offset(),
        file);
    return last.getIndex();
  }

  @Override
  public void close() throws IOException {
    List<CompletableFuture<MetadataImage>> pending = new ArrayList<>();
    synchronized (this) {
      closed = true;
      waiters.values().forEach(pending::addAll);
      waiters.clear();
    }
    IOException closedError = new IOException("metadata quorum " + nodeId + " is closed");
    pending.forEach(f -> f.completeExceptionally(closedError));
    super.close();
  }

  private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      LOG.info("no metadata snapshot, replaying the whole log nodeId={}", nodeId);
      return;
    }
    Path file = snapshot.getFile().getPath();
    MetadataImage loaded;
    try {
      loaded = MetadataRecordSerde.decodeImage(ByteBuffer.wrap(Files.readAllBytes(file)));
    } catch (CorruptMetadataException e) {
      throw new CorruptMetadataException("metadata snapshot " + file + ": " + e.getMessage(), e);
    }
    setLastAppliedTermIndex(snapshot.getTermIndex());
    LOG.info(
        "metadata snapshot loaded nodeId={} term={} index={} imageOffset={} file={}",
        nodeId,
        snapshot.getTerm(),
        snapshot.getIndex(),
        loaded.offset(),
        file);
    publish(loaded, snapshot.getIndex());
  }

  private void publish(MetadataImage next, long index) {
    image = next;
    listeners.publish(next);
    completeWaiters(index);
  }

  private void completeWaiters(long index) {
    List<CompletableFuture<MetadataImage>> ready = new ArrayList<>();
    synchronized (this) {
      appliedIndex = Math.max(appliedIndex, index);
      Map<Long, List<CompletableFuture<MetadataImage>>> done = waiters.headMap(index, true);
      done.values().forEach(ready::addAll);
      done.clear();
    }
    MetadataImage current = image;
    ready.forEach(f -> f.complete(current));
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    AtomicFiles.replace(file, ByteBuffer.wrap(bytes));
  }
}
