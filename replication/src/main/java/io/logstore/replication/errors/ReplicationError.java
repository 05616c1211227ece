package io.logstore.replication.errors;

/**
 * Replication outcomes that reach a client or a follower, named as the Kafka error codes the broker
 * maps them to.
 */
public enum ReplicationError {
  NONE,
  /** This broker is not the leader (or not a replica) of the partition. */
  NOT_LEADER_OR_FOLLOWER,
  /**
   * The request's leader epoch is older than the receiver's (Kafka's meaning): the sender has stale
   * metadata; also a stale leader's AlterPartition.
   */
  FENCED_LEADER_EPOCH,
  /** The request's leader epoch is newer than the receiver's: the receiver is behind. */
  UNKNOWN_LEADER_EPOCH,
  OFFSET_OUT_OF_RANGE,
  /** acks=all refused before the append: the ISR is smaller than min.insync.replicas. */
  NOT_ENOUGH_REPLICAS,
  /** Appended and replicated to the ISR, but the ISR shrank below min.insync.replicas. */
  NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  /** acks=all: the high watermark did not reach the records within the request timeout. */
  REQUEST_TIMED_OUT,
  /** AlterPartition from a broker that is not the partition's current leader or epoch. */
  INVALID_UPDATE_VERSION,
  /** AlterPartition naming a replica that is not assigned or not an active broker. */
  INELIGIBLE_REPLICA,
  /** CreateTopics: a replication factor above the number of active brokers. */
  INVALID_REPLICATION_FACTOR,
  TOPIC_ALREADY_EXISTS,
  UNKNOWN_TOPIC_ID,
  UNKNOWN_TOPIC_OR_PARTITION,
  /** ElectLeaders: the preferred replica already leads. */
  ELECTION_NOT_NEEDED,
  /** ElectLeaders: the preferred replica is not in the ISR or not active. */
  PREFERRED_LEADER_NOT_AVAILABLE,
  /** ElectLeaders, UNCLEAN: no assigned replica is active. */
  ELIGIBLE_LEADERS_NOT_AVAILABLE,
  /**
   * CreateTopics / CreatePartitions with assigned replicas: an unknown broker, a broker twice, a
   * replica count unlike the others', or no ACTIVE broker in a partition.
   */
  INVALID_REPLICA_ASSIGNMENT,
  /** AlterPartitionReassignments: a cancellation of a partition that is not being reassigned. */
  NO_REASSIGNMENT_IN_PROGRESS,
  /** Any other error a broker answered with (a follower's fetch treats it as retriable). */
  UNKNOWN_SERVER_ERROR
}
