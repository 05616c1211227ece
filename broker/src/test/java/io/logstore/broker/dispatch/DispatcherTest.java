package io.logstore.broker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.wire.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private final ScheduledExecutorService connectionThread =
      Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    connectionThread.shutdownNow();
  }

  /** Answers Metadata, noting the thread it ran on. */
  private static final class MetadataStub extends AbstractApiHandler<MetadataRequestData> {
    volatile Thread ranOn;

    MetadataStub() {
      super(ApiKeys.METADATA, 0, 12);
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext context, MetadataRequestData r) {
      ranOn = Thread.currentThread();
      return CompletableFuture.completedFuture(new MetadataResponseData());
    }
  }

  private static final class ApiVersionsStub extends AbstractApiHandler<ApiVersionsRequestData> {
    ApiVersionsStub() {
      super(ApiKeys.API_VERSIONS, 0, 4);
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext context, ApiVersionsRequestData r) {
      return CompletableFuture.completedFuture(new ApiVersionsResponseData());
    }
  }

  private RequestContext context(ApiKeys key, short version) {
    return new RequestContext(
        new RequestHeader(key, version, "test", 1), "c1", "/127.0.0.1", connectionThread, 0L);
  }

  private static KafkaRequest request(ApiKeys key, short version, ApiMessage body) {
    return new KafkaRequest(new RequestHeader(key, version, "test", 1), body, 0);
  }

  @Test
  void aClusterMemberHoldsRequestsButApiVersionsUntilItsMetadataCaughtUp() throws Exception {
    // Given a dispatcher held until the metadata catches up
    MetadataStub metadata = new MetadataStub();
    Dispatcher dispatcher =
        new Dispatcher(new HandlerRegistry().register(new ApiVersionsStub()).register(metadata));
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    dispatcher.holdUntil(caughtUp);

    // When a Metadata and an ApiVersions request arrive
    CompletableFuture<ApiMessage> held =
        dispatcher
            .dispatch(
                context(ApiKeys.METADATA, (short) 12),
                request(ApiKeys.METADATA, (short) 12, new MetadataRequestData()))
            .toCompletableFuture();
    CompletableFuture<ApiMessage> versions =
        dispatcher
            .dispatch(
                context(ApiKeys.API_VERSIONS, (short) 3),
                request(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()))
            .toCompletableFuture();

    // Then ApiVersions is answered and Metadata waits
    assertThat(versions).isCompleted();
    Thread.sleep(100);
    assertThat(held).isNotDone();
    assertThat(metadata.ranOn).isNull();

    // When the metadata catches up, Metadata is answered, on the connection's thread
    caughtUp.complete(null);
    assertThat(held.get(5, TimeUnit.SECONDS)).isInstanceOf(MetadataResponseData.class);
    assertThat(connectionThread.submit(Thread::currentThread).get()).isSameAs(metadata.ranOn);
  }

  @Test
  void aHandlerServesOnlyItsVersionRangeAndTheRegistryRefusesRangesKafkaClientsLacks() {
    // Given a registry with Metadata v0-12
    HandlerRegistry registry = new HandlerRegistry().register(new MetadataStub());

    // Then v12 is served, v13 is not, nor an API without a handler
    assertThat(registry.isSupported(ApiKeys.METADATA, (short) 12)).isTrue();
    assertThat(registry.isSupported(ApiKeys.METADATA, (short) 13)).isFalse();
    assertThat(registry.isSupported(ApiKeys.PRODUCE, (short) 9)).isFalse();

    // And a range beyond kafka-clients' or an inverted range is refused
    assertThatThrownBy(
            () ->
                new HandlerRegistry()
                    .register(
                        new AbstractApiHandler<ApiVersionsRequestData>(
                            ApiKeys.API_VERSIONS, 0, ApiKeys.API_VERSIONS.latestVersion(true) + 1) {
                          @Override
                          public CompletionStage<ApiMessage> handle(
                              RequestContext context, ApiVersionsRequestData r) {
                            return CompletableFuture.completedFuture(null);
                          }
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                new AbstractApiHandler<ApiVersionsRequestData>(ApiKeys.API_VERSIONS, 3, 2) {
                  @Override
                  public CompletionStage<ApiMessage> handle(
                      RequestContext context, ApiVersionsRequestData r) {
                    return CompletableFuture.completedFuture(null);
                  }
                })
        .isInstanceOf(IllegalArgumentException.class);
  }
}
