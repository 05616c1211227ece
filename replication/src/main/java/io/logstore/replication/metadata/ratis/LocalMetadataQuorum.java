package io.logstore.replication.metadata.ratis;

import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.CorruptMetadataException;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataQuorum;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecordSerde;
import io.logstore.replication.metadata.QuorumStatus;
import io.logstore.storage.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log of a single broker, "a cluster of one": the same {@link ControllerLogic}, {@link
 * MetadataImage}s and listeners as {@link RatisMetadataQuorum}, with one voter that is always its
 * own leader (epoch {@value #LEADER_EPOCH}) and no network. There is no log: the image file is the
 * whole state, rewritten atomically after each change. It lives in this package, not beside {@link
 * MetadataQuorum}, because it decides commands with {@link ControllerLogic}, which depends on the
 * metadata package (see the replication module's import-control.xml).
 *
 * <p>Entries: each {@link #execute} or {@link #submit} is one entry. An entry that yields at least
 * one record takes the next index (the image's offset + 1), and all its records are applied at that
 * index, as the Ratis state machine applies an entry's records at its Raft index; an entry that
 * yields none (a refused command, or one that changes nothing) takes no index and writes nothing.
 * So {@link MetadataImage#offset()} is always the last index taken, and the offsets go on from
 * there after a restart.
 *
 * <h2>Durability and the file</h2>
 *
 * <p>{@code <dir>/image} holds the whole image in the encoding of {@link
 * MetadataRecordSerde#encodeImage} (header with magic, version, CRC-32C, kind 2 and length, then
 * the image's offset and contents; the layout is in that class). After an entry's records are
 * applied, the new image is written to {@code image.tmp}, fsynced, renamed over {@code image} and
 * the directory fsynced ({@link AtomicFiles#replace}) before it is published or the entry's future
 * completes: an acknowledged change is on disk, like a Raft entry fsynced before it is
 * acknowledged. If the write fails, the entry's future fails, the previous image stays current and
 * nothing is published. {@link #start} loads the file (a file that does not decode is a {@link
 * CorruptMetadataException} naming it), or begins with {@link MetadataImage#EMPTY} when there is
 * none, and deletes a leftover {@code image.tmp} from a write cut short.
 *
 * <h2>Threading model</h2>
 *
 * <ul>
 *   <li><b>Callers</b> (any thread): {@link #execute} and {@link #submit} only queue the entry (at
 *       most {@value #MAX_QUEUED_ENTRIES}; beyond that they fail with {@link
 *       RejectedExecutionException}); {@link #queryController} calls the installed handler on the
 *       caller's thread; {@link #image}, {@link #isController} and {@link #leaderStatus} read
 *       volatile fields.
 *   <li><b>The apply thread</b> {@code logstore-metadata-<nodeId>} is the only writer of the image
 *       and the file: it decides, applies, writes and publishes one entry at a time in queue order
 *       and completes the futures, so dependent stages must not block.
 *   <li><b>The listener thread</b> {@code logstore-metadata-listener-<nodeId>} ({@link
 *       ListenerDispatcher}) calls listeners, one image at a time in apply order; a listener added
 *       gets the current image first.
 * </ul>
 */
public final class LocalMetadataQuorum implements MetadataQuorum {
  private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataQuorum.class);

  /** The name of the state file in the quorum's directory. */
  static final String IMAGE_FILE = "image";

  /** A single voter never loses an election: its one and only term. */
  static final long LEADER_EPOCH = 1;

  /** Entries queued for the apply thread before {@link #execute} and {@link #submit} refuse. */
  static final int MAX_QUEUED_ENTRIES = 1024;

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final int nodeId;
  private final Path imageFile;
  private final ControllerLogic logic;
  private final ListenerDispatcher listeners;
  private final ThreadPoolExecutor applyThread;
  private volatile Function<byte[], byte[]> queryHandler;

  /** Written by the apply thread only. */
  private volatile MetadataImage image;

  /** The index of the last entry applied, always {@code image.offset()}. Written as the image. */
  private volatile long lastIndex;

  private final Object lock = new Object();

  /** Futures of entries queued and not yet started. Guarded by {@link #lock}. */
  private final Set<CompletableFuture<?>> queued = new HashSet<>();

  /** Written under {@link #lock}. */
  private volatile boolean closed;

  /** What an entry commits (possibly nothing) and what its caller gets once it is applied. */
  private record Decision<T>(List<MetadataRecord> records, Function<MetadataImage, T> answer) {}

  private LocalMetadataQuorum(
      int nodeId,
      Path imageFile,
      ControllerLogic logic,
      ListenerDispatcher listeners,
      MetadataImage loaded) {
    this.nodeId = nodeId;
    this.imageFile = imageFile;
    this.logic = logic;
    this.listeners = listeners;
    this.image = loaded;
    this.lastIndex = loaded.offset();
    this.applyThread =
        new ThreadPoolExecutor(
            1,
            1,
            0L,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_ENTRIES),
            r -> {
              Thread t = new Thread(r, "logstore-metadata-" + nodeId);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the quorum of one in {@code dir} (created, durably, if needed): loads {@code
   * <dir>/image} if there is one, else begins empty. Commands are decided with {@code logic}.
   *
   * @throws CorruptMetadataException when the image file does not decode
   */
  public static LocalMetadataQuorum start(int nodeId, Path dir, ControllerLogic logic)
      throws IOException {
    createDirectoriesDurably(dir);
    Path file = dir.resolve(IMAGE_FILE);
    Files.deleteIfExists(file.resolveSibling(IMAGE_FILE + AtomicFiles.TMP_SUFFIX));
    boolean existing = Files.exists(file);
    MetadataImage loaded = existing ? load(file) : MetadataImage.EMPTY;
    ListenerDispatcher listeners =
        new ListenerDispatcher(nodeId, RatisMetadataConfig.DEFAULT_LISTENER_QUEUE_CAPACITY);
    // The dispatcher hands the loaded image to listeners added from now on.
    listeners.publish(loaded);
    LOG.info(
        "local metadata quorum started nodeId={} file={} recovered={} imageOffset={}",
        nodeId,
        file,
        existing,
        loaded.offset());
    return new LocalMetadataQuorum(nodeId, file, logic, listeners, loaded);
  }

  private static MetadataImage load(Path file) throws IOException {
    try {
      return MetadataRecordSerde.decodeImage(ByteBuffer.wrap(Files.readAllBytes(file)));
    } catch (CorruptMetadataException e) {
      throw new CorruptMetadataException("metadata image " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates {@code dir} and any missing parents, fsyncing the parent of each directory created so
   * that the new entries survive a crash.
   */
  private static void createDirectoriesDurably(Path dir) throws IOException {
    Path target = dir.toAbsolutePath();
    Path existing = target;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    Files.createDirectories(target);
    Path created = target;
    while (existing != null && !created.equals(existing)) {
      AtomicFiles.fsyncDirectory(created.getParent());
      created = created.getParent();
    }
  }

  @Override
  public int nodeId() {
    return nodeId;
  }

  /** True while open: the single voter is always the leader. */
  @Override
  public boolean isController() {
    return !closed;
  }

  @Override
  public OptionalInt controllerId() {
    return OptionalInt.of(nodeId);
  }

  @Override
  public CompletableFuture<MetadataImage> submit(List<MetadataRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no records to submit"));
    }
    List<MetadataRecord> entry = List.copyOf(records);
    return enqueue(current -> new Decision<>(entry, applied -> applied));
  }

  /** Decides {@code command} on the apply thread, against the image every earlier entry left. */
  @Override
  public CompletableFuture<CommandOutcome> execute(ControllerCommand command) {
    return enqueue(
        current -> {
          CommandOutcome outcome = logic.execute(current, command);
          return new Decision<>(outcome.records(), applied -> outcome);
        });
  }

  /**
   * Answers on the caller's thread with the installed handler: this node is always the controller.
   * Fails with {@link IllegalStateException} when no handler is installed, or with what the handler
   * throws.
   */
  @Override
  public CompletableFuture<byte[]> queryController(byte[] request) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    Function<byte[], byte[]> handler = queryHandler;
    if (handler == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node " + nodeId + " has no controller query handler"));
    }
    try {
      return CompletableFuture.completedFuture(handler.apply(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void setControllerQueryHandler(Function<byte[], byte[]> handler) {
    this.queryHandler = handler;
  }

  /**
   * A quorum of one voter, its own leader at epoch {@value #LEADER_EPOCH}: every entry is committed
   * once it is applied, so the high watermark and the voter's log end are both the last index + 1,
   * and the voter is caught up now. Empty once closed.
   */
  @Override
  public Optional<QuorumStatus> leaderStatus(long nowMs) {
    if (closed) {
      return Optional.empty();
    }
    long logEndOffset = lastIndex + 1;
    return Optional.of(
        new QuorumStatus(
            nodeId,
            LEADER_EPOCH,
            logEndOffset,
            List.of(new QuorumStatus.Voter(nodeId, logEndOffset, nowMs, nowMs))));
  }

  @Override
  public MetadataImage image() {
    return image;
  }

  @Override
  public void addListener(Consumer<MetadataImage> listener) {
    listeners.addListener(listener);
  }

  /**
   * Stops taking entries and fails those still queued with an {@link IOException}; the entry being
   * applied, if any, finishes (within a bounded wait). Then stops the apply and listener threads.
   * Idempotent; later calls to {@link #execute}, {@link #submit} and {@link #queryController} fail
   * the same way.
   */
  @Override
  public void close() {
    List<CompletableFuture<?>> unstarted;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      unstarted = new ArrayList<>(queued);
      queued.clear();
    }
    IOException closedError = closedError();
    unstarted.forEach(f -> f.completeExceptionally(closedError));
    // Queued entries see the flag and return; the one being applied may still publish, so the
    // listener thread stops only after the apply thread.
    applyThread.shutdown();
    boolean stopped = awaitApplyThread();
    listeners.close();
    if (!stopped) {
      throw new IllegalStateException(
          "metadata apply thread did not stop within " + CLOSE_WAIT + " nodeId=" + nodeId);
    }
    LOG.info("local metadata quorum closed nodeId={} imageOffset={}", nodeId, image.offset());
  }

  private boolean awaitApplyThread() {
    boolean stopped = false;
    try {
      stopped = applyThread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!stopped) {
      applyThread.shutdownNow();
    }
    return stopped;
  }

  private IOException closedError() {
    return new IOException("metadata quorum " + nodeId + " is closed");
  }

  /** Queues an entry for the apply thread; {@code decide} runs there, on the current image. */
  private <T> CompletableFuture<T> enqueue(Function<MetadataImage, Decision<T>> decide) {
    CompletableFuture<T> future = new CompletableFuture<>();
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedError());
      }
      queued.add(future);
      try {
        applyThread.execute(() -> run(decide, future));
      } catch (RejectedExecutionException e) {
        queued.remove(future);
        return CompletableFuture.failedFuture(
            new RejectedExecutionException(
                "metadata quorum "
                    + nodeId
                    + " already has "
                    + MAX_QUEUED_ENTRIES
                    + " entries queued",
                e));
      }
    }
    return future;
  }

  /** On the apply thread: one entry, unless the quorum was closed while it was queued. */
  private <T> void run(Function<MetadataImage, Decision<T>> decide, CompletableFuture<T> future) {
    synchronized (lock) {
      if (closed) {
        return; // close() failed the future
      }
      queued.remove(future);
    }
    try {
      future.complete(apply(decide));
    } catch (IOException | RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  /**
   * Decides the entry on the current image, applies its records at the next index, writes the new
   * image and only then publishes it; returns the caller's answer. Apply thread only.
   */
  private <T> T apply(Function<MetadataImage, Decision<T>> decide) throws IOException {
    MetadataImage current = image;
    Decision<T> decision = decide.apply(current);
    if (decision.records().isEmpty()) {
      return decision.answer().apply(current);
    }
    long index = lastIndex + 1;
    MetadataImage next = current;
    for (MetadataRecord record : decision.records()) {
      next = next.apply(index, record);
    }
    write(next);
    lastIndex = index;
    image = next;
    listeners.publish(next);
    LOG.trace(
        "metadata entry applied nodeId={} index={} records={}",
        nodeId,
        index,
        decision.records().size());
    return decision.answer().apply(next);
  }

  private void write(MetadataImage next) throws IOException {
    try {
      AtomicFiles.replace(imageFile, ByteBuffer.wrap(MetadataRecordSerde.encodeImage(next)));
    } catch (IOException e) {
      throw new IOException(
          "metadata quorum "
              + nodeId
              + " could not write the image at offset "
              + next.offset()
              + " to "
              + imageFile
              + "; the change is dropped: "
              + e.getMessage(),
          e);
    }
  }
}
