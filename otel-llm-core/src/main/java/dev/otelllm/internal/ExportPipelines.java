package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import dev.otelllm.OtlpExport;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Builds an export pipeline: the export content policy and the byte and count bounds in front of
 * the SDK's {@link BatchSpanProcessor}, the exporter behind it wrapped so that answered spans free
 * their room. Not API.
 */
public final class ExportPipelines {
  private ExportPipelines() {}

  /**
   * A pipeline for one exporter of an SDK this library builds.
   *
   * @param settings the queue's bounds and batching (only those fields are read)
   * @param exporterTimeout how long one export may take, its retries included, before the batch
   *     counts as failed
   */
  public static ExportPolicyProcessor batched(
      SpanExporter exporter,
      ContentCapture policy,
      OtlpExport settings,
      java.time.Duration exporterTimeout,
      java.util.function.Supplier<MeterProvider> meterProvider) {
    BatchSpanProcessor batches =
        BatchSpanProcessor.builder(new SettlingSpanExporter(exporter, exporterTimeout))
            // The budget admits at most maxQueueSize spans, so the SDK's queue, one larger, never
            // drops
            // one that the budget counted as queued.
            .setMaxQueueSize(settings.maxQueueSize() + 1)
            .setMaxExportBatchSize(settings.maxBatchSize())
            .setScheduleDelay(settings.scheduleDelay())
            .setExporterTimeout(exporterTimeout)
            .setMeterProvider(meterProvider)
            .build();
    return new ExportPolicyProcessor(
        batches,
        new ContentPolicyExporter(exporter, policy),
        new ExportBudget(settings.maxQueueSize(), settings.maxQueueBytes()));
  }

  /**
   * Wraps a processor that autoconfigure built around an exporter (already wrapped by {@link
   * #settling}) in the policy and the bounds.
   */
  public static ExportPolicyProcessor wrap(
      SpanProcessor batches, ContentCapture policy, int maxSpans, long maxBytes) {
    return new ExportPolicyProcessor(
        batches,
        new ContentPolicyExporter(SpanExporter.composite(), policy),
        new ExportBudget(maxSpans, maxBytes));
  }

  /**
   * The exporter side of {@link #wrap}: settles spans, and applies the policy to any that bypassed
   * it.
   */
  public static SpanExporter settling(SpanExporter exporter, ContentCapture policy) {
    // Autoconfigure's exporters time out on their own; past a minute a batch counts as failed.
    return new SettlingSpanExporter(
        new ContentPolicyExporter(exporter, policy), java.time.Duration.ofMinutes(1));
  }
}
