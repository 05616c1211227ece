/**
 * A broker's part in a multi-broker cluster: the metadata-quorum voter, the controller service and
 * membership (registration, heartbeats, controlled shutdown). See docs/replication.md.
 */
package io.logstore.broker.cluster;
