package io.logstore.broker.handler;

import io.logstore.broker.admin.ConfigAdmin;
import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** IncrementalAlterConfigs v0-1: SET, DELETE, APPEND and SUBTRACT per config. */
public final class IncrementalAlterConfigsHandler
    extends AbstractApiHandler<IncrementalAlterConfigsRequestData> {
  private final ConfigAdmin admin;

  public IncrementalAlterConfigsHandler(ConfigAdmin admin) {
    super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1);
    this.admin = admin;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, IncrementalAlterConfigsRequestData request) {
    IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
    for (AlterConfigsResource resource : request.resources()) {
      AlterConfigsResourceResponse result =
          new AlterConfigsResourceResponse()
              .setResourceType(resource.resourceType())
              .setResourceName(resource.resourceName())
              .setErrorCode(Errors.NONE.code());
      response.responses().add(result);
      List<ConfigAdmin.Change> changes = new ArrayList<>();
      try {
        for (AlterableConfig config : resource.configs()) {
          changes.add(
              new ConfigAdmin.Change(
                  config.name(), ConfigAdmin.Op.of(config.configOperation()), config.value()));
        }
      } catch (ConfigException e) {
        result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
        continue;
      }
      ConfigAdmin.Failure failure =
          admin.alter(
              resource.resourceType(),
              resource.resourceName(),
              changes,
              false,
              request.validateOnly());
      if (failure != null) {
        result.setErrorCode(failure.error().code()).setErrorMessage(failure.message());
      }
    }
    return CompletableFuture.completedFuture(response);
  }
}
