package io.logstore.replication.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.RemoveTopicRecord;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ControllerCommandSerdeTest {

  private static final UUID ID = new UUID(9, 10);

  private static final List<ControllerCommand> EVERY_COMMAND =
      List.of(
          new ControllerCommand.RegisterBroker(3, 77L, "127.0.0.1", 9093),
          new ControllerCommand.FenceBroker(3, 77L),
          new ControllerCommand.ControlledShutdown(2, 5L),
          new ControllerCommand.AlterPartition(1, ID, 4, 6, 9, List.of(1, 3)),
          new ControllerCommand.CreateTopic("orders", ID, 12, 3),
          new ControllerCommand.CreateTopic(
              "payments", ID, 2, 3, java.util.Map.of("min.insync.replicas", "2", "a", "")),
          new ControllerCommand.CreatePartitions(ID, 9),
          new ControllerCommand.CreatePartitions(ID, 4, List.of(List.of(1, 2), List.of(3, 1))),
          new ControllerCommand.CreateTopic(
              "assigned", ID, 2, 2, java.util.Map.of("a", "b"), List.of(List.of(2, 1), List.of(1))),
          new ControllerCommand.AlterTopicConfigs(
              "payments", java.util.Map.of("retention.ms", "1000", "cleanup.policy", "compact")),
          new ControllerCommand.DeleteTopic(ID),
          new ControllerCommand.ElectPreferredLeader(ID, 7),
          new ControllerCommand.ElectUncleanLeader(ID, 8),
          new ControllerCommand.BalanceLeaders(),
          new ControllerCommand.AlterReassignment(ID, 3, List.of(4, 5)),
          new ControllerCommand.AlterReassignment(ID, 3, List.of()));

  @Test
  void everyCommandRoundTripsAndIsRecognisedAsACommand() throws Exception {
    for (ControllerCommand command : EVERY_COMMAND) {
      byte[] bytes = MetadataRecordSerde.encodeCommand(command);

      assertThat(MetadataRecordSerde.isCommand(ByteBuffer.wrap(bytes))).isTrue();
      assertThat(MetadataRecordSerde.decodeCommand(ByteBuffer.wrap(bytes))).isEqualTo(command);
    }
    byte[] records = MetadataRecordSerde.encodeRecords(List.of(new RemoveTopicRecord(ID)));
    assertThat(MetadataRecordSerde.isCommand(ByteBuffer.wrap(records))).isFalse();
  }

  @Test
  void aFlippedBitInACommandIsRejected() {
    for (ControllerCommand command : EVERY_COMMAND) {
      byte[] bytes = MetadataRecordSerde.encodeCommand(command);
      for (int i = 0; i < bytes.length; i++) {
        byte[] corrupt = bytes.clone();
        corrupt[i] ^= 0x10;
        // Header fields are checked directly, everything from the kind byte on by the CRC.
        assertThatThrownBy(() -> MetadataRecordSerde.decodeCommand(ByteBuffer.wrap(corrupt)))
            .as("byte %d of %s", i, command)
            .isInstanceOf(CorruptMetadataException.class);
      }
    }
  }

  @Test
  void outcomesRoundTripWithAndWithoutAPartitionState() throws Exception {
    PartitionRecord state = new PartitionRecord(ID, 0, List.of(1, 2), List.of(2), 2, 3, 4);
    List<CommandOutcome> outcomes =
        List.of(
            new CommandOutcome(List.of(state), ReplicationError.NONE, state),
            new CommandOutcome(List.of(), ReplicationError.INVALID_UPDATE_VERSION, state),
            new CommandOutcome(List.of(), ReplicationError.TOPIC_ALREADY_EXISTS, null));
    for (CommandOutcome outcome : outcomes) {
      byte[] bytes = MetadataRecordSerde.encodeOutcome(outcome);

      assertThat(MetadataRecordSerde.decodeOutcome(ByteBuffer.wrap(bytes))).isEqualTo(outcome);
    }
  }
}
