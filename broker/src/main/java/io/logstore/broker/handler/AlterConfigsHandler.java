package io.logstore.broker.handler;

import io.logstore.broker.admin.ConfigAdmin;
import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** AlterConfigs v0-2: the given configs replace all of a resource's dynamic configs. */
public final class AlterConfigsHandler extends AbstractApiHandler<AlterConfigsRequestData> {
  private final ConfigAdmin admin;

  public AlterConfigsHandler(ConfigAdmin admin) {
    super(ApiKeys.ALTER_CONFIGS, 0, 2);
    this.admin = admin;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, AlterConfigsRequestData request) {
    AlterConfigsResponseData response = new AlterConfigsResponseData();
    for (AlterConfigsResource resource : request.resources()) {
      List<ConfigAdmin.Change> changes = new ArrayList<>();
      for (AlterableConfig config : resource.configs()) {
        changes.add(new ConfigAdmin.Change(config.name(), ConfigAdmin.Op.SET, config.value()));
      }
      ConfigAdmin.Failure failure =
          admin.alter(
              resource.resourceType(),
              resource.resourceName(),
              changes,
              true,
              request.validateOnly());
      AlterConfigsResourceResponse result =
          new AlterConfigsResourceResponse()
              .setResourceType(resource.resourceType())
              .setResourceName(resource.resourceName())
              .setErrorCode(Errors.NONE.code());
      if (failure != null) {
        result.setErrorCode(failure.error().code()).setErrorMessage(failure.message());
      }
      response.responses().add(result);
    }
    return CompletableFuture.completedFuture(response);
  }
}
