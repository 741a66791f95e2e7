/**
 * Provider implementations of {@link dev.otelllm.LlmProvider} over real wire protocols. This
 * module holds the HTTP dependencies so that {@code otel-llm-core} has none.
 */
package dev.otelllm.providers;
