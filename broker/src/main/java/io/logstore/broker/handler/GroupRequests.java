package io.logstore.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers shared by the group handlers. */
final class GroupRequests {
  private static final Logger log = LoggerFactory.getLogger(GroupRequests.class);

  private GroupRequests() {}

  static boolean invalidGroupId(String groupId) {
    return groupId == null || groupId.isEmpty();
  }

  /**
   * Maps the coordinator's answer to a response. NOT_COORDINATOR (the group is coordinated by
   * another broker of the cluster) goes to the client as it is; any other failure (stopped, or a
   * bug) as COORDINATOR_NOT_AVAILABLE, which clients retry.
   */
  static <T> CompletionStage<ApiMessage> respond(
      CompletableFuture<T> answer,
      Function<T, ApiMessage> toResponse,
      Function<Errors, ApiMessage> onFailure) {
    return answer.handle(
        (value, error) -> {
          if (error != null) {
            Throwable cause =
                error instanceof java.util.concurrent.CompletionException
                        && error.getCause() != null
                    ? error.getCause()
                    : error;
            if (cause instanceof NotCoordinatorException) {
              return onFailure.apply(Errors.NOT_COORDINATOR);
            }
            log.warn("group coordinator failed a request", error);
            return onFailure.apply(Errors.COORDINATOR_NOT_AVAILABLE);
          }
          return toResponse.apply(value);
        });
  }
}
