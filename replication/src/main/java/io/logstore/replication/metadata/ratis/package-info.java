/**
 * The metadata quorum on an embedded Apache Ratis Raft group. The only package that imports Ratis
 * (and never its shaded third-party libraries); the rest of LogStore sees {@link
 * io.logstore.replication.metadata.MetadataQuorum}.
 *
 * <p>Threads and the state they own (details in {@link
 * io.logstore.replication.metadata.ratis.RatisMetadataQuorum}):
 *
 * <ul>
 *   <li>Ratis' state-machine updater thread (the apply thread) owns the metadata image, snapshots
 *       and the completion of submit futures.
 *   <li>{@code logstore-metadata-listener-<nodeId>} owns the listener list and calls listeners in
 *       log order.
 *   <li>Ratis' gRPC, log-worker and election threads own Raft state; LogStore code never runs on
 *       them except submit callbacks, which only complete futures.
 * </ul>
 */
package io.logstore.replication.metadata.ratis;
