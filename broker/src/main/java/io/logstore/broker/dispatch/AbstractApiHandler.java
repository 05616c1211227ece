package io.logstore.broker.dispatch;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * An {@link ApiHandler} whose API key and version range are fixed at construction: a handler states
 * them once, in its constructor's {@code super(...)} call, and implements only {@link #handle}. The
 * {@link HandlerRegistry} checks the range against kafka-clients' when the handler is registered.
 *
 * @param <R> the generated request data class
 */
public abstract class AbstractApiHandler<R extends ApiMessage> implements ApiHandler<R> {
  private final ApiKeys apiKey;
  private final short minVersion;
  private final short maxVersion;

  protected AbstractApiHandler(ApiKeys apiKey, int minVersion, int maxVersion) {
    if (minVersion < 0 || minVersion > maxVersion || maxVersion > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          apiKey + ": bad version range " + minVersion + ".." + maxVersion);
    }
    this.apiKey = apiKey;
    this.minVersion = (short) minVersion;
    this.maxVersion = (short) maxVersion;
  }

  @Override
  public final ApiKeys apiKey() {
    return apiKey;
  }

  @Override
  public final short minVersion() {
    return minVersion;
  }

  @Override
  public final short maxVersion() {
    return maxVersion;
  }
}
