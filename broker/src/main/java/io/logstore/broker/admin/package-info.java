/**
 * Administration over the topics this broker knows: DescribeConfigs, AlterConfigs and
 * IncrementalAlterConfigs for topics and dynamic broker configs ({@link
 * io.logstore.broker.admin.ConfigAdmin}), with Kafka's validation, precedence and error messages.
 * Sits above {@code partition} and {@code topic}; runs on the admin thread for changes.
 */
package io.logstore.broker.admin;
