/**
 * The follower's replica fetch loop, without I/O: {@link
 * io.logstore.replication.fetch.ReplicaFetchLoop} decides what to fetch from one leader, applies
 * the answers to the {@link io.logstore.replication.fetch.FollowedPartition}s it copies and decides
 * when to fetch again. The bytes move through a {@link
 * io.logstore.replication.fetch.FetchTransport} (the broker's Netty client over the wire module;
 * the simulation's in-memory network) and time passes through a {@link
 * io.logstore.replication.fetch.FetchScheduler} (a thread in the broker; the simulation's event
 * queue), so the seeded simulation runs exactly the loop that ships.
 */
package io.logstore.replication.fetch;
