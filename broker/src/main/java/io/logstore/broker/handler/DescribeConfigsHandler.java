package io.logstore.broker.handler;

import io.logstore.broker.admin.ConfigAdmin;
import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.topic.ResolvedConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeConfigs v1-4 for topic and broker resources: every config with its value, source,
 * read-only and sensitive flags, synonyms when asked, and type and documentation (v3+).
 */
public final class DescribeConfigsHandler extends AbstractApiHandler<DescribeConfigsRequestData> {
  private final ConfigAdmin admin;

  public DescribeConfigsHandler(ConfigAdmin admin) {
    super(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
    this.admin = admin;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeConfigsRequestData request) {
    DescribeConfigsResponseData response = new DescribeConfigsResponseData();
    for (DescribeConfigsResource resource : request.resources()) {
      response.results().add(describe(context.version(), request, resource));
    }
    return CompletableFuture.completedFuture(response);
  }

  private DescribeConfigsResult describe(
      short version, DescribeConfigsRequestData request, DescribeConfigsResource resource) {
    DescribeConfigsResult result =
        new DescribeConfigsResult()
            .setResourceType(resource.resourceType())
            .setResourceName(resource.resourceName());
    ConfigAdmin.Described described =
        admin.describe(resource.resourceType(), resource.resourceName());
    if (described.failure() != null) {
      return result
          .setErrorCode(described.failure().error().code())
          .setErrorMessage(described.failure().message());
    }
    Set<String> wanted =
        resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
    for (ResolvedConfig config : described.configs()) {
      if (wanted != null && !wanted.contains(config.name())) {
        continue;
      }
      DescribeConfigsResourceResult entry =
          new DescribeConfigsResourceResult()
              .setName(config.name())
              .setValue(config.value())
              .setReadOnly(config.readOnly())
              .setConfigSource(config.source().id())
              .setIsSensitive(false);
      if (request.includeSynonyms()) {
        for (ResolvedConfig.Synonym synonym : config.synonyms()) {
          entry
              .synonyms()
              .add(
                  new DescribeConfigsSynonym()
                      .setName(synonym.name())
                      .setValue(synonym.value())
                      .setSource(synonym.source().id()));
        }
      }
      if (version >= 3) {
        entry.setConfigType(typeId(config.type()));
        entry.setDocumentation(request.includeDocumentation() ? config.documentation() : null);
      }
      result.configs().add(entry);
    }
    return result.setErrorCode(Errors.NONE.code());
  }

  private static final List<ConfigDef.Type> TYPE_IDS =
      List.of(
          ConfigDef.Type.BOOLEAN,
          ConfigDef.Type.STRING,
          ConfigDef.Type.INT,
          ConfigDef.Type.SHORT,
          ConfigDef.Type.LONG,
          ConfigDef.Type.DOUBLE,
          ConfigDef.Type.LIST,
          ConfigDef.Type.CLASS,
          ConfigDef.Type.PASSWORD);

  /** Kafka's DescribeConfigs config type id: BOOLEAN=1 ... PASSWORD=9, UNKNOWN=0. */
  private static byte typeId(ConfigDef.Type type) {
    return (byte) (TYPE_IDS.indexOf(type) + 1);
  }
}
