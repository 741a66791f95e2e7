package dev.otelllm.internal;

import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;

/**
 * The buffer that the library's autoconfigure settings describe, for {@code
 * LlmTracing.autoconfigured()} and the Java agent's extension alike. Not API.
 */
public final class BufferSettings {
  private BufferSettings() {}

  /**
   * A buffer bounded by {@code otel.llm.max.interactions} (default {@value
   * TraceBuffer#DEFAULT_MAX_INTERACTIONS}), {@code otel.llm.max.sessions} (default {@value
   * TraceBuffer#DEFAULT_MAX_SESSIONS}) and {@code otel.llm.max.bytes} (default {@value
   * TraceBuffer#DEFAULT_MAX_BYTES}).
   *
   * @throws ConfigurationException for a value out of range, naming the setting
   */
  public static TraceBuffer buffer(ConfigProperties config) {
    int interactions =
        config.getInt("otel.llm.max.interactions", TraceBuffer.DEFAULT_MAX_INTERACTIONS);
    int sessions = config.getInt("otel.llm.max.sessions", TraceBuffer.DEFAULT_MAX_SESSIONS);
    long bytes = config.getLong("otel.llm.max.bytes", TraceBuffer.DEFAULT_MAX_BYTES);
    if (interactions < 0) {
      throw new ConfigurationException(
          "otel.llm.max.interactions must be >= 0, was " + interactions);
    }
    if (sessions < 0) {
      throw new ConfigurationException("otel.llm.max.sessions must be >= 0, was " + sessions);
    }
    if (bytes <= 0) {
      throw new ConfigurationException("otel.llm.max.bytes must be > 0, was " + bytes);
    }
    return TraceBuffer.builder()
        .maxInteractions(interactions)
        .maxSessions(sessions)
        .maxBytes(bytes)
        .build();
  }
}
