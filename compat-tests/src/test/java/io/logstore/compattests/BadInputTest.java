package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.RawKafkaConnection;
import io.logstore.testkit.RawKafkaConnection.Closed;
import io.logstore.testkit.RawKafkaConnection.NoReply;
import io.logstore.testkit.RawKafkaConnection.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Malformed or invalid requests, one case per test, asserting Apache Kafka 4.3.1's exact answer (an
 * error code, or a closed connection). compat-tests/README.md lists the answers.
 */
class BadInputTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  /** Kafka's default socket.request.max.bytes. */
  private static final int SOCKET_REQUEST_MAX_BYTES = 104_857_600;

  private static final short PRODUCE_BY_NAME_VERSION = 11;
  private static final short FETCH_BY_NAME_VERSION = 12;
  private static final short METADATA_VERSION = 4;

  // Offsets in a v2 record batch header (DefaultRecordBatch).
  private static final int CRC_OFFSET = 17;
  private static final int ATTRIBUTES_OFFSET = 21;
  private static final int RECORDS_COUNT_OFFSET = 57;

  @BrokersTest
  void shouldWaitForTheRestOfATruncatedFrameThenCloseAtEndOfStream(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      // Given a frame announcing 100 bytes of which only 10 arrive
      ByteBuffer partial = ByteBuffer.allocate(14).putInt(100).put(new byte[10]);
      connection.sendRaw(partial.array());

      // Then the broker waits for the rest without answering
      assertThat(connection.read()).isInstanceOf(NoReply.class);

      // When the client ends its stream, the broker closes without answering
      connection.shutdownOutput();
      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldCloseOnNegativeFrameLength(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      connection.sendRaw(ByteBuffer.allocate(8).putInt(-1).putInt(0).array());

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldCloseOnFrameLargerThanSocketRequestMaxBytes(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      connection.sendRaw(
          ByteBuffer.allocate(8).putInt(SOCKET_REQUEST_MAX_BYTES + 1).putInt(0).array());

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldCloseOnUnknownApiKey(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      RequestHeaderData header = header((short) 9999, (short) 0);
      connection.send(header, (short) 1, null, (short) 0);

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldCloseOnRemovedProduceVersion(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      // Produce v2 was removed in Kafka 4.0 (KIP-896); the body uses the v3 layout.
      RequestHeaderData header = header(ApiKeys.PRODUCE.id, (short) 2);
      connection.send(header, (short) 1, produceRequest("any", 0, records(1)), (short) 3);

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldCloseOnProduceVersionAboveTheLatest(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      RequestHeaderData header = header(ApiKeys.PRODUCE.id, (short) 99);
      connection.send(
          header, (short) 2, produceRequest("any", 0, records(1)), PRODUCE_BY_NAME_VERSION);

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldAnswerTooNewApiVersionsWithV0ErrorAndItsOwnRange(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      // Given an ApiVersions v99 request (flexible header v2, v3 body), KIP-511
      RequestHeaderData header = header(ApiKeys.API_VERSIONS.id, (short) 99);
      ApiVersionsRequestData body =
          new ApiVersionsRequestData()
              .setClientSoftwareName("logstore-compat")
              .setClientSoftwareVersion("1.0");
      connection.send(header, (short) 2, body, (short) 3);

      // Then the answer is a v0 response: UNSUPPORTED_VERSION plus the broker's ranges
      ByteBufferAccessor frame = new ByteBufferAccessor(connection.readFrame());
      ResponseHeaderData responseHeader = new ResponseHeaderData(frame, (short) 0);
      ApiVersionsResponseData response = new ApiVersionsResponseData();
      response.read(frame, (short) 0);
      assertThat(responseHeader.correlationId()).isEqualTo(header.correlationId());
      assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
      assertThat(response.errorCode()).isEqualTo((short) 35);
      // Kafka lists only its ApiVersions range (0..4 in 4.3.1), not every API.
      assertThat(response.apiKeys()).hasSize(1);
      ApiVersionsResponseData.ApiVersion apiVersions = response.apiKeys().iterator().next();
      assertThat(apiVersions.apiKey()).isEqualTo(ApiKeys.API_VERSIONS.id);
      assertThat(apiVersions.minVersion()).isZero();
      assertThat(apiVersions.maxVersion()).isGreaterThanOrEqualTo((short) 3);
    }
  }

  @BrokersTest
  void shouldCloseOnGarbageBody(BrokerUnderTest broker) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      // A Metadata v4 header followed by a topics array claiming 2^31-1 entries
      byte[] header =
          RawKafkaConnection.encode(
              header(ApiKeys.METADATA.id, METADATA_VERSION), (short) 1, null, (short) 0);
      byte[] garbage = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
      connection.sendFrame(concat(header, garbage));

      assertThat(connection.read()).isEqualTo(new Closed(0));
    }
  }

  @BrokersTest
  void shouldRejectBatchWithWrongCrc(BrokerUnderTest broker) {
    String topic = existingTopic(broker, "bad-crc");
    ByteBuffer batch = records(3).buffer();
    int last = batch.limit() - 1;
    batch.put(last, (byte) (batch.get(last) ^ 0x5a)); // flip bits in the last record's value

    assertThat(produceError(broker, topic, 0, MemoryRecords.readableRecords(batch)))
        .isEqualTo(Errors.CORRUPT_MESSAGE);
  }

  @BrokersTest
  void shouldRejectBatchWithMagicV1(BrokerUnderTest broker) {
    String topic = existingTopic(broker, "magic-v1");
    MemoryRecords v1 =
        MemoryRecords.withRecords(
            RecordBatch.MAGIC_VALUE_V1, Compression.NONE, new SimpleRecord(bytes("v1")));

    assertThat(produceError(broker, topic, 0, v1)).isEqualTo(Errors.INVALID_RECORD);
  }

  @BrokersTest
  void shouldRejectBatchWhoseRecordCountDisagreesWithItsRecords(BrokerUnderTest broker) {
    String topic = existingTopic(broker, "bad-count");
    ByteBuffer batch = records(3).buffer();
    batch.putInt(RECORDS_COUNT_OFFSET, 5);
    rewriteCrc(batch);

    assertThat(produceError(broker, topic, 0, MemoryRecords.readableRecords(batch)))
        .isEqualTo(Errors.INVALID_RECORD);
  }

  @BrokersTest
  void shouldRejectProduceToMissingPartitionOfExistingTopic(BrokerUnderTest broker) {
    String topic = existingTopic(broker, "missing-partition");

    assertThat(produceError(broker, topic, Clients.PARTITIONS + 3, records(1)))
        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
  }

  @BrokersTest
  void shouldRejectFetchAtNegativeOffset(BrokerUnderTest broker) throws Exception {
    String topic = topicWithRecords(broker, "fetch-negative", 3);

    assertThat(fetchError(broker, topic, -5)).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
  }

  @BrokersTest
  void shouldRejectFetchAboveLogEnd(BrokerUnderTest broker) throws Exception {
    String topic = topicWithRecords(broker, "fetch-above-end", 3);

    assertThat(fetchError(broker, topic, 3 + 100)).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
  }

  @BrokersTest
  void shouldAnswerFetchAtLogEndWithNoRecordsAndNoError(BrokerUnderTest broker) throws Exception {
    String topic = topicWithRecords(broker, "fetch-at-end", 3);

    assertThat(fetchError(broker, topic, 3)).isEqualTo(Errors.NONE);
  }

  // ---------------------------------------------------------------------------------------------

  private static Errors produceError(
      BrokerUnderTest broker, String topic, int partition, MemoryRecords records) {
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      Response<ProduceResponseData> response =
          connection.roundTrip(produceRequest(topic, partition, records), PRODUCE_BY_NAME_VERSION);
      ProduceResponseData.TopicProduceResponse topicResponse =
          response.body().responses().iterator().next();
      assertThat(topicResponse.name()).isEqualTo(topic);
      ProduceResponseData.PartitionProduceResponse partitionResponse =
          topicResponse.partitionResponses().get(0);
      assertThat(partitionResponse.index()).isEqualTo(partition);
      return Errors.forCode(partitionResponse.errorCode());
    }
  }

  private static Errors fetchError(BrokerUnderTest broker, String topic, long offset) {
    FetchRequestData request =
        new FetchRequestData()
            .setReplicaId(-1)
            .setMaxWaitMs(0)
            .setMinBytes(0)
            .setMaxBytes(1024 * 1024)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1)
            .setTopics(
                List.of(
                    new FetchRequestData.FetchTopic()
                        .setTopic(topic)
                        .setPartitions(
                            List.of(
                                new FetchRequestData.FetchPartition()
                                    .setPartition(0)
                                    .setCurrentLeaderEpoch(-1)
                                    .setFetchOffset(offset)
                                    .setLogStartOffset(-1)
                                    .setPartitionMaxBytes(1024 * 1024)))));
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      Response<FetchResponseData> response = connection.roundTrip(request, FETCH_BY_NAME_VERSION);
      assertThat(response.body().errorCode()).isZero();
      FetchResponseData.FetchableTopicResponse topicResponse = response.body().responses().get(0);
      assertThat(topicResponse.topic()).isEqualTo(topic);
      return Errors.forCode(topicResponse.partitions().get(0).errorCode());
    }
  }

  private static ProduceRequestData produceRequest(
      String topic, int partition, MemoryRecords records) {
    ProduceRequestData.TopicProduceDataCollection topics =
        new ProduceRequestData.TopicProduceDataCollection();
    topics.add(
        new ProduceRequestData.TopicProduceData()
            .setName(topic)
            .setPartitionData(
                List.of(
                    new ProduceRequestData.PartitionProduceData()
                        .setIndex(partition)
                        .setRecords(records))));
    return new ProduceRequestData()
        .setAcks((short) -1)
        .setTimeoutMs(10_000)
        .setTransactionalId(null)
        .setTopicData(topics);
  }

  private static String existingTopic(BrokerUnderTest broker, String prefix) {
    String topic = Clients.uniqueTopic(prefix);
    assertThat(Clients.autoCreate(broker, topic)).hasSize(Clients.PARTITIONS);
    return topic;
  }

  private static String topicWithRecords(BrokerUnderTest broker, String prefix, int count)
      throws InterruptedException, ExecutionException {
    String topic = existingTopic(broker, prefix);
    try (KafkaProducer<String, String> producer = Clients.producer(broker, Map.of())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, "value-" + i)).get();
      }
    }
    return topic;
  }

  private static MemoryRecords records(int count) {
    SimpleRecord[] records = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      records[i] = new SimpleRecord(bytes("key-" + i), bytes("value-" + i));
    }
    return MemoryRecords.withRecords(Compression.NONE, records);
  }

  /** CRC-32C of a v2 batch covers attributes to the end of the batch. */
  private static void rewriteCrc(ByteBuffer batch) {
    CRC32C crc = new CRC32C();
    ByteBuffer covered = batch.duplicate();
    covered.position(ATTRIBUTES_OFFSET).limit(batch.limit());
    crc.update(covered);
    batch.putInt(CRC_OFFSET, (int) crc.getValue());
  }

  private static RequestHeaderData header(short apiKey, short version) {
    return new RequestHeaderData()
        .setRequestApiKey(apiKey)
        .setRequestApiVersion(version)
        .setClientId("logstore-compat")
        .setCorrelationId(7);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
  }
}
