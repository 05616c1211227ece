package io.logstore.compattests;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.RawKafkaConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;

/** A broker's ApiVersions table, asked with ApiVersions v3 (what 4.x clients send first). */
record AdvertisedApis(Map<Short, ApiVersion> byKey) {

  /** The APIs a classic consumer group needs. */
  static final Set<ApiKeys> GROUP_APIS =
      Set.of(
          ApiKeys.FIND_COORDINATOR,
          ApiKeys.JOIN_GROUP,
          ApiKeys.SYNC_GROUP,
          ApiKeys.HEARTBEAT,
          ApiKeys.LEAVE_GROUP,
          ApiKeys.OFFSET_COMMIT,
          ApiKeys.OFFSET_FETCH);

  /** The APIs the scripted clients' admin cells use. */
  static final Set<ApiKeys> ADMIN_APIS =
      Set.of(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DESCRIBE_CONFIGS);

  static final short API_VERSIONS_VERSION = 3;

  static AdvertisedApis of(BrokerUnderTest broker) {
    try (RawKafkaConnection connection =
        RawKafkaConnection.connect(broker, Duration.ofSeconds(10))) {
      ApiVersionsResponseData response =
          connection
              .<ApiVersionsResponseData>roundTrip(
                  new ApiVersionsRequestData()
                      .setClientSoftwareName("logstore-compat-tests")
                      .setClientSoftwareVersion("1"),
                  API_VERSIONS_VERSION)
              .body();
      if (response.errorCode() != 0) {
        throw new IllegalStateException("ApiVersions error " + response.errorCode());
      }
      Map<Short, ApiVersion> byKey = new TreeMap<>();
      response.apiKeys().forEach(api -> byKey.put(api.apiKey(), api.duplicate()));
      return new AdvertisedApis(byKey);
    }
  }

  boolean advertisesAll(Set<ApiKeys> apis) {
    return apis.stream().allMatch(api -> byKey.containsKey(api.id));
  }
}
