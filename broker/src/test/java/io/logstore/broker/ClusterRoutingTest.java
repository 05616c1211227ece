package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logstore.broker.config.BrokerConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees on the wire from a cluster: Metadata lists leaders, replicas, ISR and offline
 * replicas; Produce and Fetch sent to a broker that does not lead the partition answer
 * NOT_LEADER_OR_FOLLOWER with the current leader, its epoch and its endpoint (KIP-951); a leader
 * epoch newer than the leader's in a Fetch is UNKNOWN_LEADER_EPOCH.
 */
/** In-process brokers forming a cluster: an integration test (bin/test runs it in pass 2). */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterRoutingTest {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "routed";

  @TempDir Path tmp;
  private final Map<Integer, TestBroker> brokers = new TreeMap<>();

  @AfterEach
  void stopAll() {
    brokers.values().forEach(TestBroker::close);
  }

  @Test
  void wrongBrokerAnswersCarryTheLeaderAndMetadataShowsOfflineReplicas() throws Exception {
    // Given three brokers and a topic with one partition on all three
    String voters = TestBroker.freeVoters(3);
    for (int id = 1; id <= 3; id++) {
      brokers.put(id, start(id, voters));
    }
    StringJoiner bootstrap = new StringJoiner(",");
    brokers.values().forEach(b -> bootstrap.add(b.bootstrapServers()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap.toString()))) {
      await()
          .atMost(AWAIT)
          .untilAsserted(() -> assertThat(admin.describeCluster().nodes().get()).hasSize(3));
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
    }
    MetadataResponsePartition p0 =
        await()
            .atMost(AWAIT)
            .until(
                () -> partition0(brokers.get(1)),
                p -> p != null && p.leaderId() > 0 && p.isrNodes().size() == 3);
    int leader = p0.leaderId();
    int follower = leader % 3 + 1;
    int leaderPort = brokers.get(leader).port();

    // When a Produce goes to a follower
    ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5_000);
    produce
        .topicData()
        .add(
            new ProduceRequestData.TopicProduceData()
                .setName(TOPIC)
                .setPartitionData(
                    List.of(new ProduceRequestData.PartitionProduceData().setIndex(0))));
    ProduceResponseData produced =
        (ProduceResponseData) send(brokers.get(follower), ApiKeys.PRODUCE, (short) 12, produce);

    // Then it is NOT_LEADER_OR_FOLLOWER with the leader, its epoch and its endpoint (KIP-951)
    ProduceResponseData.PartitionProduceResponse pr =
        produced.responses().iterator().next().partitionResponses().get(0);
    assertThat(pr.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    assertThat(pr.currentLeader().leaderId()).isEqualTo(leader);
    assertThat(pr.currentLeader().leaderEpoch()).isEqualTo(p0.leaderEpoch());
    assertThat(produced.nodeEndpoints().find(leader).port()).isEqualTo(leaderPort);

    // And a consumer Fetch at a follower is answered the same way
    FetchResponseData fetched =
        (FetchResponseData)
            send(brokers.get(follower), ApiKeys.FETCH, (short) 16, fetch(p0, p0.leaderEpoch()));
    FetchResponseData.PartitionData fp = fetched.responses().get(0).partitions().get(0);
    assertThat(fp.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    assertThat(fp.currentLeader().leaderId()).isEqualTo(leader);
    assertThat(fetched.nodeEndpoints().find(leader).port()).isEqualTo(leaderPort);

    // And a Fetch at the leader with a leader epoch it does not know yet is UNKNOWN_LEADER_EPOCH
    FetchResponseData newer =
        (FetchResponseData)
            send(brokers.get(leader), ApiKeys.FETCH, (short) 16, fetch(p0, p0.leaderEpoch() + 1));
    assertThat(newer.responses().get(0).partitions().get(0).errorCode())
        .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());

    // When a follower stops, Metadata reports it as an offline replica, out of the ISR
    brokers.remove(follower).close();
    TestBroker survivor = brokers.get(leader);
    MetadataResponsePartition after =
        await()
            .atMost(AWAIT)
            .until(
                () -> partition0(survivor),
                p -> p != null && p.offlineReplicas().contains(follower));
    assertThat(after.replicaNodes()).contains(follower);
    assertThat(after.isrNodes()).doesNotContain(follower);
    assertThat(after.leaderId()).isEqualTo(leader);
  }

  private FetchRequestData fetch(MetadataResponsePartition p, int epoch) {
    FetchRequestData fetch =
        new FetchRequestData()
            .setReplicaId(-1)
            .setMaxWaitMs(0)
            .setMinBytes(0)
            .setMaxBytes(1 << 20)
            .setSessionId(0)
            .setSessionEpoch(-1);
    fetch
        .topics()
        .add(
            new FetchRequestData.FetchTopic()
                .setTopic(TOPIC)
                .setTopicId(topicId)
                .setPartitions(
                    List.of(
                        new FetchRequestData.FetchPartition()
                            .setPartition(p.partitionIndex())
                            .setCurrentLeaderEpoch(epoch)
                            .setFetchOffset(0)
                            .setPartitionMaxBytes(1 << 20))));
    return fetch;
  }

  /** The topic's id, from the last Metadata answer (Fetch v13+ names topics by id). */
  private org.apache.kafka.common.Uuid topicId = org.apache.kafka.common.Uuid.ZERO_UUID;

  private MetadataResponsePartition partition0(TestBroker broker) throws IOException {
    MetadataRequestData request = new MetadataRequestData();
    request.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC));
    MetadataResponseData response =
        (MetadataResponseData) send(broker, ApiKeys.METADATA, (short) 12, request);
    MetadataResponseData.MetadataResponseTopic t = response.topics().find(TOPIC);
    if (t == null || t.errorCode() != Errors.NONE.code() || t.partitions().isEmpty()) {
      return null;
    }
    topicId = t.topicId();
    return t.partitions().get(0);
  }

  private static ApiMessage send(TestBroker broker, ApiKeys api, short version, ApiMessage body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", broker.port())) {
      socket.setSoTimeout(10_000);
      RequestHeader header = new RequestHeader(api, version, "routing-test", 7);
      ByteBuffer payload =
          RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
      byte[] frame = new byte[4 + payload.remaining()];
      ByteBuffer.wrap(frame).putInt(payload.remaining()).put(payload);
      socket.getOutputStream().write(frame);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      ByteBuffer buf = ByteBuffer.wrap(response);
      ResponseHeader.parse(buf, api.responseHeaderVersion(version));
      return switch (api) {
        case PRODUCE -> new ProduceResponseData(new ByteBufferAccessor(buf), version);
        case FETCH -> new FetchResponseData(new ByteBufferAccessor(buf), version);
        case METADATA -> new MetadataResponseData(new ByteBufferAccessor(buf), version);
        default -> throw new IllegalArgumentException(api.name());
      };
    }
  }

  private TestBroker start(int id, String voters) throws Exception {
    return TestBroker.startNode(
        tmp.resolve("broker-" + id),
        id,
        voters,
        Map.of(BrokerConfig.BROKER_SESSION_TIMEOUT_MS, "2000"));
  }
}
