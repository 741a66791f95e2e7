package dev.otelllm.internal;

import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

/**
 * Gives the Java agent's SDK an interaction buffer, on its tracer provider and its logger provider
 * (so the content the agent's GenAI instrumentations emit as log records is kept), and publishes it
 * through {@link BufferBridge} for the application, which reads it with {@code
 * dev.otelllm.trace.AgentInteractions}.
 *
 * <p>Registered as an {@link AutoConfigurationCustomizerProvider} service by {@code
 * otel-llm-agent-extension} only, whose jar the agent loads in its own class loader: an SDK the
 * application autoconfigures itself never sees it (it can add a buffer of its own, and {@code
 * LlmTracing.autoconfigured()} has one). {@code otel.llm.max.interactions} bounds the buffer (100
 * by default); 0 adds none and publishes nothing. Not API.
 */
public final class AgentBufferCustomizer implements AutoConfigurationCustomizerProvider {

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    // Made by whichever of the two provider customizers runs first; one buffer for both.
    TraceBuffer[] buffer = new TraceBuffer[1];
    boolean[] decided = new boolean[1];
    java.util.function.Function<ConfigProperties, TraceBuffer> bufferOf =
        config -> {
          if (!decided[0]) {
            decided[0] = true;
            buffer[0] = create(config);
          }
          return buffer[0];
        };
    customizer.addTracerProviderCustomizer(
        (builder, config) -> {
          TraceBuffer b = bufferOf.apply(config);
          return b == null ? builder : builder.addSpanProcessor(b);
        });
    customizer.addLoggerProviderCustomizer(
        (builder, config) -> {
          TraceBuffer b = bufferOf.apply(config);
          return b == null ? builder : builder.addLogRecordProcessor(b.logRecordProcessor());
        });
  }

  private static TraceBuffer create(ConfigProperties config) {
    TraceBuffer buffer = BufferSettings.buffer(config);
    if (buffer.maxInteractions() == 0) {
      return null;
    }
    BufferBridge.publish(buffer);
    return buffer;
  }
}
