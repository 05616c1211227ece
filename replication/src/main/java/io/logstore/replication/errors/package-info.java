/**
 * The errors of replication and of the controller's decisions, named as Kafka's error codes: a leaf
 * package that the partition logic, the metadata records and the controller share.
 */
package io.logstore.replication.errors;
