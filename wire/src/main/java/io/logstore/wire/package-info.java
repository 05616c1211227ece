/**
 * The Kafka wire codec: frames, request and response headers, and the bridge between kafka-clients'
 * generated message classes and Netty buffers.
 *
 * <p>This is the only package of LogStore that imports kafka-clients' internal record packages
 * ({@code org.apache.kafka.common.record.internal}); they move between kafka-clients minor
 * releases, so keeping them here confines an upgrade to one package.
 *
 * <p>Threading: every class here is used on the Netty event loop that owns the connection and holds
 * no state shared between connections.
 */
package io.logstore.wire;
