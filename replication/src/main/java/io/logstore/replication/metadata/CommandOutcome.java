package io.logstore.replication.metadata;

import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import java.util.List;
import java.util.Objects;

/**
 * The controller's decision on a {@link ControllerCommand}: the records it commits (none on an
 * error or when nothing changes), the error ({@link ReplicationError#NONE} for success), and for
 * partition commands the partition's state afterwards (or as the controller holds it, on an error),
 * else null.
 */
public record CommandOutcome(
    List<MetadataRecord> records, ReplicationError error, PartitionRecord state) {

  public CommandOutcome {
    records = List.copyOf(records);
    Objects.requireNonNull(error, "error");
  }

  public boolean succeeded() {
    return error == ReplicationError.NONE;
  }
}
