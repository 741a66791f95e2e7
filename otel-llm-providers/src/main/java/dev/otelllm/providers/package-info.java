/**
 * Providers by name ({@link dev.otelllm.providers.LlmProviders}): OpenAI-compatible servers,
 * Anthropic, Ollama and llama.cpp in process, on one HTTP core (okhttp, Jackson) with typed errors,
 * retries, timeouts and caps; {@link dev.otelllm.providers.ProviderOptions} configures them.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.providers;

import org.jspecify.annotations.NullMarked;
