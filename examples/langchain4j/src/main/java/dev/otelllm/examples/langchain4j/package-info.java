/**
 * A runnable LangChain4j application traced by otel-llm: LangChain4j's OpenAI models against a fake
 * OpenAI server on the loopback interface, a per-step table from the buffer at the end.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.examples.langchain4j;

import org.jspecify.annotations.NullMarked;
