package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import dev.otelllm.trace.RecordGenAiSampler;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Locale;

/**
 * Plugs the library into any SDK built by OpenTelemetry's autoconfigure (and so into the Java agent
 * when this jar is an extension): registered as an {@link AutoConfigurationCustomizerProvider}
 * service, it adds the session-baggage processor to the tracer provider, wraps every span exporter
 * in the export content policy, and wraps the sampler so that GenAI spans it drops are still
 * recorded (see {@link RecordGenAiSampler}). It changes none of the host SDK's defaults. Public
 * only because the service loader needs it; not API.
 *
 * <p>It adds no in-memory buffer to a host SDK, and so nothing to its logger provider (the GenAI
 * log record processor feeds a buffer). Under the Java agent, the extension jar registers a second
 * provider, {@code dev.otelllm.internal.AgentBufferCustomizer}, that adds one and publishes it for
 * {@code dev.otelllm.trace.AgentInteractions}. {@link LlmTracing#autoconfigured()} builds an SDK of
 * its own that has the buffer, on its tracer provider and its logger provider; this provider then
 * stands aside, so nothing is added twice.
 *
 * <p>Configuration (system properties or environment variables, as autoconfigure reads them):
 *
 * <ul>
 *   <li>{@code otel.llm.export.content}: none (default), metadata, full or truncated;
 *   <li>{@code otel.llm.export.content.max.bytes}: budget of truncated, default 2048 (what Grafana
 *       Tempo keeps of an attribute by default);
 *   <li>{@code otel.llm.export.content.format}: json (default, string attributes) or structured;
 *   <li>{@code otel.llm.record.dropped.genai}: wrap the sampler, default true.
 * </ul>
 */
public final class LlmAutoConfiguration implements AutoConfigurationCustomizerProvider {

  /**
   * Set by {@link LlmTracing#autoconfigured()} on the SDK it builds, which adds the library's parts
   * itself. Not API.
   */
  public static final String BUILT_BY_LIBRARY = "otel.llm.internal.built.by.library";

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addTracerProviderCustomizer(
        (builder, config) ->
            ownSdk(config)
                ? builder
                : builder.addSpanProcessor(SessionBaggageSpanProcessor.create()));
    customizer.addSpanExporterCustomizer(
        (exporter, config) -> ownSdk(config) ? exporter : settlingExporter(exporter, config));
    customizer.addLogRecordExporterCustomizer(
        (exporter, config) -> ownSdk(config) ? exporter : governedLogExporter(exporter, config));
    customizer.addSpanProcessorCustomizer(
        (processor, config) -> ownSdk(config) ? processor : boundedProcessor(processor, config));
    customizer.addSamplerCustomizer(
        (sampler, config) -> ownSdk(config) ? sampler : recordDroppedGenAi(sampler, config));
  }

  /**
   * An exporter autoconfigure built, behind the export content policy and settling what it answers
   * for. Not API.
   */
  public static SpanExporter settlingExporter(SpanExporter exporter, ConfigProperties config) {
    return ExportPipelines.settling(exporter, exportContent(config));
  }

  /**
   * A log record exporter autoconfigure built, behind the export content policy (content events
   * carry the same attributes as spans). Not API.
   */
  public static io.opentelemetry.sdk.logs.export.LogRecordExporter governedLogExporter(
      io.opentelemetry.sdk.logs.export.LogRecordExporter exporter, ConfigProperties config) {
    return new dev.otelllm.internal.ContentPolicyLogExporter(exporter, exportContent(config));
  }

  /**
   * A span processor autoconfigure built around an exporter, with the export content policy applied
   * before spans wait in its queue and the queue bounded by count ({@code otel.bsp.max.queue.size})
   * and estimated bytes ({@code otel.llm.export.max.queue.bytes}, default 32 MiB). Not API.
   */
  public static ExportPolicyProcessor boundedProcessor(
      SpanProcessor processor, ConfigProperties config) {
    long maxBytes =
        config.getLong("otel.llm.export.max.queue.bytes", OtlpExport.DEFAULT_MAX_QUEUE_BYTES);
    if (maxBytes < 1) {
      throw new ConfigurationException(
          "otel.llm.export.max.queue.bytes must be >= 1, was " + maxBytes);
    }
    // One less than the SDK's queue, so that it never drops a span the budget counts as queued.
    int maxSpans = Math.max(1, config.getInt("otel.bsp.max.queue.size", 2048) - 1);
    return ExportPipelines.wrap(processor, exportContent(config), maxSpans, maxBytes);
  }

  private static boolean ownSdk(ConfigProperties config) {
    return config.getBoolean(BUILT_BY_LIBRARY, false);
  }

  /** The sampler, wrapped unless {@code otel.llm.record.dropped.genai} is false. */
  public static Sampler recordDroppedGenAi(Sampler sampler, ConfigProperties config) {
    return config.getBoolean("otel.llm.record.dropped.genai", true)
        ? RecordGenAiSampler.wrap(sampler)
        : sampler;
  }

  /** The export content policy the configuration asks for. */
  public static ContentCapture exportContent(ConfigProperties config) {
    String mode =
        config.getString("otel.llm.export.content", "none").trim().toLowerCase(Locale.ROOT);
    int maxBytes =
        config.getInt("otel.llm.export.content.max.bytes", LlmTracing.DEFAULT_EXPORT_MAX_BYTES);
    String format =
        config.getString("otel.llm.export.content.format", "json").trim().toLowerCase(Locale.ROOT);
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
          throw new ConfigurationException(
              "otel.llm.export.content.max.bytes: " + e.getMessage(), e);
        }
        break;
      default:
        throw new ConfigurationException(
            "otel.llm.export.content must be none, metadata, full or truncated, was '"
                + mode
                + "'");
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
