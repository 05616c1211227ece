/** Broker configuration with Kafka's property names. */
package io.logstore.broker.config;
