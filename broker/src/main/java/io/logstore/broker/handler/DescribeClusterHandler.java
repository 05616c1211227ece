package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster v0-2: the cluster id, the controller and the brokers: the registered ones from
 * the metadata image (fenced ones only when v2's IncludeFencedBrokers asks, with IsFenced set) and
 * the controller is the Raft leader (-1 while none is known).
 */
public final class DescribeClusterHandler extends AbstractApiHandler<DescribeClusterRequestData> {
  private static final byte BROKER_ENDPOINTS = 1;

  private final Supplier<BrokerIdentity> identity;
  private final ClusterView cluster;

  public DescribeClusterHandler(Supplier<BrokerIdentity> identity, ClusterView cluster) {
    super(ApiKeys.DESCRIBE_CLUSTER, 0, 2);
    this.identity = identity;
    this.cluster = cluster;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeClusterRequestData request) {
    BrokerIdentity self = identity.get();
    DescribeClusterResponseData response =
        new DescribeClusterResponseData()
            .setClusterId(self.clusterId())
            .setControllerId(cluster.controllerId())
            .setEndpointType(request.endpointType());
    if (context.version() >= 1 && request.endpointType() != BROKER_ENDPOINTS) {
      return CompletableFuture.completedFuture(
          response
              .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
              .setErrorMessage("The request was sent to an endpoint of type BROKER"));
    }
    boolean includeFenced = context.version() >= 2 && request.includeFencedBrokers();
    for (BrokerRecord b : new TreeMap<>(cluster.image().brokers()).values()) {
      boolean fenced = b.state() == BrokerState.FENCED;
      if (fenced && !includeFenced) {
        continue;
      }
      response
          .brokers()
          .add(
              new DescribeClusterBroker()
                  .setBrokerId(b.brokerId())
                  .setHost(b.host())
                  .setPort(b.port())
                  .setIsFenced(fenced));
    }
    return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
  }
}
