package io.logstore.broker.handler;

import io.logstore.broker.dispatch.ApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DescribeCluster v0-2: the cluster id, the controller and the brokers (this one). */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
  private static final byte BROKER_ENDPOINTS = 1;

  private final Supplier<BrokerIdentity> identity;

  public DescribeClusterHandler(Supplier<BrokerIdentity> identity) {
    this.identity = identity;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_CLUSTER;
  }

  @Override
  public short minVersion() {
    return 0;
  }

  @Override
  public short maxVersion() {
    return 2;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeClusterRequestData request) {
    BrokerIdentity self = identity.get();
    DescribeClusterResponseData response =
        new DescribeClusterResponseData()
            .setClusterId(self.clusterId())
            .setControllerId(self.nodeId())
            .setEndpointType(request.endpointType());
    if (context.version() >= 1 && request.endpointType() != BROKER_ENDPOINTS) {
      return CompletableFuture.completedFuture(
          response
              .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
              .setErrorMessage("The request was sent to an endpoint of type BROKER"));
    }
    response
        .brokers()
        .add(
            new DescribeClusterBroker()
                .setBrokerId(self.nodeId())
                .setHost(self.host())
                .setPort(self.port()));
    return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
  }
}
