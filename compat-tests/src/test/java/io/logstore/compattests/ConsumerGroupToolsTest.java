package io.logstore.compattests;

import static org.assertj.core.api.Assertions.assertThat;

import io.logstore.testkit.BrokerUnderTest;
import io.logstore.testkit.BrokersTest;
import io.logstore.testkit.KafkaTools;
import io.logstore.testkit.ProcessResult;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Kafka's console consumer and {@code kafka-consumer-groups} (4.3.1) against groups on the broker.
 */
class ConsumerGroupToolsTest {

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

  private static List<String> lines(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + "-" + i).toList();
  }

  private static List<String> outputLines(ProcessResult result) {
    return Arrays.stream(result.stdout().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private static void produce(BrokerUnderTest broker, String topic, List<String> lines) {
    ProcessResult produced = KafkaTools.consoleProducer(broker, topic, lines, TOOL_TIMEOUT);
    assertThat(produced.exitCode()).as("%s", produced).isZero();
  }

  @BrokersTest
  void shouldReadConsoleProducerLinesWithConsoleConsumerInARandomGroup(BrokerUnderTest broker) {
    // Given 20 lines sent by the console producer
    String topic = Clients.uniqueTopic("console");
    Clients.autoCreate(broker, topic);
    List<String> sent = lines("line", 0, 20);
    produce(broker, topic, sent);

    // When the console consumer reads from the beginning in its default (random) group
    ProcessResult consumed = KafkaTools.consoleConsumer(broker, topic, 20, TOOL_TIMEOUT);

    // Then it printed exactly those lines
    assertThat(consumed.exitCode()).as("%s", consumed).isZero();
    assertThat(outputLines(consumed)).containsExactlyInAnyOrderElementsOf(sent);
  }

  @BrokersTest
  void shouldResumeConsoleConsumerGroupWhereItCommitted(BrokerUnderTest broker) {
    // Given a group that consumed the first 10 lines
    String topic = Clients.uniqueTopic("resume");
    String group = "resume-" + topic;
    Clients.autoCreate(broker, topic);
    produce(broker, topic, lines("a", 0, 10));
    ProcessResult first =
        KafkaTools.consoleConsumer(broker, topic, 10, TOOL_TIMEOUT, "--group", group);
    assertThat(first.exitCode()).as("%s", first).isZero();
    assertThat(outputLines(first)).containsExactlyInAnyOrderElementsOf(lines("a", 0, 10));

    // When 5 more lines arrive and the group's console consumer runs again
    produce(broker, topic, lines("b", 0, 5));
    ProcessResult second =
        KafkaTools.consoleConsumer(broker, topic, 5, TOOL_TIMEOUT, "--group", group);

    // Then it prints only the new lines: --from-beginning applies only without committed offsets
    assertThat(second.exitCode()).as("%s", second).isZero();
    assertThat(outputLines(second)).containsExactlyInAnyOrderElementsOf(lines("b", 0, 5));
  }

  /** CURRENT-OFFSET per partition from {@code --describe} or {@code --reset-offsets} output. */
  private static Map<Integer, Long> offsetsByPartition(ProcessResult result, String topic) {
    Map<Integer, Long> offsets = new TreeMap<>();
    for (String line : outputLines(result)) {
      String[] cols = line.trim().split("\\s+");
      for (int i = 0; i + 2 < cols.length; i++) {
        if (cols[i].equals(topic) && cols[i + 1].matches("\\d+") && cols[i + 2].matches("\\d+")) {
          offsets.put(Integer.parseInt(cols[i + 1]), Long.parseLong(cols[i + 2]));
          break;
        }
      }
    }
    return offsets;
  }

  private static ProcessResult groups(BrokerUnderTest broker, String... args) {
    ProcessResult result = KafkaTools.consumerGroups(broker, TOOL_TIMEOUT, args);
    assertThat(result.exitCode()).as("%s", result).isZero();
    return result;
  }

  @BrokersTest
  void shouldListDescribeResetAndDeleteWithKafkaConsumerGroups(BrokerUnderTest broker) {
    // Given a group that consumed and committed 40 records of a 4-partition topic
    String topic = Clients.uniqueTopic("groups");
    String group = "tool-" + topic;
    Clients.autoCreate(broker, topic);
    produce(broker, topic, lines("r", 0, 40));
    ProcessResult consumed =
        KafkaTools.consoleConsumer(broker, topic, 40, TOOL_TIMEOUT, "--group", group);
    assertThat(consumed.exitCode()).as("%s", consumed).isZero();
    String beforeMoreRecords =
        LocalDateTime.now()
            .minusSeconds(1)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS"));
    produce(broker, topic, lines("s", 0, 8));

    // --list shows the group
    assertThat(outputLines(groups(broker, "--list"))).contains(group);

    // --describe shows every partition, committed offsets summing to 40 and a lag of 8
    ProcessResult described = groups(broker, "--describe", "--group", group);
    Map<Integer, Long> committed = offsetsByPartition(described, topic);
    assertThat(committed).as("%s", described.stdout()).hasSize(4);
    assertThat(committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
    long lag = 0;
    int fullest = -1;
    long fullestEnd = -1;
    for (String line : outputLines(described)) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length > 5 && cols[1].equals(topic)) {
        lag += Long.parseLong(cols[5]);
        if (Long.parseLong(cols[4]) > fullestEnd) {
          fullestEnd = Long.parseLong(cols[4]);
          fullest = Integer.parseInt(cols[2]);
        }
      }
    }
    assertThat(lag).as("%s", described.stdout()).isEqualTo(8);

    // --reset-offsets --to-earliest --dry-run plans zeros but changes nothing
    ProcessResult dryRun =
        groups(
            broker,
            "--reset-offsets",
            "--group",
            group,
            "--topic",
            topic,
            "--to-earliest",
            "--dry-run");
    assertThat(offsetsByPartition(dryRun, topic))
        .containsOnlyKeys(0, 1, 2, 3)
        .allSatisfy((p, o) -> assertThat(o).isZero());
    assertThat(offsetsByPartition(groups(broker, "--describe", "--group", group), topic))
        .isEqualTo(committed);

    // --execute: to-earliest, then to-offset, then shift-by
    groups(
        broker,
        "--reset-offsets",
        "--group",
        group,
        "--topic",
        topic,
        "--to-earliest",
        "--execute");
    assertThat(offsetsByPartition(groups(broker, "--describe", "--group", group), topic))
        .allSatisfy((p, o) -> assertThat(o).isZero());
    groups(
        broker,
        "--reset-offsets",
        "--group",
        group,
        "--topic",
        topic + ":" + fullest,
        "--to-offset",
        "2",
        "--execute");
    groups(
        broker,
        "--reset-offsets",
        "--group",
        group,
        "--topic",
        topic + ":" + fullest,
        "--shift-by",
        "1",
        "--execute");
    assertThat(offsetsByPartition(groups(broker, "--describe", "--group", group), topic))
        .containsEntry(fullest, 3L);

    // --to-datetime before the last 8 records: back to offsets summing to 40
    groups(
        broker,
        "--reset-offsets",
        "--group",
        group,
        "--topic",
        topic,
        "--to-datetime",
        beforeMoreRecords,
        "--execute");
    Map<Integer, Long> byTime =
        offsetsByPartition(groups(broker, "--describe", "--group", group), topic);
    assertThat(byTime.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);

    // --delete-offsets removes one partition's offset
    groups(broker, "--delete-offsets", "--group", group, "--topic", topic + ":" + fullest);
    assertThat(offsetsByPartition(groups(broker, "--describe", "--group", group), topic))
        .doesNotContainKey(fullest);

    // --delete removes the group
    ProcessResult deleted = groups(broker, "--delete", "--group", group);
    assertThat(deleted.stdout())
        .contains("Deletion of requested consumer groups")
        .contains("successful");
    assertThat(outputLines(groups(broker, "--list"))).doesNotContain(group);
  }
}
