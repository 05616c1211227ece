package io.logstore.coordinator.group;

import java.util.List;

/**
 * What the coordinator writes to {@code __consumer_offsets} and replays. A null value is a
 * tombstone. {@link GroupRecordCodec} gives the byte layout.
 */
public sealed interface CoordinatorRecord {
  /** The group whose partition of {@code __consumer_offsets} holds the record. */
  String groupId();

  /** A committed offset of {@code topic}-{@code partition}, or its deletion (null value). */
  record OffsetCommit(String groupId, String topic, int partition, OffsetAndMetadata value)
      implements CoordinatorRecord {}

  /** A snapshot of a group's generation and members, or the group's deletion (null value). */
  record GroupMetadata(String groupId, GroupSnapshot value) implements CoordinatorRecord {}

  /**
   * A group as persisted: written when a generation's assignments are known and when the group
   * becomes empty.
   */
  record GroupSnapshot(
      String protocolType,
      int generationId,
      String protocolName,
      String leaderId,
      long currentStateTimestampMs,
      List<MemberSnapshot> members) {
    public GroupSnapshot {
      members = List.copyOf(members);
    }
  }

  /** A member as persisted; {@code subscription} is its metadata for the group's protocol. */
  record MemberSnapshot(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      byte[] subscription,
      byte[] assignment) {}
}
