/**
 * Spring AI calls as otel-llm GenAI spans, as a Spring Boot starter: {@link
 * dev.otelllm.springai.OtelLlmAutoConfiguration} (the {@code LlmTracing} and {@code TraceBuffer}
 * beans, the observation handler, the advisor on every {@code ChatClient.Builder}), {@link
 * dev.otelllm.springai.OtelLlmObservationHandler} (Spring AI's model and tool observations as
 * spans), {@link dev.otelllm.springai.OtelLlmAdvisor} (the {@code ChatClient} advisor and its
 * per-call params) and {@link dev.otelllm.springai.OtelLlmProperties} (the {@code otel-llm.*}
 * keys). Everything else here is package-private.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.springai;

import org.jspecify.annotations.NullMarked;
