package io.logstore.replication.metadata.ratis;

import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.CorruptMetadataException;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataQuorum;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.MetadataRecordSerde;
import io.logstore.replication.metadata.NotControllerException;
import io.logstore.replication.metadata.QuorumStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata quorum on an embedded Apache Ratis Raft group: one {@link RaftServer} per node with
 * one division (group), a {@link MetadataStateMachine} and a {@link RaftClient} this node uses to
 * append when it is the leader. A single voter is a valid group: it elects itself after one
 * election timeout.
 *
 * <p>Durability: the Raft log is fsynced before an append is acknowledged (Ratis' synchronous
 * flush, {@code raft.server.log.unsafe-flush.enabled=false}, {@code async-flush.enabled=false}), so
 * a committed entry is on disk on a majority. Snapshots are written tmp, fsync, rename, fsync dir.
 *
 * <h2>Threading model</h2>
 *
 * <ul>
 *   <li><b>Callers</b> (any thread): {@link #submit}, {@link #image}, {@link #isController}, {@link
 *       #controllerId}, {@link #addListener}. None of them block; {@code addListener} only queues.
 *   <li><b>Ratis server threads</b> (gRPC, log worker, heartbeats, elections) are Ratis' own and
 *       never touch LogStore state.
 *   <li><b>The apply thread</b> is Ratis' state-machine updater thread of this division. It is the
 *       only writer of the image: it decodes committed entries, applies them, takes and loads
 *       snapshots, then publishes the image (volatile) and completes {@code submit} futures.
 *   <li><b>The listener thread</b> {@code logstore-metadata-listener-<nodeId>} calls listeners, one
 *       image at a time in log order. Its queue is bounded ({@link
 *       RatisMetadataConfig#listenerQueueCapacity}); a full queue holds the apply thread back.
 *   <li>The futures {@link #submit} returns complete on the apply thread or on a Ratis client
 *       thread: dependent stages must not block.
 * </ul>
 */
public final class RatisMetadataQuorum implements MetadataQuorum {
  private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataQuorum.class);
  private static final SizeInBytes SEGMENT_SIZE_MAX = SizeInBytes.valueOf("1MB");
  private static final SizeInBytes PREALLOCATED_SIZE = SizeInBytes.valueOf("64KB");
  private static final int SNAPSHOTS_RETAINED = 2;
  private static final int CLIENT_RETRIES = 10;
  private static final int FORWARDING_RETRIES = 100;
  private static final TimeDuration CLIENT_RETRY_SLEEP =
      TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

  private final RatisMetadataConfig config;
  private final RaftPeerId selfId;
  private final Map<RaftPeerId, Integer> nodeIdsByPeer;
  private final ListenerDispatcher listeners;
  private final MetadataStateMachine stateMachine;
  private final RaftServer server;
  private final RaftServer.Division division;
  private final RaftClient client;

  /** Follows the Raft leader wherever it is: commands and heartbeats from any node. */
  private final RaftClient forwardingClient;

  private RatisMetadataQuorum(
      RatisMetadataConfig config,
      RaftPeerId selfId,
      Map<RaftPeerId, Integer> nodeIdsByPeer,
      ListenerDispatcher listeners,
      MetadataStateMachine stateMachine,
      RaftServer server,
      RaftServer.Division division,
      RaftClient client,
      RaftClient forwardingClient) {
    this.config = config;
    this.selfId = selfId;
    this.nodeIdsByPeer = nodeIdsByPeer;
    this.listeners = listeners;
    this.stateMachine = stateMachine;
    this.server = server;
    this.division = division;
    this.client = client;
    this.forwardingClient = forwardingClient;
  }

  /**
   * Starts this node: recovers the log and latest snapshot from {@link
   * RatisMetadataConfig#storageDir} if there are any (else formats it) and joins the group. Returns
   * before a leader is elected.
   */
  public static RatisMetadataQuorum start(RatisMetadataConfig config) throws IOException {
    return start(config, new ControllerLogic(false));
  }

  /**
   * As {@link #start(RatisMetadataConfig)}, deciding controller commands with {@code logic} (every
   * voter must use the same settings, e.g. unclean leader election).
   */
  public static RatisMetadataQuorum start(RatisMetadataConfig config, ControllerLogic logic)
      throws IOException {
    RaftGroup group = group(config);
    RaftPeerId selfId = peerId(config.nodeId());
    Map<RaftPeerId, Integer> nodeIdsByPeer = new HashMap<>();
    config.voters().keySet().forEach(id -> nodeIdsByPeer.put(peerId(id), id));
    Files.createDirectories(config.storageDir());
    boolean existing =
        Files.isDirectory(config.storageDir().resolve(group.getGroupId().getUuid().toString()));
    ListenerDispatcher listeners =
        new ListenerDispatcher(config.nodeId(), config.listenerQueueCapacity());
    MetadataStateMachine stateMachine = new MetadataStateMachine(config.nodeId(), listeners, logic);
    RaftServer server = null;
    RaftClient client = null;
    RaftClient forwardingClient = null;
    try {
      server =
          RaftServer.newBuilder()
              .setServerId(selfId)
              .setGroup(group)
              .setStateMachine(stateMachine)
              .setProperties(serverProperties(config))
              .setOption(
                  existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
              .build();
      startServer(server, config);
      client =
          RaftClient.newBuilder()
              .setRaftGroup(group)
              .setLeaderId(selfId)
              .setProperties(clientProperties(config))
              .setRetryPolicy(retryPolicy())
              .build();
      forwardingClient =
          RaftClient.newBuilder()
              .setRaftGroup(group)
              .setProperties(clientProperties(config))
              .setRetryPolicy(forwardingRetryPolicy())
              .build();
      RaftServer.Division division = server.getDivision(group.getGroupId());
      LOG.info(
          "metadata quorum started nodeId={} voters={} groupId={} recovered={}",
          config.nodeId(),
          config.voters(),
          group.getGroupId(),
          existing);
      return new RatisMetadataQuorum(
          config,
          selfId,
          Map.copyOf(nodeIdsByPeer),
          listeners,
          stateMachine,
          server,
          division,
          client,
          forwardingClient);
    } catch (IOException | RuntimeException e) {
      if (forwardingClient != null) {
        try {
          forwardingClient.close();
        } catch (IOException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      closeQuietlyOnFailedStart(client, server, listeners, e);
      throw e;
    }
  }

  static {
    // Ratis calls System.exit(1) when its gRPC server cannot bind (e.g. the Raft port is taken).
    // A library must not end the JVM: with exits disabled Ratis throws ExitException instead,
    // which startServer turns into an IOException for the caller.
    ExitUtils.disableSystemExit();
  }

  private static void startServer(RaftServer server, RatisMetadataConfig config)
      throws IOException {
    try {
      server.start();
    } catch (ExitUtils.ExitException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new IOException(
          "metadata quorum node "
              + config.nodeId()
              + " could not start its Raft server on "
              + config.voters().get(config.nodeId())
              + ": "
              + e.getMessage()
              + (root == e ? "" : " (" + root.getMessage() + ")"),
          e.getCause() != null ? e.getCause() : e);
    }
  }

  @Override
  public int nodeId() {
    return config.nodeId();
  }

  @Override
  public boolean isController() {
    return division.getInfo().isLeader();
  }

  @Override
  public OptionalInt controllerId() {
    RaftPeerId leader = division.getInfo().getLeaderId();
    Integer id = leader == null ? null : nodeIdsByPeer.get(leader);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public Optional<QuorumStatus> leaderStatus(long nowMs) {
    DivisionInfo info = division.getInfo();
    long[] matched = info.getFollowerMatchIndices();
    RoleInfoProto role = info.getRoleInfoProto();
    if (!info.isLeader() || matched == null || !role.hasLeaderInfo()) {
      return Optional.empty();
    }
    // Ratis lists the followers' RPC info and match indexes in the same order; a membership
    // change between the two calls cannot happen (the voters are fixed).
    List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
    long end = division.getRaftLog().getNextIndex();
    List<QuorumStatus.Voter> voters = new ArrayList<>();
    voters.add(new QuorumStatus.Voter(nodeId(), end, nowMs, nowMs));
    for (int i = 0; i < Math.min(followers.size(), matched.length); i++) {
      ServerRpcProto follower = followers.get(i);
      Integer id = nodeIdsByPeer.get(RaftPeerId.valueOf(follower.getId().getId()));
      if (id != null) {
        long heard = nowMs - follower.getLastRpcElapsedTimeMs();
        long logEnd = matched[i] + 1;
        voters.add(new QuorumStatus.Voter(id, logEnd, heard, logEnd >= end ? heard : -1));
      }
    }
    voters.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
    return Optional.of(
        new QuorumStatus(
            nodeId(),
            info.getCurrentTerm(),
            division.getRaftLog().getLastCommittedIndex() + 1,
            voters));
  }

  @Override
  public CompletableFuture<MetadataImage> submit(List<MetadataRecord> records) {
    if (records.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no records to submit"));
    }
    byte[] entry = MetadataRecordSerde.encodeRecords(records);
    if (entry.length > config.maxEntryBytes()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "metadata entry of "
                  + entry.length
                  + " bytes exceeds maxEntryBytes "
                  + config.maxEntryBytes()));
    }
    DivisionInfo info = division.getInfo();
    if (!info.isLeader()) {
      return CompletableFuture.failedFuture(notController(controllerId()));
    }
    return sendAndAwaitApplied(client, entry, (content, image) -> image);
  }

  @Override
  public CompletableFuture<CommandOutcome> execute(ControllerCommand command) {
    byte[] entry = MetadataRecordSerde.encodeCommand(command);
    if (entry.length > config.maxEntryBytes()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "command of "
                  + entry.length
                  + " bytes exceeds maxEntryBytes "
                  + config.maxEntryBytes()));
    }
    // The reply is the entry's index, then the outcome the leader decided.
    return sendAndAwaitApplied(
        forwardingClient,
        entry,
        (content, image) ->
            MetadataRecordSerde.decodeOutcome(
                content.position(content.position() + Long.BYTES).slice()));
  }

  /** Reads what a caller gets from a committed entry's reply, once it is applied here. */
  private interface ReplyReader<T> {
    T read(ByteBuffer replyContent, MetadataImage applied) throws CorruptMetadataException;
  }

  /**
   * Appends {@code entry} through {@code via}; completes once the entry (its index is the first 8
   * bytes of the state machine's reply) is applied on this node, with what {@code reader} makes of
   * the reply.
   */
  private <T> CompletableFuture<T> sendAndAwaitApplied(
      RaftClient via, byte[] entry, ReplyReader<T> reader) {
    CompletableFuture<T> result = new CompletableFuture<>();
    via.async()
        .send(Message.valueOf(ByteBuffer.wrap(entry)))
        .whenComplete(
            (reply, error) -> {
              if (error != null || !reply.isSuccess()) {
                result.completeExceptionally(
                    translate(error != null ? error : reply.getException()));
                return;
              }
              ByteBuffer content = reply.getMessage().getContent().asReadOnlyByteBuffer();
              stateMachine
                  .awaitApplied(content.getLong(content.position()))
                  .whenComplete(
                      (image, e) -> {
                        if (e != null) {
                          result.completeExceptionally(e);
                          return;
                        }
                        try {
                          result.complete(reader.read(content, image));
                        } catch (CorruptMetadataException corrupt) {
                          result.completeExceptionally(corrupt);
                        }
                      });
            });
    return result;
  }

  @Override
  public CompletableFuture<byte[]> queryController(byte[] request) {
    return forwardingClient
        .async()
        .sendReadOnly(Message.valueOf(ByteBuffer.wrap(request)))
        .handle(
            (reply, error) -> {
              if (error != null) {
                throw new CompletionException(translate(error));
              }
              if (!reply.isSuccess()) {
                throw new CompletionException(translate(reply.getException()));
              }
              ByteBuffer content = reply.getMessage().getContent().asReadOnlyByteBuffer();
              byte[] bytes = new byte[content.remaining()];
              content.get(bytes);
              return bytes;
            });
  }

  @Override
  public void setControllerQueryHandler(Function<byte[], byte[]> handler) {
    stateMachine.setQueryHandler(handler);
  }

  @Override
  public MetadataImage image() {
    return stateMachine.image();
  }

  @Override
  public void addListener(Consumer<MetadataImage> listener) {
    listeners.addListener(listener);
  }

  /**
   * Asks this node's state machine for a snapshot now (if anything was applied since the last one)
   * and returns its log index. For tests and operators; snapshots are otherwise taken every {@link
   * RatisMetadataConfig#snapshotThresholdEntries} entries.
   */
  long takeSnapshot() throws IOException {
    RaftClientReply reply =
        client.getSnapshotManagementApi(selfId).create(true, config.requestTimeout().toMillis());
    if (!reply.isSuccess()) {
      throw reply.getException();
    }
    return reply.getLogIndex();
  }

  @Override
  public void close() {
    List<Exception> failures = new ArrayList<>();
    closeCollecting(forwardingClient::close, failures);
    closeCollecting(client::close, failures);
    closeCollecting(server::close, failures);
    closeCollecting(listeners::close, failures);
    if (!failures.isEmpty()) {
      UncheckedIOException e =
          new UncheckedIOException(
              new IOException("closing metadata quorum node " + config.nodeId() + " failed"));
      failures.forEach(e::addSuppressed);
      throw e;
    }
    LOG.info("metadata quorum closed nodeId={}", config.nodeId());
  }

  private interface Closer {
    void close() throws Exception;
  }

  private static void closeCollecting(Closer closer, List<Exception> failures) {
    try {
      closer.close();
    } catch (Exception e) {
      failures.add(e);
    }
  }

  private static void closeQuietlyOnFailedStart(
      RaftClient client, RaftServer server, ListenerDispatcher listeners, Exception cause) {
    List<Exception> failures = new ArrayList<>();
    if (client != null) {
      closeCollecting(client::close, failures);
    }
    if (server != null) {
      closeCollecting(server::close, failures);
    }
    closeCollecting(listeners::close, failures);
    failures.forEach(cause::addSuppressed);
  }

  private NotControllerException notController(OptionalInt hint) {
    return new NotControllerException(config.nodeId(), hint);
  }

  /** Ratis' "not leader" answers become {@link NotControllerException}; others pass through. */
  private Throwable translate(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof NotLeaderException nle) {
        RaftPeer suggested = nle.getSuggestedLeader();
        Integer hint = suggested == null ? null : nodeIdsByPeer.get(suggested.getId());
        return notController(hint == null ? OptionalInt.empty() : OptionalInt.of(hint));
      }
      if (t instanceof LeaderSteppingDownException) {
        return notController(OptionalInt.empty());
      }
    }
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  static RaftPeerId peerId(int nodeId) {
    return RaftPeerId.valueOf("n" + nodeId);
  }

  /** The group id is a name-based UUID of the cluster id: every voter derives the same one. */
  static RaftGroupId groupId(String clusterId) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(
            ("logstore-metadata:" + clusterId).getBytes(StandardCharsets.UTF_8)));
  }

  private static RaftGroup group(RatisMetadataConfig config) {
    List<RaftPeer> peers = new ArrayList<>();
    config
        .voters()
        .forEach(
            (id, address) ->
                peers.add(
                    RaftPeer.newBuilder()
                        .setId(peerId(id))
                        .setAddress(address.getHostString() + ":" + address.getPort())
                        .build()));
    return RaftGroup.valueOf(groupId(config.clusterId()), peers);
  }

  private static RaftProperties serverProperties(RatisMetadataConfig config) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
    GrpcConfigKeys.Server.setHost(p, config.address().getHostString());
    GrpcConfigKeys.Server.setPort(p, config.address().getPort());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(config.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(config.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(config.requestTimeout()));
    // Metadata must be durable: fsync each flush of the log before acknowledging it.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    // Metadata entries are small: small segments keep recovery and purging cheap.
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SEGMENT_SIZE_MAX);
    RaftServerConfigKeys.Log.setPreallocatedSize(p, PREALLOCATED_SIZE);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThresholdEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_RETAINED);
    // A restart replays the log after the last snapshot; no extra snapshot on every stop.
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    return p;
  }

  private static RaftProperties clientProperties(RatisMetadataConfig config) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, duration(config.requestTimeout()));
    return p;
  }

  /**
   * Retries transient failures (leader not ready yet, timeouts); never follows a "not leader"
   * answer to another node, because submit is only for the controller.
   */
  private static RetryPolicy retryPolicy() {
    return ExceptionDependentRetry.newBuilder()
        .setExceptionToPolicy(NotLeaderException.class, RetryPolicies.noRetry())
        .setExceptionToPolicy(LeaderSteppingDownException.class, RetryPolicies.noRetry())
        .setDefaultPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(CLIENT_RETRIES, CLIENT_RETRY_SLEEP))
        .build();
  }

  /**
   * For commands and heartbeats from any node: follows "not leader" answers to the leader and
   * retries through elections, for up to about 10 s.
   */
  private static RetryPolicy forwardingRetryPolicy() {
    return RetryPolicies.retryUpToMaximumCountWithFixedSleep(
        FORWARDING_RETRIES, CLIENT_RETRY_SLEEP);
  }

  private static TimeDuration duration(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
