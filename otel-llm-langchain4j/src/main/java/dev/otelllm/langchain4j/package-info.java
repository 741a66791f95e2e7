/**
 * LangChain4j calls as otel-llm GenAI spans: {@link dev.otelllm.langchain4j.OtelLlmListener} (a
 * {@code ChatModelListener} for any {@code ChatModel} or {@code StreamingChatModel}) and {@link
 * dev.otelllm.langchain4j.OtelLlmAiServices} (memory ids as session ids, tool executions as {@code
 * execute_tool} spans). Everything else here is package-private.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.langchain4j;

import org.jspecify.annotations.NullMarked;
