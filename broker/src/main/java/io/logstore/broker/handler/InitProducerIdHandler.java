package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.producer.ProducerIdManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId v0-5 for idempotent producers: like Kafka, a request without a transactional id
 * always gets a fresh producer id at epoch 0 (also when a producer asks to bump its epoch after a
 * sequence error, KIP-360). Transactions are not supported: a transactional id is refused with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which clients treat as fatal rather than retrying. The id
 * comes without I/O on the network thread (blocks are reserved ahead, off it).
 */
public final class InitProducerIdHandler extends AbstractApiHandler<InitProducerIdRequestData> {
  private final ProducerIdManager producerIds;

  public InitProducerIdHandler(ProducerIdManager producerIds) {
    super(ApiKeys.INIT_PRODUCER_ID, 0, 5);
    this.producerIds = producerIds;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, InitProducerIdRequestData request) {
    InitProducerIdResponseData response =
        new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
    if (request.transactionalId() != null) {
      return CompletableFuture.completedFuture(
          response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
    }
    return producerIds
        .nextProducerId()
        .handle(
            (id, error) ->
                error == null
                    ? response
                        .setErrorCode(Errors.NONE.code())
                        .setProducerId(id)
                        .setProducerEpoch((short) 0)
                    // As Kafka while no producer id block is available: the client retries.
                    : response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
  }
}
