package io.logstore.broker.cluster;

import io.logstore.broker.partition.Partition;
import io.logstore.replication.FollowerTruncation;
import io.logstore.replication.PartitionFollower;
import io.logstore.storage.EpochEndOffset;
import io.logstore.wire.WireRecords;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one leader broker: Kafka's replica fetcher, as one
 * thread with one blocking connection speaking the Kafka protocol (Fetch v12 with this broker's id
 * as replica id; kafka-clients' message classes). Each round: one Fetch for every followed
 * partition at its {@link PartitionFollower#nextFetch}; records are appended as the leader wrote
 * them, then fsynced before the next fetch (the leader counts a fetch offset as this replica's
 * durable log end); a diverging epoch truncates (KIP-279); the leader's high watermark is adopted
 * up to the durable end.
 *
 * <p>Threading: thread {@code logstore-replica-fetcher-<leaderId>}; the partition set is changed by
 * the replica manager thread through a concurrent map. A partition whose role changed between the
 * request and its answer is skipped ({@link Partition#appendAsFollower} checks the follower state
 * under the partition's monitor).
 */
final class ReplicaFetcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);
  private static final short FETCH_VERSION = 12;
  private static final long BACKOFF_MS = 200;
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final int localBrokerId;
  private final int leaderId;
  private final IntFunction<InetSocketAddress> addresses;
  private final int maxWaitMs;
  private final int partitionMaxBytes;
  private final int socketTimeoutMs;
  private final Map<Partition, Boolean> partitions = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Socket socket;
  private int correlationId;

  ReplicaFetcher(
      int localBrokerId,
      int leaderId,
      IntFunction<InetSocketAddress> addresses,
      int maxWaitMs,
      int partitionMaxBytes,
      int socketTimeoutMs) {
    this.localBrokerId = localBrokerId;
    this.leaderId = leaderId;
    this.addresses = addresses;
    this.maxWaitMs = maxWaitMs;
    this.partitionMaxBytes = partitionMaxBytes;
    this.socketTimeoutMs = socketTimeoutMs;
    this.thread = new Thread(this::run, "logstore-replica-fetcher-" + leaderId);
    thread.setDaemon(true);
    thread.start();
  }

  void add(Partition partition) {
    partitions.put(partition, Boolean.TRUE);
  }

  void remove(Partition partition) {
    partitions.remove(partition);
  }

  boolean isEmpty() {
    return partitions.isEmpty();
  }

  private void run() {
    while (running) {
      try {
        if (!fetchOnce()) {
          Thread.sleep(BACKOFF_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        if (running) {
          LOG.debug("fetch from leader {} failed: {}", leaderId, e.toString());
        }
        closeSocket();
        sleepQuietly();
      }
    }
    closeSocket();
  }

  /** One fetch round; false when there was nothing to do or the round made no progress. */
  private boolean fetchOnce() throws IOException, InterruptedException {
    Map<String, List<Partition>> byTopic = new LinkedHashMap<>();
    FetchRequestData request =
        new FetchRequestData()
            .setReplicaId(localBrokerId)
            .setMaxWaitMs(maxWaitMs)
            .setMinBytes(1)
            .setMaxBytes(MAX_RESPONSE_BYTES)
            .setIsolationLevel((byte) 0)
            .setSessionId(FetchMetadata.INVALID_SESSION_ID)
            .setSessionEpoch(FetchMetadata.FINAL_EPOCH);
    Map<String, FetchTopic> topics = new LinkedHashMap<>();
    Map<Partition, PartitionFollower> followers = new LinkedHashMap<>();
    for (Partition p : partitions.keySet()) {
      PartitionFollower f = p.follower();
      if (f == null || f.leaderId() != leaderId || p.isDeleted()) {
        continue;
      }
      PartitionFollower.FetchPosition pos = f.nextFetch();
      followers.put(p, f);
      byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p);
      topics
          .computeIfAbsent(
              p.topic(),
              t -> {
                FetchTopic ft = new FetchTopic().setTopic(t);
                request.topics().add(ft);
                return ft;
              })
          .partitions()
          .add(
              new FetchPartition()
                  .setPartition(p.index())
                  .setCurrentLeaderEpoch(pos.currentLeaderEpoch())
                  .setFetchOffset(pos.fetchOffset())
                  .setLastFetchedEpoch(pos.lastFetchedEpoch())
                  .setLogStartOffset(p.log().logStartOffset())
                  .setPartitionMaxBytes(partitionMaxBytes));
    }
    if (followers.isEmpty()) {
      return false;
    }
    FetchResponseData response = send(request);
    if (response.errorCode() != Errors.NONE.code()) {
      LOG.debug("fetch from leader {}: {}", leaderId, Errors.forCode(response.errorCode()));
      return false;
    }
    boolean progress = false;
    boolean backoff = false;
    for (FetchableTopicResponse t : response.responses()) {
      List<Partition> candidates = byTopic.getOrDefault(t.topic(), List.of());
      for (PartitionData data : t.partitions()) {
        Partition p = null;
        for (Partition c : candidates) {
          if (c.index() == data.partitionIndex()) {
            p = c;
          }
        }
        PartitionFollower f = p == null ? null : followers.get(p);
        if (f == null) {
          continue;
        }
        Errors error = Errors.forCode(data.errorCode());
        if (error == Errors.NONE) {
          progress |= onData(p, f, data);
        } else if (error == Errors.OFFSET_OUT_OF_RANGE
            && data.logStartOffset() > p.log().logEndOffset()) {
          // The leader deleted the records this replica lacks (retention, DeleteRecords).
          p.restartFollowerAt(f, data.logStartOffset());
          progress = true;
        } else {
          // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, ...: the metadata will move on.
          LOG.debug("fetch {}-{} from leader {}: {}", p.topic(), p.index(), leaderId, error);
          backoff = true;
        }
      }
    }
    return progress || !backoff;
  }

  /** Handles one partition's answer; true when the log changed. */
  private boolean onData(Partition p, PartitionFollower f, PartitionData data)
      throws IOException, InterruptedException {
    if (data.divergingEpoch() != null && data.divergingEpoch().epoch() >= 0) {
      FollowerTruncation t =
          p.truncateAsFollower(
              f,
              new EpochEndOffset(data.divergingEpoch().epoch(), data.divergingEpoch().endOffset()));
      if (t != null) {
        LOG.info(
            "truncated {}-{} to {} after a diverging epoch from leader {}",
            p.topic(),
            p.index(),
            t.offset(),
            leaderId);
      }
      return true;
    }
    ByteBuffer records = data.records() == null ? null : WireRecords.bytesOf(data.records());
    long end = p.log().logEndOffset();
    if (records != null && records.hasRemaining()) {
      if (!p.appendAsFollower(f, records)) {
        return false;
      }
      end = p.log().logEndOffset();
      try {
        p.log().awaitFlushed(end).get(socketTimeoutMs, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IOException("fsync of " + p.topic() + "-" + p.index() + " failed", e);
      }
    }
    p.followerHighWatermark(f, data.highWatermark());
    p.followerLogStart(f, data.logStartOffset());
    return records != null && records.hasRemaining();
  }

  private FetchResponseData send(FetchRequestData request) throws IOException {
    if (socket == null) {
      InetSocketAddress address = addresses.apply(leaderId);
      if (address == null) {
        throw new IOException("leader " + leaderId + " has no known address");
      }
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(address, socketTimeoutMs);
      s.setSoTimeout(socketTimeoutMs + maxWaitMs);
      socket = s;
    }
    int correlation = ++correlationId;
    RequestHeader header =
        new RequestHeader(
            ApiKeys.FETCH, FETCH_VERSION, "logstore-replica-" + localBrokerId, correlation);
    ByteBuffer body =
        RequestUtils.serialize(header.data(), header.headerVersion(), request, FETCH_VERSION);
    OutputStream out = socket.getOutputStream();
    byte[] frame = new byte[4 + body.remaining()];
    ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
    out.write(frame);
    out.flush();
    InputStream in = socket.getInputStream();
    DataInputStream din = new DataInputStream(in);
    int size;
    try {
      size = din.readInt();
    } catch (EOFException e) {
      throw new IOException("leader " + leaderId + " closed the connection", e);
    }
    if (size < 0 || size > MAX_RESPONSE_BYTES + 1024 * 1024) {
      throw new IOException("bad response size " + size + " from leader " + leaderId);
    }
    byte[] payload = new byte[size];
    din.readFully(payload);
    ByteBuffer buf = ByteBuffer.wrap(payload);
    ResponseHeader rh =
        ResponseHeader.parse(buf, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION));
    if (rh.correlationId() != correlation) {
      throw new IOException(
          "correlation id " + rh.correlationId() + " != " + correlation + " from " + leaderId);
    }
    return new FetchResponseData(new ByteBufferAccessor(buf), FETCH_VERSION);
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // the thread notices
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
