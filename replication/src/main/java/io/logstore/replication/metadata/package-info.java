/**
 * Cluster metadata: the records the controller commits ({@link
 * io.logstore.replication.metadata.MetadataRecord}), the immutable image every broker applies them
 * to ({@link io.logstore.replication.metadata.MetadataImage}) and the replicated log they live in
 * ({@link io.logstore.replication.metadata.MetadataQuorum}).
 */
package io.logstore.replication.metadata;
