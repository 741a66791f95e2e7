package dev.otelllm.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.util.List;
import java.util.Objects;

/**
 * A sampler that lets an application sample its exports while the in-memory buffer still sees every
 * LLM interaction: where the wrapped sampler drops a GenAI span (one that has {@code
 * gen_ai.operation.name} at start), it records the span without sampling it. Processors such as
 * {@link TraceBuffer} then see it end; batch exporters, which export sampled spans only, do not
 * send it. Every other decision is the wrapped sampler's. Thread-safe.
 */
public final class RecordGenAiSampler implements Sampler {

  private static final SamplingResult RECORD_ONLY =
      SamplingResult.create(SamplingDecision.RECORD_ONLY);

  private final Sampler delegate;

  private RecordGenAiSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  /** Wraps the application's sampler. */
  public static RecordGenAiSampler wrap(Sampler delegate) {
    return new RecordGenAiSampler(Objects.requireNonNull(delegate, "delegate"));
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    SamplingResult result =
        delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    if (result.getDecision() == SamplingDecision.DROP
        && attributes.get(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME) != null) {
      return RECORD_ONLY;
    }
    return result;
  }

  @Override
  public String getDescription() {
    return "RecordGenAiSampler{" + delegate.getDescription() + "}";
  }
}
