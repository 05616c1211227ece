/**
 * The broker process: {@link io.logstore.broker.LogStoreMain} and the {@link
 * io.logstore.broker.Broker} lifecycle. Inside the module, dependencies point one way: {@code
 * network -> dispatch -> handler -> partition -> storage}. See docs/architecture.md and
 * docs/threading-model.md.
 */
package io.logstore.broker;
