package dev.otelllm.export;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.LlmTrace;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes an interaction in the reference's map form straight to a streaming generator, field for
 * field what {@link LlmTrace#toMap()} holds, without building the map.
 */
final class TraceJsonWriter {
  private TraceJsonWriter() {}

  static void write(JsonGenerator g, LlmTrace t) throws IOException {
    g.writeStartObject();
    g.writeStringField("trace_id", t.traceId());
    g.writeStringField("timestamp", t.isoTimestamp());
    g.writeStringField("provider", t.provider());
    g.writeStringField("model", t.model());
    g.writeStringField("system_prompt", t.systemPrompt());
    g.writeStringField("prompt", t.prompt());
    g.writeArrayFieldStart("messages");
    for (Message m : t.messages()) {
      writeMessage(g, m);
    }
    g.writeEndArray();
    g.writeFieldName("parameters");
    writeMap(g, t.parameters());

    LlmTrace.Response r = t.response();
    g.writeObjectFieldStart("response");
    g.writeStringField("content", r.content());
    g.writeFieldName("tool_calls");
    writeToolCalls(g, r.toolCalls());
    g.writeStringField("finish_reason", r.finishReason());
    Usage u = r.usage().orElse(null);
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt_tokens", u == null ? 0L : u.inputTokens());
    g.writeNumberField("completion_tokens", u == null ? 0L : u.outputTokens());
    g.writeNumberField("total_tokens", u == null ? 0L : u.totalTokens());
    g.writeEndObject();
    g.writeNumberField("generation_time_ms", t.generationTimeMs());
    g.writeEndObject();

    g.writeObjectFieldStart("metadata");
    if (!t.sessionId().isEmpty()) {
      g.writeStringField("session_id", t.sessionId());
    }
    g.writeStringField("span_id", t.spanId());
    if (!t.parentSpanId().isEmpty()) {
      g.writeStringField("parent_span_id", t.parentSpanId());
    }
    for (Map.Entry<String, Object> e : t.metadata().entrySet()) {
      if (dev.otelllm.internal.GenAiKeys.RESERVED_METADATA_KEYS.contains(e.getKey())) {
        continue;
      }
      g.writeFieldName(e.getKey());
      JsonTree.write(g, e.getValue());
    }
    if (t.error().isPresent()) {
      g.writeStringField("error_type", t.error().get().type());
      g.writeStringField("error_message", t.error().get().message());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeMessage(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role());
    g.writeStringField("content", LlmTrace.messageContent(m));
    List<Part.ToolCall> calls = m.toolCalls();
    if (!calls.isEmpty()) {
      g.writeFieldName("tool_calls");
      writeToolCalls(g, calls);
    }
    String callId = LlmTrace.toolCallId(m);
    if (callId != null) {
      g.writeStringField("tool_call_id", callId);
    }
    if (!m.name().isEmpty()) {
      g.writeStringField("name", m.name());
    }
    g.writeEndObject();
  }

  private static void writeToolCalls(JsonGenerator g, List<Part.ToolCall> calls) throws IOException {
    g.writeStartArray();
    for (Part.ToolCall c : calls) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("name", c.name());
      g.writeFieldName("arguments");
      writeMap(g, c.arguments());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeMap(JsonGenerator g, Map<String, Object> map) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      g.writeFieldName(e.getKey());
      JsonTree.write(g, e.getValue());
    }
    g.writeEndObject();
  }
}
