/**
 * The entry points: {@link dev.otelllm.LlmClient} (calls a model, traced when asked), {@link
 * dev.otelllm.LlmTracing} (the OpenTelemetry side: SDK, buffer, content policies, export), {@link
 * dev.otelllm.Session}, workflow and tool scopes, and the model of a call (request, messages,
 * parts, response, usage) with the {@link dev.otelllm.LlmProvider} SPI that providers implement.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm;

import org.jspecify.annotations.NullMarked;
