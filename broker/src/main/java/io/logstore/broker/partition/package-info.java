/**
 * Topics and partitions on this broker: topic ids, leader epochs, high watermarks, replication
 * roles, and {@link io.logstore.broker.partition.PartitionService}, the one place where a request
 * meets a partition (appends, fetches and the purgatory of parked fetches, offsets, delete records,
 * follower-fetch bookkeeping). Logs themselves live in the storage module.
 *
 * <p>Threading: the service is called on network threads and never blocks; completions arrive on
 * flusher, fetcher or replica-manager threads; a parked fetch re-reads on its request's {@link
 * io.logstore.broker.partition.RequestScheduler}. {@code Partition}'s replication state is guarded
 * by its monitor (see its Javadoc).
 */
package io.logstore.broker.partition;
