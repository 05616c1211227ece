package io.logstore.replication.metadata;

/**
 * A broker's state as the controller sees it.
 *
 * <pre>
 *   (register) -> FENCED --(heartbeat, caught up)--> ACTIVE
 *   ACTIVE --(controlled shutdown request)--> CONTROLLED_SHUTDOWN --(leaderships moved)--> FENCED
 *   ACTIVE --(no heartbeat for broker.session.timeout.ms)--> FENCED
 * </pre>
 *
 * Only ACTIVE brokers lead partitions or join an ISR.
 */
public enum BrokerState {
  FENCED,
  ACTIVE,
  CONTROLLED_SHUTDOWN
}
