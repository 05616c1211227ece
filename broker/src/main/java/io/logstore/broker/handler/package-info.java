/**
 * One handler class per Kafka API. A handler translates its request into calls on the broker's
 * services ({@link io.logstore.broker.partition.PartitionService} for Produce, Fetch, ListOffsets,
 * DeleteRecords, OffsetForLeaderEpoch; the group coordinator; the topic manager) and their answers
 * into the response. Handlers run on the connection's event loop, never block and never wait: the
 * services own every wait and return {@code CompletionStage}s. They import neither Netty nor {@code
 * io.logstore.storage} (enforced by import-control). See {@link
 * io.logstore.broker.dispatch.ApiHandler}.
 */
package io.logstore.broker.handler;
