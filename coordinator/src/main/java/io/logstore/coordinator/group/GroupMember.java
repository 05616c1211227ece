package io.logstore.coordinator.group;

import io.logstore.coordinator.runtime.CoordinatorTimer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group. Owned by the coordinator thread, like its group.
 *
 * <p>The parked join and sync responses live here: a member waiting in JoinGroup holds {@link
 * #awaitingJoin}, one waiting in SyncGroup holds {@link #awaitingSync}. Both are always completed
 * by a later event or timer of the coordinator thread, never left hanging.
 */
final class GroupMember {
  private final String memberId;
  private final String groupInstanceId;
  private final String clientId;
  private final String clientHost;
  private int rebalanceTimeoutMs;
  private int sessionTimeoutMs;
  private String protocolType;

  /** Protocol name to metadata, in the member's order of preference. */
  private Map<String, byte[]> protocols;

  private byte[] assignment = new byte[0];
  private CompletableFuture<JoinGroupResponseData> awaitingJoin;
  private CompletableFuture<SyncGroupResponseData> awaitingSync;
  private boolean isNew;
  private CoordinatorTimer.Handle sessionTimer;

  GroupMember(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      String protocolType,
      Map<String, byte[]> protocols) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocolType = protocolType;
    this.protocols = new LinkedHashMap<>(protocols);
  }

  String memberId() {
    return memberId;
  }

  String groupInstanceId() {
    return groupInstanceId;
  }

  boolean isStatic() {
    return groupInstanceId != null;
  }

  String clientId() {
    return clientId;
  }

  String clientHost() {
    return clientHost;
  }

  int rebalanceTimeoutMs() {
    return rebalanceTimeoutMs;
  }

  int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  String protocolType() {
    return protocolType;
  }

  Map<String, byte[]> protocols() {
    return protocols;
  }

  void update(int rebalanceTimeoutMs, int sessionTimeoutMs, Map<String, byte[]> protocols) {
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocols = new LinkedHashMap<>(protocols);
  }

  /** Whether the protocols (names, order and metadata) equal {@code other}. */
  boolean sameProtocols(Map<String, byte[]> other) {
    if (!protocols.keySet().stream().toList().equals(other.keySet().stream().toList())) {
      return false;
    }
    for (Map.Entry<String, byte[]> entry : protocols.entrySet()) {
      if (!java.util.Arrays.equals(entry.getValue(), other.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** This member's metadata for {@code protocol}; fails if it does not support it. */
  byte[] metadata(String protocol) {
    byte[] metadata = protocols.get(protocol);
    if (metadata == null) {
      throw new IllegalStateException(
          "member " + memberId + " does not support protocol " + protocol);
    }
    return metadata;
  }

  /** The member's first preferred protocol among {@code candidates}. */
  String vote(java.util.Set<String> candidates) {
    for (String name : protocols.keySet()) {
      if (candidates.contains(name)) {
        return name;
      }
    }
    throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
  }

  byte[] assignment() {
    return assignment;
  }

  void setAssignment(byte[] assignment) {
    this.assignment = assignment == null ? new byte[0] : assignment;
  }

  CompletableFuture<JoinGroupResponseData> awaitingJoin() {
    return awaitingJoin;
  }

  boolean isAwaitingJoin() {
    return awaitingJoin != null;
  }

  void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future) {
    this.awaitingJoin = future;
  }

  CompletableFuture<SyncGroupResponseData> awaitingSync() {
    return awaitingSync;
  }

  boolean isAwaitingSync() {
    return awaitingSync != null;
  }

  void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
    this.awaitingSync = future;
  }

  boolean isNew() {
    return isNew;
  }

  void setNew(boolean isNew) {
    this.isNew = isNew;
  }

  CoordinatorTimer.Handle sessionTimer() {
    return sessionTimer;
  }

  void setSessionTimer(CoordinatorTimer.Handle timer) {
    this.sessionTimer = timer;
  }
}
