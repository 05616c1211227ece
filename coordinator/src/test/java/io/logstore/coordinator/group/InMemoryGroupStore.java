package io.logstore.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Records kept in a list, through the byte codec, durable at once. */
final class InMemoryGroupStore implements GroupStore {
  private record Stored(byte[] key, byte[] value) {}

  private final List<Stored> log = new ArrayList<>();

  @Override
  public CompletableFuture<Void> append(String groupId, List<CoordinatorRecord> records) {
    for (CoordinatorRecord r : records) {
      log.add(new Stored(GroupRecordCodec.key(r), GroupRecordCodec.value(r)));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void load(Consumer<CoordinatorRecord> replay) {
    for (Stored s : log) {
      replay.accept(
          GroupRecordCodec.decode(
              java.nio.ByteBuffer.wrap(s.key()),
              s.value() == null ? null : java.nio.ByteBuffer.wrap(s.value())));
    }
  }

  int size() {
    return log.size();
  }
}
