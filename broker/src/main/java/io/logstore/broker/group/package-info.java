/**
 * The broker's side of the group coordinator (module {@code coordinator}): {@link
 * io.logstore.broker.group.LogGroupStore}, the store that puts the coordinator's records in the
 * group's partition of {@code __consumer_offsets} and reads them back at load.
 *
 * <p>Threading: called on the coordinator thread; durability completes on flusher threads (or, acks
 * on the ISR in a cluster, on the thread that advanced the high watermark).
 */
package io.logstore.broker.group;
