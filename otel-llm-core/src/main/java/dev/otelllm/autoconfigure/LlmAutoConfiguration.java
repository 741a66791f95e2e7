package dev.otelllm.autoconfigure;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import dev.otelllm.internal.ContentPolicyExporter;
import dev.otelllm.trace.RecordGenAiSampler;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.Locale;
import java.util.Optional;

/**
 * Plugs the library into any SDK built by OpenTelemetry's autoconfigure (and so into the Java
 * agent when this jar is an extension): registered as an {@link AutoConfigurationCustomizerProvider}
 * service, it adds the session-baggage processor and a {@link TraceBuffer} to the tracer provider,
 * wraps every span exporter in the export content policy, and wraps the sampler so that GenAI
 * spans it drops are still recorded for the buffer (see {@link RecordGenAiSampler}).
 *
 * <p>It also makes http/protobuf the default OTLP protocol (the specification's default; the
 * standard variables still choose).
 *
 * <p>Configuration (system properties or environment variables, as autoconfigure reads them):
 *
 * <ul>
 *   <li>{@code otel.llm.max.traces} / {@code OTEL_LLM_MAX_TRACES}: interactions kept, default 100;
 *   <li>{@code otel.llm.export.content}: none (default), metadata, full or truncated;
 *   <li>{@code otel.llm.export.content.max.bytes}: budget of truncated, default 2048 (what Grafana
 *       Tempo keeps of an attribute by default);
 *   <li>{@code otel.llm.export.content.format}: json (default, string attributes) or structured;
 *   <li>{@code otel.llm.record.dropped.genai}: wrap the sampler, default true.
 * </ul>
 *
 * <p>Read the buffer with {@link #traceBuffer()}, or use {@link LlmTracing#autoconfigured()}.
 */
public final class LlmAutoConfiguration implements AutoConfigurationCustomizerProvider {

  // The buffer of the SDK most recently autoconfigured in this class loader, and the one built on
  // the current thread (so that LlmTracing.autoconfigured() reads its own, not a concurrent one's).
  private static volatile TraceBuffer lastBuffer;
  private static final ThreadLocal<TraceBuffer> BUILT_HERE = new ThreadLocal<>();

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    // A default only: OTEL_EXPORTER_OTLP_PROTOCOL and system properties still win. http/protobuf is
    // the specification's default and needs no extra sender on the classpath.
    customizer.addPropertiesSupplier(() -> java.util.Map.of("otel.exporter.otlp.protocol", "http/protobuf"));
    customizer.addTracerProviderCustomizer((builder, config) -> {
      TraceBuffer buffer = TraceBuffer.create(config.getInt("otel.llm.max.traces", TraceBuffer.DEFAULT_MAX_TRACES));
      lastBuffer = buffer;
      BUILT_HERE.set(buffer);
      return LlmTracing.addProcessors(builder, buffer);
    });
    customizer.addSpanExporterCustomizer(
        (exporter, config) -> new ContentPolicyExporter(exporter, exportContent(config)));
    customizer.addSamplerCustomizer((sampler, config) ->
        config.getBoolean("otel.llm.record.dropped.genai", true) ? RecordGenAiSampler.wrap(sampler) : sampler);
  }

  /** Takes the buffer of the SDK built on this thread since the last call, if any. Not API. */
  public static Optional<TraceBuffer> takeBufferBuiltHere() {
    TraceBuffer b = BUILT_HERE.get();
    BUILT_HERE.remove();
    return Optional.ofNullable(b);
  }

  /** The buffer added to the SDK that autoconfigure built last, if any. */
  public static Optional<TraceBuffer> traceBuffer() {
    return Optional.ofNullable(lastBuffer);
  }

  /** The export content policy the configuration asks for. */
  public static ContentCapture exportContent(ConfigProperties config) {
    String mode = config.getString("otel.llm.export.content", "none").trim().toLowerCase(Locale.ROOT);
    int maxBytes = config.getInt("otel.llm.export.content.max.bytes", LlmTracing.DEFAULT_EXPORT_MAX_BYTES);
    String format = config.getString("otel.llm.export.content.format", "json").trim().toLowerCase(Locale.ROOT);
    ContentCapture capture;
    switch (mode) {
      case "none":
        return ContentCapture.none();
      case "metadata":
        capture = ContentCapture.metadataOnly();
        break;
      case "full":
        capture = ContentCapture.full();
        break;
      case "truncated":
        try {
          capture = ContentCapture.truncated(maxBytes);
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("otel.llm.export.content.max.bytes: " + e.getMessage(), e);
        }
        break;
      default:
        throw new ConfigurationException(
            "otel.llm.export.content must be none, metadata, full or truncated, was '" + mode + "'");
    }
    switch (format) {
      case "json":
        return capture.asJsonString();
      case "structured":
        return capture;
      default:
        throw new ConfigurationException(
            "otel.llm.export.content.format must be json or structured, was '" + format + "'");
    }
  }
}
