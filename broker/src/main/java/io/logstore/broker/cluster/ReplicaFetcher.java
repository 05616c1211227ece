package io.logstore.broker.cluster;

import io.logstore.broker.partition.Partition;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.fetch.FetchTransport;
import io.logstore.replication.fetch.ReplicaFetchLoop;
import io.logstore.storage.EpochEndOffset;
import io.logstore.wire.KafkaClient;
import io.logstore.wire.WireRecords;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * The broker's binding of replication's {@link ReplicaFetchLoop} for one leader: the loop runs on
 * its own thread ({@code logstore-replica-fetcher-<leaderId>}, a single-thread scheduler), and its
 * transport is a {@link KafkaClient} connection speaking Fetch v12 with this broker's id as replica
 * id (kafka-clients' message classes, the wire module's framing). All decisions (what to fetch,
 * truncation, durability before the next fetch, high watermark) are the loop's.
 */
final class ReplicaFetcher implements AutoCloseable {
  private static final short FETCH_VERSION = 12;
  private static final long BACKOFF_MS = 200;
  static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final ScheduledExecutorService thread;
  private final ReplicaFetchLoop<ByteBuffer> loop;

  ReplicaFetcher(
      KafkaClient client,
      int localBrokerId,
      int leaderId,
      IntFunction<InetSocketAddress> addresses,
      int maxWaitMs,
      int partitionMaxBytes,
      int socketTimeoutMs) {
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "logstore-replica-fetcher-" + leaderId);
              t.setDaemon(true);
              return t;
            });
    KafkaClient.Connection connection =
        client.connection(() -> addresses.apply(leaderId), socketTimeoutMs);
    this.loop =
        new ReplicaFetchLoop<>(
            localBrokerId,
            leaderId,
            new Transport(connection, maxWaitMs, partitionMaxBytes, socketTimeoutMs),
            (delayMs, task) -> {
              if (!thread.isShutdown()) {
                thread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
              }
            },
            BACKOFF_MS);
    loop.start();
  }

  void add(Partition partition) {
    loop.add(partition);
  }

  void remove(Partition partition) {
    loop.remove(partition);
  }

  boolean isEmpty() {
    return loop.isEmpty();
  }

  @Override
  public void close() {
    loop.close();
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fetch requests and answers in Kafka's format over one connection to the leader. */
  private static final class Transport implements FetchTransport<ByteBuffer> {
    private final KafkaClient.Connection connection;
    private final int maxWaitMs;
    private final int partitionMaxBytes;
    private final int socketTimeoutMs;

    Transport(
        KafkaClient.Connection connection,
        int maxWaitMs,
        int partitionMaxBytes,
        int socketTimeoutMs) {
      this.connection = connection;
      this.maxWaitMs = maxWaitMs;
      this.partitionMaxBytes = partitionMaxBytes;
      this.socketTimeoutMs = socketTimeoutMs;
    }

    @Override
    public CompletionStage<Answer<ByteBuffer>> fetch(Request request) {
      FetchRequestData data =
          new FetchRequestData()
              .setReplicaId(request.replicaId())
              .setMaxWaitMs(maxWaitMs)
              .setMinBytes(1)
              .setMaxBytes(MAX_RESPONSE_BYTES)
              .setIsolationLevel((byte) 0)
              .setSessionId(FetchMetadata.INVALID_SESSION_ID)
              .setSessionEpoch(FetchMetadata.FINAL_EPOCH);
      Map<String, FetchTopic> topics = new LinkedHashMap<>();
      for (PartitionFetch p : request.partitions()) {
        topics
            .computeIfAbsent(
                p.topic(),
                t -> {
                  FetchTopic ft = new FetchTopic().setTopic(t);
                  data.topics().add(ft);
                  return ft;
                })
            .partitions()
            .add(
                new FetchPartition()
                    .setPartition(p.partition())
                    .setCurrentLeaderEpoch(p.position().currentLeaderEpoch())
                    .setFetchOffset(p.position().fetchOffset())
                    .setLastFetchedEpoch(p.position().lastFetchedEpoch())
                    .setLogStartOffset(p.logStartOffset())
                    .setPartitionMaxBytes(partitionMaxBytes));
      }
      return connection
          .send(ApiKeys.FETCH, FETCH_VERSION, data, (long) socketTimeoutMs + maxWaitMs)
          .thenApply(m -> answer((FetchResponseData) m));
    }

    private static Answer<ByteBuffer> answer(FetchResponseData response) {
      List<PartitionAnswer<ByteBuffer>> out = new ArrayList<>();
      for (FetchableTopicResponse t : response.responses()) {
        for (PartitionData d : t.partitions()) {
          ByteBuffer records = d.records() == null ? null : WireRecords.bytesOf(d.records());
          EpochEndOffset diverging =
              d.divergingEpoch() == null || d.divergingEpoch().epoch() < 0
                  ? null
                  : new EpochEndOffset(d.divergingEpoch().epoch(), d.divergingEpoch().endOffset());
          out.add(
              new PartitionAnswer<>(
                  t.topic(),
                  d.partitionIndex(),
                  error(d.errorCode()),
                  diverging,
                  records == null || !records.hasRemaining() ? null : records,
                  d.highWatermark(),
                  d.logStartOffset()));
        }
      }
      return new Answer<>(error(response.errorCode()), out);
    }

    private static ReplicationError error(short code) {
      Errors e = Errors.forCode(code);
      try {
        return ReplicationError.valueOf(e.name());
      } catch (IllegalArgumentException unknown) {
        return ReplicationError.UNKNOWN_SERVER_ERROR;
      }
    }

    @Override
    public void close() {
      connection.close();
    }
  }
}
