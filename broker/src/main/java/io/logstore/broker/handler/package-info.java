/**
 * One handler class per Kafka API. Handlers run on the connection's event loop and never block; see
 * {@link io.logstore.broker.dispatch.ApiHandler}.
 */
package io.logstore.broker.handler;
