package dev.otelllm.internal;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.*;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.LlmTrace;
import dev.otelllm.trace.TraceError;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.incubating.SessionIncubatingAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one mapping from an ended GenAI span to an {@link LlmTrace}. Used by the in-memory buffer and
 * by every reader of spans that left the process. Not API: call {@link LlmTrace#fromSpan}.
 */
public final class SpanMapper {
  private SpanMapper() {}

  /** Operations whose spans are model interactions. */
  public static final Set<String> INFERENCE_OPERATIONS = Set.of("chat", "text_completion", "generate_content");

  private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  /** See {@link LlmTrace#fromSpan}. */
  public static Optional<LlmTrace> toTrace(SpanData span) {
    Attributes a = span.getAttributes();
    String operation = a.get(GEN_AI_OPERATION_NAME);
    if (operation == null || !INFERENCE_OPERATIONS.contains(operation)) {
      return Optional.empty();
    }
    String provider = orEmpty(a.get(GEN_AI_PROVIDER_NAME));
    if (provider.isEmpty()) {
      provider = orEmpty(a.get(GEN_AI_SYSTEM));
    }
    SpanContext parent = span.getParentSpanContext();

    Object systemTree = content(a, GenAiKeys.SYSTEM_INSTRUCTIONS);
    Object inputTree = content(a, GenAiKeys.INPUT_MESSAGES);
    Object outputTree = content(a, GenAiKeys.OUTPUT_MESSAGES);
    Object toolsTree = content(a, GenAiKeys.TOOL_DEFINITIONS);

    List<Message> messages = ContentCodec.decodeMessages(inputTree);
    String systemPrompt = textOf(ContentCodec.decodeParts(systemTree));
    List<ToolDefinition> tools = ContentCodec.decodeToolDefinitions(toolsTree);

    Optional<TraceError> error = error(span, a);
    LlmTrace.Response response = response(a, outputTree, error.isPresent());

    Map<String, Object> parameters = new LinkedHashMap<>();
    putIfSet(parameters, "temperature", a.get(GEN_AI_REQUEST_TEMPERATURE));
    putIfSet(parameters, "max_tokens", a.get(GEN_AI_REQUEST_MAX_TOKENS));
    putIfSet(parameters, "top_p", a.get(GEN_AI_REQUEST_TOP_P));
    Double topK = a.get(GEN_AI_REQUEST_TOP_K);
    if (topK != null) {
      parameters.put("top_k", topK == Math.rint(topK) ? (Object) topK.longValue() : topK);
    }
    putIfSet(parameters, "seed", a.get(GEN_AI_REQUEST_SEED));
    putIfSet(parameters, "stop", a.get(GEN_AI_REQUEST_STOP_SEQUENCES));
    putIfSet(parameters, "frequency_penalty", a.get(GEN_AI_REQUEST_FREQUENCY_PENALTY));
    putIfSet(parameters, "presence_penalty", a.get(GEN_AI_REQUEST_PRESENCE_PENALTY));
    putIfSet(parameters, "n", a.get(GEN_AI_REQUEST_CHOICE_COUNT));
    putIfSet(parameters, "output_type", a.get(GEN_AI_OUTPUT_TYPE));
    putIfSet(parameters, "stream", a.get(GEN_AI_REQUEST_STREAM));

    Map<String, Object> metadata = new LinkedHashMap<>();
    a.forEach(
        (key, value) -> {
          String name = key.getKey();
          if (name.startsWith(GenAiKeys.METADATA_PREFIX)) {
            metadata.put(suffix(name, GenAiKeys.METADATA_PREFIX.length()), plain(key, value));
          } else if (name.startsWith(GenAiKeys.EXTRA_PARAM_PREFIX)) {
            parameters.put(suffix(name, GenAiKeys.EXTRA_PARAM_PREFIX.length()), plain(key, value));
          }
        });

    Long port = a.get(ServerAttributes.SERVER_PORT);
    String address = orEmpty(a.get(ServerAttributes.SERVER_ADDRESS));
    LlmTrace.Server server = address.isEmpty() && port == null
        ? LlmTrace.Server.NONE
        : LlmTrace.Server.of(address, port == null ? -1 : port);

    String capture = a.get(GenAiKeys.CONTENT_CAPTURE);
    if (capture == null) {
      capture = inputTree == null && outputTree == null ? "none" : "full";
    }
    return Optional.of(
        new LlmTrace(
            span.getTraceId(),
            span.getSpanId(),
            parent.isValid() ? parent.getSpanId() : "",
            span.getStartEpochNanos(),
            Math.max(0, span.getEndEpochNanos() - span.getStartEpochNanos()),
            operation,
            provider,
            orEmpty(a.get(GEN_AI_REQUEST_MODEL)),
            server,
            systemPrompt,
            messages,
            parameters,
            tools,
            response,
            metadata,
            orEmpty(a.get(SessionIncubatingAttributes.SESSION_ID)),
            error,
            capture,
            Boolean.TRUE.equals(a.get(GenAiKeys.CONTENT_TRUNCATED))));
  }

  private static LlmTrace.Response response(Attributes a, Object outputTree, boolean failed) {
    List<Message> output = ContentCodec.decodeMessages(outputTree);
    String content = "";
    List<Part.ToolCall> toolCalls = List.of();
    List<Part> other = List.of();
    if (!output.isEmpty()) {
      Message first = output.get(0);
      content = first.text();
      toolCalls = first.toolCalls();
      for (Part p : first.parts()) {
        if (!(p instanceof Part.Text) && !(p instanceof Part.ToolCall)) {
          if (other.isEmpty()) {
            other = new ArrayList<>(2);
          }
          other.add(p);
        }
      }
    }
    List<String> reasons = a.get(GEN_AI_RESPONSE_FINISH_REASONS);
    String finishReason;
    if (reasons != null && !reasons.isEmpty()) {
      finishReason = reasons.get(0);
    } else {
      String fromContent = ContentCodec.decodeFinishReason(outputTree);
      finishReason = fromContent != null ? fromContent : failed ? "error" : "";
    }
    Long in = a.get(GEN_AI_USAGE_INPUT_TOKENS);
    Long out = a.get(GEN_AI_USAGE_OUTPUT_TOKENS);
    Optional<Usage> usage = Optional.empty();
    if (in != null || out != null) {
      usage = Optional.of(new Usage(
          nonNegative(in), nonNegative(out),
          nonNegative(a.get(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)),
          nonNegative(a.get(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)),
          nonNegative(a.get(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS))));
    }
    return new LlmTrace.Response(content, toolCalls, finishReason, usage,
        orEmpty(a.get(GEN_AI_RESPONSE_MODEL)), orEmpty(a.get(GEN_AI_RESPONSE_ID)), other);
  }

  private static Optional<TraceError> error(SpanData span, Attributes a) {
    String type = a.get(ErrorAttributes.ERROR_TYPE);
    boolean errorStatus = span.getStatus().getStatusCode() == StatusCode.ERROR;
    if (type == null && !errorStatus) {
      return Optional.empty();
    }
    String message = a.get(GenAiKeys.ERROR_MESSAGE);
    if (message == null) {
      for (EventData e : span.getEvents()) {
        String m = e.getAttributes().get(EXCEPTION_MESSAGE);
        if ("exception".equals(e.getName()) && m != null) {
          message = m;
          break;
        }
      }
    }
    if (message == null) {
      message = span.getStatus().getDescription();
    }
    return Optional.of(new TraceError(type == null ? "_OTHER" : type, message == null ? "" : message));
  }

  /** A content attribute as a JSON-like tree, from its structured or its JSON-string form. */
  private static Object content(Attributes a, String key) {
    Value<?> value = a.get(AttributeKey.valueKey(key));
    if (value != null) {
      if (value.getType() == io.opentelemetry.api.common.ValueType.STRING) {
        return parseOrNull((String) value.getValue());
      }
      return JsonTree.fromValue(value);
    }
    String json = a.get(AttributeKey.stringKey(key));
    return json == null ? null : parseOrNull(json);
  }

  private static Object parseOrNull(String json) {
    try {
      return JsonTree.parse(json);
    } catch (IllegalArgumentException notJson) {
      return null;
    }
  }

  private static String textOf(List<Part> parts) {
    if (parts.size() == 1 && parts.get(0) instanceof Part.Text t) {
      return t.content();
    }
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Part.Text t) {
        sb.append(t.content());
      }
    }
    return sb.toString();
  }

  // Every kept interaction repeats the same few metadata keys: share one string per key.
  private static final int MAX_CACHED_KEYS = 4096;
  private static final Map<String, String> SUFFIXES = new java.util.concurrent.ConcurrentHashMap<>();

  private static String suffix(String name, int prefixLength) {
    String s = SUFFIXES.get(name);
    if (s == null) {
      s = name.substring(prefixLength);
      if (SUFFIXES.size() < MAX_CACHED_KEYS) {
        SUFFIXES.put(name, s);
      }
    }
    return s;
  }

  private static Object plain(AttributeKey<?> key, Object value) {
    if (key.getType() == AttributeType.VALUE && value instanceof Value<?> v) {
      return JsonTree.fromValue(v);
    }
    return value;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static long nonNegative(Long v) {
    return v == null || v < 0 ? 0 : v;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
