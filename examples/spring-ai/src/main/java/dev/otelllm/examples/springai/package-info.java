/**
 * A runnable Spring Boot application whose Spring AI {@code ChatClient} calls are traced by the
 * otel-llm starter: Spring AI's OpenAI chat model against a fake OpenAI server on the loopback
 * interface, a per-step table from the buffer at the end.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.examples.springai;

import org.jspecify.annotations.NullMarked;
