package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.RawKafkaConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;

/**
 * Protocol-level suite (issue 5), below the clients: for every (API key, version) the broker
 * advertises in ApiVersions, a request with kafka-clients' default body (Produce with acks=-1, so
 * that it is answered) must get a response that decodes at that version with nothing left over; one
 * version above each advertised maximum gets Kafka's answer: the connection closes, except
 * ApiVersions, which answers v0 with UNSUPPORTED_VERSION (KIP-511).
 *
 * <p>Each broker's table goes to {@code target/compat-results/api-versions-BROKER.tsv}, from which
 * the compatibility document generator lists the differences between LogStore and Kafka 4.3.1.
 */
class ProtocolSuiteTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  private static final String DECODED = "decoded";
  private static final String CLOSED = "closed";
  private static final String NO_ANSWER = "no answer within 5 s";

  /**
   * Versions that Kafka 4.3.1 advertises but does not answer with a default body (observed with
   * this suite): Produce v0-v2 are advertised only for librdkafka's sake (KAFKA-18659) and closed;
   * DescribeAcls v1+ with resource type 0 (UNKNOWN) fails to parse and closes; AddPartitionsToTxn
   * v4+ (broker-to-broker verification) with no transactions is never answered. A broker that
   * advertises them must answer as Kafka does.
   */
  private static final Map<ApiKeys, Map<Short, String>> KAFKA_ANSWERS_TO_DEFAULT_BODIES =
      Map.of(
          ApiKeys.PRODUCE, Map.of((short) 0, CLOSED, (short) 1, CLOSED, (short) 2, CLOSED),
          ApiKeys.DESCRIBE_ACLS, Map.of((short) 1, CLOSED, (short) 2, CLOSED, (short) 3, CLOSED),
          ApiKeys.ADD_PARTITIONS_TO_TXN, Map.of((short) 4, NO_ANSWER, (short) 5, NO_ANSWER));

  @BrokersTest
  void shouldDecodeTheResponseToEveryAdvertisedVersion(BrokerUnderTest broker) throws Exception {
    AdvertisedApis apis = AdvertisedApis.of(broker);
    writeTable(broker, apis);
    CompatResults.check(
        broker,
        "raw protocol (kafka-clients 4.3.1 codecs)",
        "every advertised (API, version) answers and decodes",
        () -> {
          List<String> failures = new ArrayList<>();
          for (ApiVersion api : apis.byKey().values()) {
            if (!ApiKeys.hasId(api.apiKey())) {
              failures.add("api key " + api.apiKey() + " unknown to kafka-clients 4.3.1");
              continue;
            }
            ApiKeys key = ApiKeys.forId(api.apiKey());
            for (short v = api.minVersion(); v <= api.maxVersion(); v++) {
              String outcome = roundTrip(broker, key, v);
              String expected = expectedOutcome(key, v);
              if (!outcome.equals(expected)) {
                failures.add(key + " v" + v + ": " + outcome + ", Kafka: " + expected);
              }
            }
          }
          assertThat(failures).isEmpty();
        });
  }

  @BrokersTest
  void shouldAnswerOneVersionAboveTheMaximumAsKafkaDoes(BrokerUnderTest broker) throws Exception {
    AdvertisedApis apis = AdvertisedApis.of(broker);
    CompatResults.check(
        broker,
        "raw protocol (kafka-clients 4.3.1 codecs)",
        "max version + 1: closed (ApiVersions: v0 UNSUPPORTED_VERSION)",
        () -> {
          List<String> failures = new ArrayList<>();
          for (ApiVersion api : apis.byKey().values()) {
            if (!ApiKeys.hasId(api.apiKey())) {
              continue;
            }
            ApiKeys key = ApiKeys.forId(api.apiKey());
            String outcome = aboveMaximum(broker, key, (short) (api.maxVersion() + 1));
            String expected = key == ApiKeys.API_VERSIONS ? "v0 UNSUPPORTED_VERSION" : CLOSED;
            if (!outcome.equals(expected)) {
              failures.add(key + " v" + (api.maxVersion() + 1) + ": " + outcome);
            }
          }
          assertThat(failures).isEmpty();
        });
  }

  static String expectedOutcome(ApiKeys key, short version) {
    return KAFKA_ANSWERS_TO_DEFAULT_BODIES
        .getOrDefault(key, Map.of())
        .getOrDefault(version, DECODED);
  }

  /** kafka-clients' default request body, made answerable where the default is not. */
  static ApiMessage defaultRequest(ApiKeys key) {
    ApiMessage body = key.messageType.newRequest();
    if (body instanceof ProduceRequestData produce) {
      produce.setAcks((short) -1).setTimeoutMs(1000); // acks=0 gets no response at all
    }
    return body;
  }

  private static String roundTrip(BrokerUnderTest broker, ApiKeys key, short version) {
    byte[] frame;
    try {
      frame =
          RawKafkaConnection.encode(
              header(key, version),
              key.requestHeaderVersion(version),
              defaultRequest(key),
              version);
    } catch (RuntimeException e) {
      return "cannot encode the default body: " + e;
    }
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      connection.sendFrame(frame);
      RawKafkaConnection.Reply reply = connection.read();
      if (reply instanceof RawKafkaConnection.Closed) {
        return CLOSED;
      }
      if (!(reply instanceof RawKafkaConnection.Frame response)) {
        return NO_ANSWER;
      }
      return decode(response.payload(), key, version, key.responseHeaderVersion(version));
    }
  }

  private static String aboveMaximum(BrokerUnderTest broker, ApiKeys key, short version) {
    short bodyVersion = (short) Math.min(version, key.latestVersion(true));
    byte[] frame =
        RawKafkaConnection.encode(
            header(key, version),
            key.requestHeaderVersion(bodyVersion),
            defaultRequest(key),
            bodyVersion);
    try (RawKafkaConnection connection = RawKafkaConnection.connect(broker, READ_TIMEOUT)) {
      connection.sendFrame(frame);
      RawKafkaConnection.Reply reply = connection.read();
      if (reply instanceof RawKafkaConnection.Closed) {
        return CLOSED;
      }
      if (!(reply instanceof RawKafkaConnection.Frame response)) {
        return "no response and not closed: " + reply;
      }
      if (key != ApiKeys.API_VERSIONS) {
        return "answered with a frame of " + response.payload().remaining() + " bytes";
      }
      ByteBufferAccessor accessor = new ByteBufferAccessor(response.payload());
      new ResponseHeaderData(accessor, (short) 0);
      ApiVersionsResponseData body = new ApiVersionsResponseData(accessor, (short) 0);
      return body.errorCode() == Errors.UNSUPPORTED_VERSION.code()
          ? "v0 UNSUPPORTED_VERSION"
          : "v0 error " + body.errorCode();
    }
  }

  private static RequestHeaderData header(ApiKeys key, short version) {
    return new RequestHeaderData()
        .setRequestApiKey(key.id)
        .setRequestApiVersion(version)
        .setClientId("logstore-protocol-suite")
        .setCorrelationId(7);
  }

  private static String decode(
      ByteBuffer payload, ApiKeys key, short version, short headerVersion) {
    try {
      ByteBufferAccessor accessor = new ByteBufferAccessor(payload);
      ResponseHeaderData header = new ResponseHeaderData(accessor, headerVersion);
      ApiMessage body = key.messageType.newResponse();
      body.read(accessor, version);
      if (header.correlationId() != 7) {
        return "correlation id " + header.correlationId();
      }
      return payload.hasRemaining()
          ? payload.remaining() + " bytes left after the body"
          : "decoded";
    } catch (RuntimeException e) {
      return "response does not decode: " + e;
    }
  }

  private static void writeTable(BrokerUnderTest broker, AdvertisedApis apis) throws IOException {
    Path file = CompatResults.file();
    if (file == null) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<Short, ApiVersion> entry : apis.byKey().entrySet()) {
      ApiVersion api = entry.getValue();
      String name = ApiKeys.hasId(api.apiKey()) ? ApiKeys.forId(api.apiKey()).name : "?";
      text.append(api.apiKey())
          .append('\t')
          .append(name)
          .append('\t')
          .append(api.minVersion())
          .append('\t')
          .append(api.maxVersion())
          .append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(
        file.resolveSibling("api-versions-" + broker.name() + ".tsv"),
        text.toString(),
        StandardCharsets.UTF_8);
  }
}
