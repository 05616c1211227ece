/**
 * Network layer: the Netty listener and one {@code ConnectionHandler} per connection, owned by a
 * single event loop. See docs/threading-model.md.
 */
package io.logstore.broker.network;
