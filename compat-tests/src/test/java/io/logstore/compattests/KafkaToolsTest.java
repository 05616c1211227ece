package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.KafkaTools.Tool;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;

/** Apache Kafka's own command-line tools (4.3.1) against the broker. */
class KafkaToolsTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  @BrokersTest
  void shouldCompleteProducerPerformanceRun(BrokerUnderTest broker) {
    String topic = Clients.uniqueTopic("perf");
    Clients.autoCreate(broker, topic);

    ProcessResult result =
        KafkaTools.run(
            Tool.PRODUCER_PERFORMANCE,
            TOOL_TIMEOUT,
            null,
            "--topic",
            topic,
            "--num-records",
            "5000",
            "--record-size",
            "100",
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + broker.bootstrapServers(),
            "acks=all");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout()).contains("5000 records sent");
  }

  @BrokersTest
  void shouldAckEveryVerifiableProducerMessage(BrokerUnderTest broker) {
    String topic = Clients.uniqueTopic("verifiable");
    Clients.autoCreate(broker, topic);

    ProcessResult result =
        KafkaTools.run(
            Tool.VERIFIABLE_PRODUCER,
            TOOL_TIMEOUT,
            null,
            "--bootstrap-server",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--max-messages",
            "200",
            "--acks",
            "-1");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout())
        .contains("\"name\":\"tool_data\"")
        .contains("\"sent\":200")
        .contains("\"acked\":200");
  }

  @BrokersTest
  void shouldDescribeAutoCreatedTopicWithKafkaTopics(BrokerUnderTest broker) {
    String topic = Clients.uniqueTopic("describe");
    Clients.autoCreate(broker, topic);

    ProcessResult result = KafkaTools.topics(broker, TOOL_TIMEOUT, "--describe", "--topic", topic);

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout()).contains("Topic: " + topic).contains("PartitionCount: 4");
  }
}
