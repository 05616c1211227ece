package io.logstore.broker.handler;

/** Who this broker is, as Metadata and DescribeCluster report it. */
public record BrokerIdentity(int nodeId, String clusterId, String host, int port) {}
