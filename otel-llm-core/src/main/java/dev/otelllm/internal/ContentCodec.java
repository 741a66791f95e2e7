package dev.otelllm.internal;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Messages, parts and tool definitions to and from the JSON shape of the GenAI conventions' content
 * attributes ({@code [{"role":"user","parts":[{"type":"text","content":"..."}]}]}).
 *
 * <p>Encoding builds mutable trees so that {@link ContentTruncator} can cut them in place. Not API.
 */
public final class ContentCodec {

  // Part types whose fields are never recorded.
  private static final java.util.Set<String> OPAQUE_PART_TYPES =
      java.util.Set.of("redacted_thinking");

  private ContentCodec() {}

  /**
   * @param full true for full content, false for structure only (roles, part types, tool names and
   *     ids, no text)
   * @param redactor applied to every text the model reads or writes; identity for none
   */
  public record Options(boolean full, UnaryOperator<String> redactor) {}

  /** {@code gen_ai.system_instructions}: one text part. */
  public static List<Object> systemInstructions(String systemPrompt, Options o) {
    List<Object> parts = new ArrayList<>(1);
    parts.add(encodePart(new Part.Text(systemPrompt), o));
    return parts;
  }

  /** {@code gen_ai.input.messages}. */
  public static List<Object> messages(List<Message> messages, Options o) {
    List<Object> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      out.add(encodeMessage(m, null, o));
    }
    return out;
  }

  /** {@code gen_ai.output.messages}: the one assistant message with its finish reason. */
  public static List<Object> output(Message message, String finishReason, Options o) {
    List<Object> out = new ArrayList<>(1);
    out.add(encodeMessage(message, finishReason, o));
    return out;
  }

  /** {@code gen_ai.tool.definitions}. */
  public static List<Object> toolDefinitions(List<ToolDefinition> tools, Options o) {
    List<Object> out = new ArrayList<>(tools.size());
    for (ToolDefinition t : tools) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "function");
      m.put("name", t.name());
      if (o.full()) {
        if (!t.description().isEmpty()) {
          m.put("description", o.redactor().apply(t.description()));
        }
        m.put("parameters", redact(t.parameters(), o.redactor()));
      }
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> encodeMessage(Message m, String finishReason, Options o) {
    Map<String, Object> out = new LinkedHashMap<>(8);
    out.put("role", m.role());
    List<Object> parts = new ArrayList<>(m.parts().size());
    for (Part p : m.parts()) {
      parts.add(encodePart(p, o));
    }
    out.put("parts", parts);
    if (!m.name().isEmpty()) {
      out.put("name", m.name());
    }
    if (finishReason != null) {
      out.put("finish_reason", finishReason);
    }
    return out;
  }

  private static Map<String, Object> encodePart(Part p, Options o) {
    Map<String, Object> out = new LinkedHashMap<>(8);
    out.put("type", p.type());
    boolean full = o.full();
    if (p instanceof Part.Text t) {
      if (full) {
        out.put("content", o.redactor().apply(t.content()));
      }
    } else if (p instanceof Part.ToolCall c) {
      if (!c.id().isEmpty()) {
        out.put("id", c.id());
      }
      out.put("name", c.name());
      if (full) {
        out.put("arguments", redact(c.arguments(), o.redactor()));
      }
    } else if (p instanceof Part.ToolCallResponse r) {
      if (!r.id().isEmpty()) {
        out.put("id", r.id());
      }
      if (full) {
        out.put("response", redact(r.response(), o.redactor()));
      }
    } else if (p instanceof Part.Reasoning r) {
      if (full) {
        out.put("content", o.redactor().apply(r.content()));
      }
    } else if (p instanceof Part.Blob b) {
      putIfNotEmpty(out, "mime_type", b.mimeType());
      out.put("modality", b.modality());
      if (full) {
        out.put("content", b.base64Content());
      }
    } else if (p instanceof Part.Uri u) {
      putIfNotEmpty(out, "mime_type", u.mimeType());
      out.put("modality", u.modality());
      if (full) {
        out.put("uri", o.redactor().apply(u.uri()));
      }
    } else if (p instanceof Part.Generic g) {
      // Opaque provider data (Anthropic's redacted thinking: encrypted, unreadable, often KBs) goes
      // back to the provider but is not content anyone reads: only its type is recorded.
      if (full && !OPAQUE_PART_TYPES.contains(g.type())) {
        for (Map.Entry<String, Object> e : g.fields().entrySet()) {
          if (!"type".equals(e.getKey())) {
            out.put(e.getKey(), redact(e.getValue(), o.redactor()));
          }
        }
      }
    }
    return out;
  }

  /**
   * Every string leaf of a JSON-like tree through the redactor; the tree itself when none is set.
   */
  static Object redact(Object tree, UnaryOperator<String> redactor) {
    if (redactor == UnaryOperator.<String>identity() || tree == null) {
      return tree;
    }
    if (tree instanceof String s) {
      return redactor.apply(s);
    }
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), redact(v, redactor)));
      return out;
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(redact(o, redactor));
      }
      return out;
    }
    return tree;
  }

  private static void putIfNotEmpty(Map<String, Object> out, String key, String value) {
    if (!value.isEmpty()) {
      out.put(key, value);
    }
  }

  // ---- decoding ----------------------------------------------------------------------------

  /** Messages from a decoded content attribute; entries that are not objects are skipped. */
  public static List<Message> decodeMessages(Object tree) {
    if (!(tree instanceof List<?> list)) {
      return List.of();
    }
    List<Message> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof Map<?, ?> m) {
        out.add(decodeMessage(m));
      }
    }
    return out;
  }

  /** The finish reason written into the first output message, or null. */
  public static String decodeFinishReason(Object tree) {
    if (tree instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
      return m.get("finish_reason") instanceof String s ? s : null;
    }
    return null;
  }

  /** Parts from a decoded parts array (system instructions). */
  public static List<Part> decodeParts(Object tree) {
    if (!(tree instanceof List<?> list)) {
      return List.of();
    }
    List<Part> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof Map<?, ?> m) {
        out.add(decodePart(m));
      }
    }
    return out;
  }

  /** Tool definitions from a decoded {@code gen_ai.tool.definitions}. */
  @SuppressWarnings("unchecked")
  public static List<ToolDefinition> decodeToolDefinitions(Object tree) {
    if (!(tree instanceof List<?> list)) {
      return List.of();
    }
    List<ToolDefinition> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof Map<?, ?> m && m.get("name") instanceof String name && !name.isBlank()) {
        Object params = m.get("parameters");
        out.add(
            new ToolDefinition(
                name,
                str(m, "description"),
                params instanceof Map<?, ?> pm ? (Map<String, Object>) pm : Map.of()));
      }
    }
    return out;
  }

  private static Message decodeMessage(Map<?, ?> m) {
    String role = str(m, "role");
    return new Message(
        role.isEmpty() ? "unknown" : role, decodeParts(m.get("parts")), str(m, "name"));
  }

  @SuppressWarnings("unchecked")
  private static Part decodePart(Map<?, ?> m) {
    String type = str(m, "type");
    switch (type) {
      case "text":
        return new Part.Text(str(m, "content"));
      case "tool_call":
        {
          Object args = m.get("arguments");
          Map<String, Object> parsed;
          if (args instanceof Map<?, ?> am) {
            parsed = (Map<String, Object>) am;
          } else if (args instanceof String s && !s.isBlank()) {
            parsed = parseArguments(s);
          } else {
            parsed = Map.of();
          }
          return new Part.ToolCall(str(m, "id"), str(m, "name"), parsed);
        }
      case "tool_call_response":
        return new Part.ToolCallResponse(str(m, "id"), m.get("response"));
      case "reasoning":
        return new Part.Reasoning(str(m, "content"));
      case "blob":
        return new Part.Blob(str(m, "mime_type"), str(m, "modality"), str(m, "content"));
      case "uri":
        return new Part.Uri(str(m, "mime_type"), str(m, "modality"), str(m, "uri"));
      default:
        {
          Map<String, Object> fields = new LinkedHashMap<>();
          m.forEach((k, v) -> fields.put(String.valueOf(k), v));
          return new Part.Generic(type.isEmpty() ? "unknown" : type, fields);
        }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parseArguments(String s) {
    try {
      Object tree = JsonTree.parse(s);
      if (tree instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
    } catch (IllegalArgumentException notJson) {
      // Arguments cut by truncation are no longer JSON; keep their text.
    }
    return Map.of("_raw", s);
  }

  private static String str(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : v instanceof String s ? s : String.valueOf(v);
  }
}
