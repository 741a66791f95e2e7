package dev.otelllm.internal;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one owner of an interaction's map form, the reference-shaped record that {@link
 * Interaction#toMap()} returns and that JSONL / JSON exports write. Not API.
 */
public final class InteractionMaps {
  private InteractionMaps() {}

  /** See {@link Interaction#toMap()}. */
  public static Map<String, Object> toMap(Interaction t) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("trace_id", t.spanId());
    map.put("timestamp", t.isoTimestamp());
    map.put("provider", t.provider());
    map.put("model", t.model());
    map.put("system_prompt", t.systemPrompt());
    map.put("prompt", t.prompt());
    List<Message> sentBefore = t.history();
    List<Object> msgs = new ArrayList<>(sentBefore.size());
    for (Message m : sentBefore) {
      msgs.add(messageMap(m));
    }
    map.put("messages", msgs);
    if (t.tools().isEmpty()) {
      map.put("tools", null);
    } else {
      List<Object> defs = new ArrayList<>(t.tools().size());
      for (ToolDefinition d : t.tools()) {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("name", d.name());
        def.put("description", d.description());
        def.put("parameters", d.parameters());
        defs.add(def);
      }
      map.put("tools", defs);
    }
    Map<String, Object> params = new LinkedHashMap<>();
    Map<String, Object> parameters = t.parameters();
    params.put("temperature", parameters.get("temperature"));
    params.put("max_tokens", parameters.get("max_tokens"));
    params.put("max_output_tokens", parameters.get("max_tokens"));
    parameters.forEach(params::putIfAbsent);
    map.put("parameters", params);

    Interaction.Response response = t.response();
    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("content", response.content());
    resp.put("raw_response", null);
    resp.put("tool_calls", toolCallMaps(response.toolCalls()));
    resp.put("finish_reason", response.finishReason());
    Usage u = response.usage().orElse(null);
    if (u == null) {
      resp.put("usage", null);
    } else {
      Map<String, Object> usage = new LinkedHashMap<>();
      usage.put("prompt_tokens", u.inputTokens());
      usage.put("completion_tokens", u.outputTokens());
      usage.put("total_tokens", u.totalTokens());
      resp.put("usage", usage);
    }
    resp.put("generation_time_ms", t.generationTimeMs());
    map.put("response", resp);

    Map<String, Object> meta = new LinkedHashMap<>();
    if (!t.sessionId().isEmpty()) {
      meta.put("session_id", t.sessionId());
    }
    meta.put("otel_trace_id", t.traceId());
    if (!t.parentSpanId().isEmpty()) {
      meta.put("parent_span_id", t.parentSpanId());
    }
    for (Map.Entry<String, Object> e : t.metadata().entrySet()) {
      if (!GenAiKeys.RESERVED_METADATA_KEYS.contains(e.getKey())) {
        meta.put(e.getKey(), e.getValue());
      }
    }
    t.error()
        .ifPresent(
            e -> {
              meta.put("error_type", e.type());
              meta.put("error_message", e.message());
            });
    map.put("metadata", meta);
    return map;
  }

  private static Map<String, Object> messageMap(Message m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", m.role());
    out.put("content", messageContent(m));
    List<Part.ToolCall> calls = m.toolCalls();
    if (!calls.isEmpty()) {
      out.put("tool_calls", toolCallMaps(calls));
    }
    String callId = toolCallId(m);
    if (callId != null) {
      out.put("tool_call_id", callId);
    }
    if (!m.name().isEmpty()) {
      out.put("name", m.name());
    }
    return out;
  }

  /**
   * A message's {@code content} in the map form: its text, or for a tool result the result (JSON
   * text when structured). The reports show the same text.
   */
  public static String messageContent(Message m) {
    String content = m.text();
    for (Part p : m.parts()) {
      if (p instanceof Part.ToolCallResponse r) {
        content =
            r.response() instanceof String s
                ? s
                : dev.otelllm.internal.JsonTree.toJson(r.response());
      }
    }
    return content;
  }

  /** The id of the tool call a tool-result message answers, or null. */
  public static String toolCallId(Message m) {
    String id = null;
    for (Part p : m.parts()) {
      if (p instanceof Part.ToolCallResponse r) {
        id = r.id();
      }
    }
    return id;
  }

  private static List<Object> toolCallMaps(List<Part.ToolCall> calls) {
    List<Object> out = new ArrayList<>(calls.size());
    for (Part.ToolCall c : calls) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("name", c.name());
      m.put("arguments", c.arguments());
      out.add(m);
    }
    return out;
  }
}
