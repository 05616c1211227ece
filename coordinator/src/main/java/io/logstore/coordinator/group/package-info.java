/**
 * The classic group coordinator: consumer groups (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), their
 * state machine ({@link io.logstore.coordinator.group.GroupState}) and committed offsets, persisted
 * in {@code __consumer_offsets} through a {@link io.logstore.coordinator.group.GroupStore} the
 * broker implements.
 *
 * <p>Threading: one thread, {@code logstore-group-coordinator}, owns every group, member and
 * offset; nothing here is locked. Handlers submit commands from the network threads through {@link
 * io.logstore.coordinator.group.GroupCoordinator} and get futures completed on that thread.
 * Durability callbacks (flusher thread) hop back to it before touching state. See docs/groups.md.
 */
package io.logstore.coordinator.group;
