package dev.otelllm.internal;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Every field of an {@link Interaction} as a tree of JDK types only (maps, lists, strings, longs,
 * doubles, booleans, nulls), and back: the form in which interactions cross from one class loader
 * to another (the Java agent's buffer to the application), where the two sides share no class of
 * this library. Unlike {@link Interaction#toMap()}, which follows the reference's keys and leaves
 * fields out, {@code fromMap(toMap(t))} equals {@code t}.
 *
 * <p>Both sides may run different versions of this library: reading ignores keys it does not know
 * and takes a missing optional field as empty. Not API.
 */
public final class InteractionForm {

  private InteractionForm() {}

  /** The interaction as a tree of JDK types. */
  public static Map<String, Object> toMap(Interaction t) {
    Map<String, Object> m = new LinkedHashMap<>(32);
    m.put("trace_id", t.traceId());
    m.put("span_id", t.spanId());
    m.put("parent_span_id", t.parentSpanId());
    m.put("start_epoch_nanos", t.startEpochNanos());
    m.put("duration_nanos", t.durationNanos());
    m.put("operation", t.operation());
    m.put("provider", t.provider());
    m.put("model", t.model());
    m.put("server_address", t.server().address());
    m.put("server_port", t.server().port());
    m.put("system_prompt", t.systemPrompt());
    List<Object> messages = new ArrayList<>(t.messages().size());
    for (Message msg : t.messages()) {
      Map<String, Object> mm = new LinkedHashMap<>(4);
      mm.put("role", msg.role());
      mm.put("name", msg.name());
      mm.put("parts", parts(msg.parts()));
      messages.add(mm);
    }
    m.put("messages", messages);
    m.put("parameters", JsonTree.copyObject(t.parameters(), "parameters"));
    List<Object> tools = new ArrayList<>(t.tools().size());
    for (ToolDefinition d : t.tools()) {
      Map<String, Object> dm = new LinkedHashMap<>(4);
      dm.put("name", d.name());
      dm.put("description", d.description());
      dm.put("parameters", d.parameters());
      tools.add(dm);
    }
    m.put("tools", tools);
    m.put("response", response(t.response()));
    m.put("metadata", JsonTree.copyObject(t.metadata(), "metadata"));
    m.put("session_id", t.sessionId());
    m.put(
        "error",
        t.error()
            .map(
                e -> {
                  Map<String, Object> em = new LinkedHashMap<>(2);
                  em.put("type", e.type());
                  em.put("message", e.message());
                  return (Object) em;
                })
            .orElse(null));
    m.put("content_capture", t.contentCapture());
    m.put("content_truncated", t.contentTruncated());
    return m;
  }

  private static Map<String, Object> response(Interaction.Response r) {
    Map<String, Object> m = new LinkedHashMap<>(12);
    m.put("content", r.content());
    m.put("tool_calls", parts(new ArrayList<>(r.toolCalls())));
    m.put("finish_reason", r.finishReason());
    Usage u = r.usage().orElse(null);
    if (u == null) {
      m.put("usage", null);
    } else {
      Map<String, Object> um = new LinkedHashMap<>(8);
      um.put("input_tokens", u.inputTokens());
      um.put("output_tokens", u.outputTokens());
      um.put("cache_read_input_tokens", u.cacheReadInputTokens());
      um.put("cache_creation_input_tokens", u.cacheCreationInputTokens());
      um.put("reasoning_output_tokens", u.reasoningOutputTokens());
      m.put("usage", um);
    }
    m.put("model", r.model());
    m.put("id", r.id());
    m.put("other_parts", parts(r.otherParts()));
    OptionalDouble ttfc = r.timeToFirstChunkSeconds();
    m.put("time_to_first_chunk_seconds", ttfc.isPresent() ? ttfc.getAsDouble() : null);
    return m;
  }

  private static List<Object> parts(List<? extends Part> parts) {
    List<Object> out = new ArrayList<>(parts.size());
    for (Part p : parts) {
      out.add(part(p));
    }
    return out;
  }

  // "kind" names the record, apart from the conventions' "type": a Generic part may carry any type.
  private static Map<String, Object> part(Part p) {
    Map<String, Object> m = new LinkedHashMap<>(6);
    if (p instanceof Part.Text t) {
      m.put("kind", "text");
      m.put("content", t.content());
    } else if (p instanceof Part.ToolCall c) {
      m.put("kind", "tool_call");
      m.put("id", c.id());
      m.put("name", c.name());
      m.put("arguments", c.arguments());
      m.put("raw_arguments", c.rawArguments());
    } else if (p instanceof Part.ToolCallResponse r) {
      m.put("kind", "tool_call_response");
      m.put("id", r.id());
      m.put("response", r.response());
    } else if (p instanceof Part.Reasoning r) {
      m.put("kind", "reasoning");
      m.put("content", r.content());
      m.put("signature", r.signature());
    } else if (p instanceof Part.Blob b) {
      m.put("kind", "blob");
      m.put("mime_type", b.mimeType());
      m.put("modality", b.modality());
      m.put("content", b.base64Content());
    } else if (p instanceof Part.Uri u) {
      m.put("kind", "uri");
      m.put("mime_type", u.mimeType());
      m.put("modality", u.modality());
      m.put("uri", u.uri());
    } else if (p instanceof Part.Generic g) {
      m.put("kind", "generic");
      m.put("type", g.type());
      m.put("fields", g.fields());
    }
    return m;
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * The interaction a {@link #toMap} tree describes.
   *
   * @throws IllegalArgumentException naming the field when a required one is missing or of the
   *     wrong type
   */
  public static Interaction fromMap(Map<?, ?> m) {
    List<Message> messages = new ArrayList<>();
    for (Object o : list(m, "messages")) {
      Map<?, ?> mm = map(o, "messages[]");
      messages.add(new Message(text(mm, "role"), readParts(list(mm, "parts")), text(mm, "name")));
    }
    List<ToolDefinition> tools = new ArrayList<>();
    for (Object o : list(m, "tools")) {
      Map<?, ?> dm = map(o, "tools[]");
      tools.add(
          new ToolDefinition(
              text(dm, "name"), text(dm, "description"), jsonObject(dm, "parameters")));
    }
    Object error = m.get("error");
    Optional<TraceError> traceError =
        error == null
            ? Optional.empty()
            : Optional.of(
                new TraceError(
                    text(map(error, "error"), "type"), text(map(error, "error"), "message")));
    return Interaction.builder()
        .traceId(required(m, "trace_id"))
        .spanId(required(m, "span_id"))
        .parentSpanId(text(m, "parent_span_id"))
        .startEpochNanos(number(m, "start_epoch_nanos"))
        .durationNanos(number(m, "duration_nanos"))
        .operation(required(m, "operation"))
        .provider(text(m, "provider"))
        .model(text(m, "model"))
        .server(
            Interaction.Server.of(
                text(m, "server_address"),
                m.get("server_port") == null ? -1 : number(m, "server_port")))
        .systemPrompt(text(m, "system_prompt"))
        .messages(messages)
        .parameters(jsonObject(m, "parameters"))
        .tools(tools)
        .response(readResponse(map(m.get("response"), "response")))
        .metadata(jsonObject(m, "metadata"))
        .sessionId(text(m, "session_id"))
        .error(traceError)
        .contentCapture(text(m, "content_capture"))
        .contentTruncated(Boolean.TRUE.equals(m.get("content_truncated")))
        .build();
  }

  private static Interaction.Response readResponse(Map<?, ?> r) {
    List<Part.ToolCall> calls = new ArrayList<>();
    for (Part p : readParts(list(r, "tool_calls"))) {
      if (!(p instanceof Part.ToolCall c)) {
        throw new IllegalArgumentException("response.tool_calls must hold tool calls, was " + p);
      }
      calls.add(c);
    }
    Object u = r.get("usage");
    Optional<Usage> usage = Optional.empty();
    if (u != null) {
      Map<?, ?> um = map(u, "response.usage");
      usage =
          Optional.of(
              new Usage(
                  number(um, "input_tokens"),
                  number(um, "output_tokens"),
                  optionalNumber(um, "cache_read_input_tokens"),
                  optionalNumber(um, "cache_creation_input_tokens"),
                  optionalNumber(um, "reasoning_output_tokens")));
    }
    Object ttfc = r.get("time_to_first_chunk_seconds");
    return new Interaction.Response(
        text(r, "content"),
        calls,
        text(r, "finish_reason"),
        usage,
        text(r, "model"),
        text(r, "id"),
        readParts(list(r, "other_parts")),
        ttfc instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty());
  }

  private static List<Part> readParts(List<?> parts) {
    List<Part> out = new ArrayList<>(parts.size());
    for (Object o : parts) {
      Map<?, ?> p = map(o, "part");
      String kind = required(p, "kind");
      switch (kind) {
        case "text" -> out.add(new Part.Text(text(p, "content")));
        case "tool_call" ->
            out.add(
                new Part.ToolCall(
                    text(p, "id"),
                    text(p, "name"),
                    jsonObject(p, "arguments"),
                    text(p, "raw_arguments")));
        case "tool_call_response" ->
            out.add(new Part.ToolCallResponse(text(p, "id"), p.get("response")));
        case "reasoning" -> out.add(new Part.Reasoning(text(p, "content"), text(p, "signature")));
        case "blob" ->
            out.add(new Part.Blob(text(p, "mime_type"), text(p, "modality"), text(p, "content")));
        case "uri" ->
            out.add(new Part.Uri(text(p, "mime_type"), text(p, "modality"), text(p, "uri")));
        case "generic" -> out.add(new Part.Generic(required(p, "type"), jsonObject(p, "fields")));
        // A part kind from a newer version: keep what it has rather than lose the message.
        default -> out.add(new Part.Generic(kind, JsonTree.copyObject(p, "part")));
      }
    }
    return out;
  }

  private static String required(Map<?, ?> m, String key) {
    String s = text(m, key);
    if (s.isEmpty()) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return s;
  }

  private static String text(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(key + " must be a string, was " + v.getClass().getName());
    }
    return s;
  }

  private static long number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(
          key + " must be a number, was " + (v == null ? "missing" : v.getClass().getName()));
    }
    return n.longValue();
  }

  private static long optionalNumber(Map<?, ?> m, String key) {
    return m.get(key) == null ? 0 : number(m, key);
  }

  private static List<?> list(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(key + " must be a list, was " + v.getClass().getName());
    }
    return l;
  }

  private static Map<?, ?> map(Object v, String what) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(
          what + " must be a map, was " + (v == null ? "missing" : v.getClass().getName()));
    }
    return m;
  }

  private static Map<String, Object> jsonObject(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? Map.of() : JsonTree.copyObject(map(v, key), key);
  }
}
