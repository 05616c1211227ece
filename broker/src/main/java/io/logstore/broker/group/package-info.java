/**
 * The group coordinator: classic consumer groups (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), their
 * state machine ({@link io.logstore.broker.group.GroupState}) and committed offsets, persisted in
 * {@code __consumer_offsets}.
 *
 * <p>Threading: one thread, {@code logstore-group-coordinator}, owns every group, member and
 * offset; nothing here is locked. Handlers submit commands from the Netty event loops through
 * {@link io.logstore.broker.group.GroupCoordinator} and get futures completed on that thread.
 * Durability callbacks (flusher thread) hop back to it before touching state. See docs/groups.md.
 */
package io.logstore.broker.group;
