/**
 * Request dispatch: the handler registry (one handler per API key) and the context a handler
 * receives. Handlers run on the connection's event loop; see docs/threading-model.md.
 */
package io.logstore.broker.dispatch;
