package io.logstore.broker.dispatch;

import io.logstore.wire.SupportedVersions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The one table of what the broker serves: one handler per API key. ApiVersions is derived from it,
 * and the request parser checks versions against it before parsing a body.
 */
public final class HandlerRegistry implements SupportedVersions {
  private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

  /**
   * Registers {@code handler}. Fails fast when two handlers claim one key, or when a range lies
   * outside what the pinned kafka-clients can parse.
   */
  public HandlerRegistry register(ApiHandler<?> handler) {
    ApiKeys key = handler.apiKey();
    if (handler.minVersion() < key.oldestVersion()
        || handler.maxVersion() > key.latestVersion(false)
        || handler.minVersion() > handler.maxVersion()) {
      throw new IllegalStateException(
          key
              + " handler range "
              + handler.minVersion()
              + "-"
              + handler.maxVersion()
              + " is outside kafka-clients' "
              + key.oldestVersion()
              + "-"
              + key.latestVersion(false));
    }
    if (handlers.putIfAbsent(key, handler) != null) {
      throw new IllegalStateException("two handlers for " + key);
    }
    return this;
  }

  @Override
  public boolean isSupported(ApiKeys apiKey, short version) {
    ApiHandler<?> handler = handlers.get(apiKey);
    return handler != null && version >= handler.minVersion() && version <= handler.maxVersion();
  }

  public ApiHandler<?> handlerFor(ApiKeys apiKey) {
    ApiHandler<?> handler = handlers.get(apiKey);
    if (handler == null) {
      throw new IllegalStateException("no handler for " + apiKey);
    }
    return handler;
  }

  public Collection<ApiHandler<?>> handlers() {
    return Collections.unmodifiableCollection(handlers.values());
  }

  /** The ApiVersions table, in API key order. */
  public List<ApiVersion> advertisedVersions() {
    List<ApiVersion> versions = new ArrayList<>();
    for (ApiHandler<?> handler : handlers.values()) {
      versions.add(
          new ApiVersion()
              .setApiKey(handler.apiKey().id)
              .setMinVersion(handler.minVersion())
              .setMaxVersion(handler.maxVersion()));
    }
    return versions;
  }
}
