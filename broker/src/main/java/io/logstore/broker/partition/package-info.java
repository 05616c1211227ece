/**
 * Topics and partitions this broker leads: topic ids, leader epochs and high watermarks. Logs
 * themselves live in the storage module.
 */
package io.logstore.broker.partition;
