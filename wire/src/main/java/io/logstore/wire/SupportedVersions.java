package io.logstore.wire;

import org.apache.kafka.common.protocol.ApiKeys;

/** The (API key, version) pairs the broker really serves; checked before any body is parsed. */
public interface SupportedVersions {
  boolean isSupported(ApiKeys apiKey, short version);
}
