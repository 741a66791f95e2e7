package dev.otelllm.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The content of one interaction as other instrumentations report it beside their span: the
 * deprecated per-message events ({@code gen_ai.system.message}, {@code gen_ai.user.message}, {@code
 * gen_ai.assistant.message}, {@code gen_ai.tool.message}, {@code gen_ai.choice}), as log records or
 * as span events, and the {@code gen_ai.client.inference.operation.details} event, whose attributes
 * are the conventions' {@code gen_ai.system_instructions}, {@code gen_ai.input.messages} and {@code
 * gen_ai.output.messages}. Read back as those three attributes' trees, so that {@link SpanMapper}
 * decodes them as it decodes a span's own.
 *
 * <p>Built by one thread, then handed over; not thread-safe. Not API: public only because the
 * buffer's log record processor gathers it.
 */
public final class EventContent {

  /** The inference details event of the current conventions. */
  public static final String DETAILS_EVENT = "gen_ai.client.inference.operation.details";

  private static final String SYSTEM_EVENT = "gen_ai.system.message";
  private static final String USER_EVENT = "gen_ai.user.message";
  private static final String ASSISTANT_EVENT = "gen_ai.assistant.message";
  private static final String TOOL_EVENT = "gen_ai.tool.message";
  private static final String CHOICE_EVENT = "gen_ai.choice";

  private static final Set<String> EVENTS =
      Set.of(SYSTEM_EVENT, USER_EVENT, ASSISTANT_EVENT, TOOL_EVENT, CHOICE_EVENT, DETAILS_EVENT);

  /** The attribute that names an event when the emitter did not use the record's event name. */
  public static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");

  // Span events of the deprecated conventions carry the body as JSON in this attribute (Azure AI
  // Inference, among others); others spread the body's fields over the event's attributes.
  private static final String SPAN_EVENT_CONTENT = "gen_ai.event.content";
  private static final Set<String> NOT_BODY =
      Set.of("gen_ai.system", "gen_ai.provider.name", "event.name", SPAN_EVENT_CONTENT);

  private @Nullable List<Object> systemParts;
  private @Nullable List<Object> inputMessages;
  private @Nullable TreeMap<Long, Object> choices;
  private @Nullable Object detailsSystem;
  private @Nullable Object detailsInput;
  private @Nullable Object detailsOutput;
  private boolean hasText;
  private long bytes;

  /** Whether an event of this name carries interaction content. */
  public static boolean isContentEvent(@Nullable String eventName) {
    return eventName != null && EVENTS.contains(eventName);
  }

  /**
   * The content of one log record, or null when it carries none.
   *
   * @param eventName one for which {@link #isContentEvent} holds
   */
  public static @Nullable EventContent ofRecord(
      String eventName, @Nullable Value<?> body, Attributes attributes) {
    EventContent c = new EventContent();
    if (DETAILS_EVENT.equals(eventName)) {
      c.addDetails(attributes, body);
    } else {
      c.addMessageEvent(eventName, bodyTree(body));
    }
    return c.isEmpty() ? null : c;
  }

  /** The content of a span's deprecated per-message events, or null when it has none. */
  public static @Nullable EventContent ofSpanEvents(List<EventData> events) {
    EventContent c = null;
    for (EventData e : events) {
      String name = e.getName();
      if (!isContentEvent(name)) {
        continue;
      }
      if (c == null) {
        c = new EventContent();
      }
      if (DETAILS_EVENT.equals(name)) {
        c.addDetails(e.getAttributes(), null);
      } else {
        c.addMessageEvent(name, spanEventBody(e.getAttributes()));
      }
    }
    return c == null || c.isEmpty() ? null : c;
  }

  /** Appends what a later record of the same span carried. */
  public void absorb(EventContent later) {
    if (later.systemParts != null) {
      systemParts().addAll(later.systemParts);
    }
    if (later.inputMessages != null) {
      inputMessages().addAll(later.inputMessages);
    }
    if (later.choices != null) {
      if (choices == null) {
        choices = new TreeMap<>();
      }
      choices.putAll(later.choices);
    }
    if (later.detailsSystem != null) {
      detailsSystem = later.detailsSystem;
    }
    if (later.detailsInput != null) {
      detailsInput = later.detailsInput;
    }
    if (later.detailsOutput != null) {
      detailsOutput = later.detailsOutput;
    }
    hasText |= later.hasText;
    bytes += later.bytes;
  }

  /** Estimated heap of what is held, for the pending-content bound. */
  public long estimatedBytes() {
    return bytes;
  }

  /** Whether any text was carried, or only structure (roles, tool names and ids). */
  public boolean hasText() {
    return hasText;
  }

  /** {@code gen_ai.system_instructions} as a tree, or null. */
  public @Nullable Object system() {
    return detailsSystem != null ? detailsSystem : systemParts;
  }

  /** {@code gen_ai.input.messages} as a tree, or null. */
  public @Nullable Object input() {
    return detailsInput != null ? detailsInput : inputMessages;
  }

  /** {@code gen_ai.output.messages} as a tree, one message per choice in index order, or null. */
  public @Nullable Object output() {
    if (detailsOutput != null) {
      return detailsOutput;
    }
    return choices == null ? null : new ArrayList<>(choices.values());
  }

  private boolean isEmpty() {
    return systemParts == null
        && inputMessages == null
        && choices == null
        && detailsSystem == null
        && detailsInput == null
        && detailsOutput == null;
  }

  // ---- the details event ---------------------------------------------------------------------

  private void addDetails(Attributes attributes, @Nullable Value<?> body) {
    Map<String, Object> found = new java.util.HashMap<>(4);
    attributes.forEach(
        (key, value) -> {
          String name = key.getKey();
          if (GenAiKeys.SYSTEM_INSTRUCTIONS.equals(name)
              || GenAiKeys.INPUT_MESSAGES.equals(name)
              || GenAiKeys.OUTPUT_MESSAGES.equals(name)) {
            found.put(name, value);
          }
        });
    if (found.isEmpty() && bodyTree(body) instanceof Map<?, ?> fromBody) {
      // Not where the conventions put them, but cheap to accept.
      fromBody.forEach((k, v) -> found.put(String.valueOf(k), v));
    }
    detailsSystem = detail(found.get(GenAiKeys.SYSTEM_INSTRUCTIONS));
    detailsInput = detail(found.get(GenAiKeys.INPUT_MESSAGES));
    detailsOutput = detail(found.get(GenAiKeys.OUTPUT_MESSAGES));
    for (Object tree : new Object[] {detailsSystem, detailsInput, detailsOutput}) {
      if (tree != null) {
        bytes += JsonTree.estimatedSize(tree);
        hasText |= hasText(tree);
      }
    }
  }

  /** A content attribute's tree, from its structured or JSON-string form; null unless a list. */
  private static @Nullable Object detail(@Nullable Object value) {
    Object tree =
        value instanceof List<?> ? value : value == null ? null : SpanMapper.content(value);
    return tree instanceof List<?> ? tree : null;
  }

  // ---- the deprecated per-message events -----------------------------------------------------

  private void addMessageEvent(String eventName, @Nullable Object body) {
    Map<?, ?> b = body instanceof Map<?, ?> m ? m : Map.of();
    switch (eventName) {
      case SYSTEM_EVENT:
        {
          List<Object> parts = new ArrayList<>(1);
          addContentParts(parts, b.get("content"));
          systemParts().addAll(parts);
          bytes += JsonTree.estimatedSize(parts);
          break;
        }
      case USER_EVENT:
        addInput(message(b, "user", null));
        break;
      case ASSISTANT_EVENT:
        addInput(message(b, "assistant", null));
        break;
      case TOOL_EVENT:
        {
          Map<String, Object> response = new LinkedHashMap<>(4);
          response.put("type", "tool_call_response");
          putIfString(response, "id", b.get("id"));
          Object content = b.get("content");
          if (content != null) {
            response.put("response", content);
            hasText = true;
          }
          List<Object> parts = new ArrayList<>(1);
          parts.add(response);
          Map<String, Object> m = new LinkedHashMap<>(4);
          m.put("role", roleOr(b, "tool"));
          m.put("parts", parts);
          addInput(m);
          break;
        }
      case CHOICE_EVENT:
        {
          Object raw = b.get("message");
          if (raw instanceof String json) {
            raw = SpanMapper.content(json);
          }
          Map<?, ?> message = raw instanceof Map<?, ?> m ? m : Map.of();
          Object reason = b.get("finish_reason");
          Map<String, Object> out =
              message(message, "assistant", reason instanceof String s ? s : null);
          long index = b.get("index") instanceof Number n ? n.longValue() : 0;
          if (choices == null) {
            choices = new TreeMap<>();
          }
          choices.put(index, out);
          bytes += JsonTree.estimatedSize(out);
          break;
        }
      default:
        break;
    }
  }

  private void addInput(Map<String, Object> message) {
    inputMessages().add(message);
    bytes += JsonTree.estimatedSize(message);
  }

  /** A message of the conventions from a deprecated event's body (content and tool calls). */
  private Map<String, Object> message(
      Map<?, ?> body, String defaultRole, @Nullable String finishReason) {
    List<Object> parts = new ArrayList<>(2);
    addContentParts(parts, body.get("content"));
    Object calls = body.get("tool_calls");
    if (calls instanceof String json) {
      calls = SpanMapper.content(json);
    }
    boolean calledTools = false;
    if (calls instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> call) {
          parts.add(toolCall(call));
          calledTools = true;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("role", roleOr(body, defaultRole));
    m.put("parts", parts);
    if (finishReason != null) {
      m.put("finish_reason", FinishReasons.normalize(finishReason, calledTools));
    }
    return m;
  }

  private Map<String, Object> toolCall(Map<?, ?> call) {
    Map<?, ?> function = call.get("function") instanceof Map<?, ?> f ? f : call;
    Map<String, Object> part = new LinkedHashMap<>(4);
    part.put("type", "tool_call");
    putIfString(part, "id", call.get("id"));
    Object name = function.get("name");
    part.put("name", name instanceof String s ? s : "");
    Object arguments = function.get("arguments");
    if (arguments != null) {
      part.put("arguments", arguments);
      hasText = true;
    }
    return part;
  }

  /** Text parts from a message's content: a string, or a list of strings or typed parts. */
  private void addContentParts(List<Object> parts, @Nullable Object content) {
    if (content instanceof String s) {
      parts.add(textPart(s));
    } else if (content instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          parts.add(textPart(s));
        } else if (o instanceof Map<?, ?> m) {
          Object text = m.get("text") != null ? m.get("text") : m.get("content");
          if (text instanceof String s) {
            parts.add(textPart(s));
          } else {
            // Images, audio, files: kept as a part of their own type.
            parts.add(m);
            hasText = true;
          }
        }
      }
    }
  }

  private Map<String, Object> textPart(String text) {
    Map<String, Object> part = new LinkedHashMap<>(4);
    part.put("type", "text");
    part.put("content", text);
    hasText = true;
    return part;
  }

  private List<Object> systemParts() {
    if (systemParts == null) {
      systemParts = new ArrayList<>(1);
    }
    return systemParts;
  }

  private List<Object> inputMessages() {
    if (inputMessages == null) {
      inputMessages = new ArrayList<>(4);
    }
    return inputMessages;
  }

  private static String roleOr(Map<?, ?> body, String role) {
    Object r = body.get("role");
    // A developer message is the system prompt of newer OpenAI models.
    return r instanceof String s && !s.isEmpty() && !"developer".equals(s) ? s : role;
  }

  private static void putIfString(Map<String, Object> out, String key, @Nullable Object value) {
    if (value instanceof String s && !s.isEmpty()) {
      out.put(key, s);
    }
  }

  private static boolean hasText(Object tree) {
    if (tree instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object key = e.getKey();
        if (("content".equals(key) || "arguments".equals(key) || "response".equals(key))
            && e.getValue() != null) {
          return true;
        }
        if (hasText(e.getValue())) {
          return true;
        }
      }
    } else if (tree instanceof List<?> l) {
      for (Object o : l) {
        if (hasText(o)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A log record's body as a tree: structured as it is, a JSON string parsed, other text kept. */
  private static @Nullable Object bodyTree(@Nullable Value<?> body) {
    if (body == null) {
      return null;
    }
    if (body.getType() == ValueType.STRING) {
      String s = (String) body.getValue();
      Object parsed = SpanMapper.content(s);
      return parsed instanceof Map<?, ?> ? parsed : Map.of("content", s);
    }
    return JsonTree.fromValue(body);
  }

  /** A span event's body: its JSON content attribute, else its attributes as fields. */
  private static Object spanEventBody(Attributes attributes) {
    String json = attributes.get(AttributeKey.stringKey(SPAN_EVENT_CONTENT));
    if (json != null) {
      Object parsed = SpanMapper.content(json);
      if (parsed instanceof Map<?, ?>) {
        return parsed;
      }
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    attributes.forEach(
        (key, value) -> {
          if (!NOT_BODY.contains(key.getKey())) {
            fields.put(key.getKey(), value instanceof Value<?> v ? JsonTree.fromValue(v) : value);
          }
        });
    return fields;
  }
}
