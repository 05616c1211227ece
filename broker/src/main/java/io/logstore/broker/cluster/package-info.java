/**
 * A broker's part in a multi-broker cluster: the metadata-quorum voter, the controller service,
 * membership (registration, heartbeats, controlled shutdown), the replica manager that makes local
 * partitions follow the metadata, the replica fetchers, and topic administration through the
 * controller. See docs/replication.md.
 */
package io.logstore.broker.cluster;
