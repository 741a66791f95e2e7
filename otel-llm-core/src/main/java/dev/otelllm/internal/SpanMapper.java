package dev.otelllm.internal;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceError;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping from an ended GenAI span to an {@link Interaction}. Used by the in-memory buffer
 * and by every reader of spans that left the process. Not API.
 */
public final class SpanMapper {
  private SpanMapper() {}

  /** Operations whose spans are model interactions: inference, and embeddings. */
  public static final Set<String> INFERENCE_OPERATIONS =
      Set.of("chat", "text_completion", "generate_content", "embeddings");

  private static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");

  /**
   * The interaction an ended span records, or empty when it is not a GenAI span this library reads;
   * never throws for odd attribute values.
   */
  public static Optional<Interaction> toTrace(SpanData span) {
    return toTrace(span, null);
  }

  /**
   * The interaction of an ended span together with the content other instrumentations reported
   * beside it ({@code pending}: their log records, gathered by the buffer until the span ended).
   * The span's own content attributes come first; without them, the content of {@code pending},
   * else that of the span's deprecated per-message events ({@code gen_ai.user.message}, ...).
   */
  public static Optional<Interaction> toTrace(SpanData span, @Nullable EventContent pending) {
    Attributes a = span.getAttributes();
    Fields f = new Fields();
    // One pass over the attributes instead of a lookup per key: this runs for every kept span.
    a.forEach(f::accept);
    if (f.operation == null || !INFERENCE_OPERATIONS.contains(f.operation)) {
      return Optional.empty();
    }
    if (f.system == null && f.input == null && f.output == null) {
      EventContent events = pending != null ? pending : EventContent.ofSpanEvents(span.getEvents());
      if (events != null) {
        f.system = events.system();
        f.input = events.input();
        f.output = events.output();
        if (f.capture == null) {
          f.capture = events.hasText() ? "full" : "metadata";
        }
      }
    }
    SpanContext parent = span.getParentSpanContext();

    List<Message> messages = ContentCodec.decodeMessages(f.input);
    String systemPrompt = textOf(ContentCodec.decodeParts(f.system));
    List<ToolDefinition> tools = ContentCodec.decodeToolDefinitions(f.tools);
    Optional<TraceError> error = error(span, f);
    Interaction.Response response = response(f, error.isPresent());

    Interaction.Server server =
        f.address == null && f.port == null
            ? Interaction.Server.NONE
            : Interaction.Server.of(orEmpty(f.address), f.port == null ? -1 : f.port);
    String capture = f.capture;
    if (capture == null) {
      capture = f.input == null && f.output == null ? "none" : "full";
    }
    return Optional.of(
        Interaction.builder()
            .traceId(span.getTraceId())
            .spanId(span.getSpanId())
            .parentSpanId(parent.isValid() ? parent.getSpanId() : "")
            .startEpochNanos(span.getStartEpochNanos())
            .durationNanos(Math.max(0, span.getEndEpochNanos() - span.getStartEpochNanos()))
            .operation(f.operation)
            .provider(f.provider != null ? f.provider : orEmpty(f.legacySystem))
            .model(orEmpty(f.requestModel))
            .server(server)
            .systemPrompt(systemPrompt)
            .messages(messages)
            .parameters(f.parameters())
            .tools(tools)
            .response(response)
            .metadata(f.metadata == null ? Map.of() : f.metadata)
            .sessionId(orEmpty(f.sessionId))
            .error(error)
            .contentCapture(capture)
            .contentTruncated(f.truncated)
            .build());
  }

  /** The attributes the mapping reads, gathered in one pass. */
  private static final class Fields {
    String operation;
    String provider;
    String legacySystem;
    String requestModel;
    String responseModel;
    String responseId;
    List<?> finishReasons;
    String address;
    Long port;
    String sessionId;
    String errorType;
    String errorMessage;
    String capture;
    boolean truncated;
    Object system;
    Object input;
    Object output;
    Object tools;
    Long inputTokens;
    Long outputTokens;
    Long cacheRead;
    Long cacheCreation;
    Long reasoning;
    Double timeToFirstChunk;
    // Parameters in the reference's order, then extras.
    Object temperature;
    Object maxTokens;
    Object topP;
    Object topK;
    Object seed;
    Object stop;
    Object frequencyPenalty;
    Object presencePenalty;
    Object choiceCount;
    Object outputType;
    Object stream;
    Object encodingFormats;
    Object dimensionCount;
    Map<String, Object> extra;
    Map<String, Object> metadata;

    void accept(AttributeKey<?> key, Object value) {
      String name = key.getKey();
      switch (name) {
        case "gen_ai.operation.name":
          operation = shared(string(value));
          break;
        case "gen_ai.provider.name":
          provider = shared(string(value));
          break;
        case "gen_ai.system":
          legacySystem = shared(string(value));
          break;
        case "gen_ai.request.model":
          requestModel = shared(string(value));
          break;
        case "gen_ai.response.model":
          responseModel = shared(string(value));
          break;
        case "gen_ai.response.id":
          responseId = string(value);
          break;
        case "gen_ai.response.finish_reasons":
          finishReasons = value instanceof List<?> l ? l : null;
          break;
        case "server.address":
          address = string(value);
          break;
        case "server.port":
          port = value instanceof Long l ? l : null;
          break;
        case "session.id":
          sessionId = string(value);
          break;
        case "error.type":
          errorType = string(value);
          break;
        case "otel_llm.error.message":
          errorMessage = string(value);
          break;
        case "otel_llm.content.capture":
          capture = string(value);
          break;
        case "otel_llm.content.truncated":
          truncated = Boolean.TRUE.equals(value);
          break;
        case GenAiKeys.SYSTEM_INSTRUCTIONS:
          system = content(value);
          break;
        case GenAiKeys.INPUT_MESSAGES:
          input = content(value);
          break;
        case GenAiKeys.OUTPUT_MESSAGES:
          output = content(value);
          break;
        case GenAiKeys.TOOL_DEFINITIONS:
          tools = content(value);
          break;
        case "gen_ai.usage.input_tokens":
          inputTokens = longOrNull(value);
          break;
        case "gen_ai.usage.output_tokens":
          outputTokens = longOrNull(value);
          break;
        case "gen_ai.usage.cache_read.input_tokens":
          cacheRead = longOrNull(value);
          break;
        case "gen_ai.usage.cache_creation.input_tokens":
          cacheCreation = longOrNull(value);
          break;
        case "gen_ai.usage.reasoning.output_tokens":
          reasoning = longOrNull(value);
          break;
        case "gen_ai.response.time_to_first_chunk":
          timeToFirstChunk = value instanceof Double d ? d : null;
          break;
        case "gen_ai.request.temperature":
          temperature = value;
          break;
        case "gen_ai.request.max_tokens":
          maxTokens = value;
          break;
        case "gen_ai.request.top_p":
          topP = value;
          break;
        case "gen_ai.request.top_k":
          topK = value instanceof Double d && d == Math.rint(d) ? (Object) d.longValue() : value;
          break;
        case "gen_ai.request.seed":
          seed = value;
          break;
        case "gen_ai.request.stop_sequences":
          stop = value;
          break;
        case "gen_ai.request.frequency_penalty":
          frequencyPenalty = value;
          break;
        case "gen_ai.request.presence_penalty":
          presencePenalty = value;
          break;
        case "gen_ai.request.choice.count":
          choiceCount = value;
          break;
        case "gen_ai.output.type":
          outputType = value;
          break;
        case "gen_ai.request.encoding_formats":
          encodingFormats = value;
          break;
        case "gen_ai.embeddings.dimension.count":
          dimensionCount = value;
          break;
        case "gen_ai.request.stream":
          stream = value;
          break;
        case "openai.request.service_tier":
          // Sent as an extra parameter; the conventions give it an OpenAI key on the span.
          if (extra == null) {
            extra = new java.util.TreeMap<>();
          }
          extra.put("service_tier", value);
          break;
        default:
          if (name.startsWith(GenAiKeys.METADATA_PREFIX)) {
            if (metadata == null) {
              // Sorted by key: a live span keeps insertion order, a span read back keeps the
              // exporter's order; sorting makes both give the same interaction.
              metadata = new java.util.TreeMap<>();
            }
            metadata.put(suffix(name, GenAiKeys.METADATA_PREFIX.length()), plain(key, value));
          } else if (name.startsWith(GenAiKeys.EXTRA_PARAM_PREFIX)) {
            if (extra == null) {
              extra = new java.util.TreeMap<>();
            }
            extra.put(suffix(name, GenAiKeys.EXTRA_PARAM_PREFIX.length()), plain(key, value));
          }
      }
    }

    Map<String, Object> parameters() {
      Map<String, Object> p = new LinkedHashMap<>();
      putIfSet(p, "temperature", temperature);
      putIfSet(p, "max_tokens", maxTokens);
      putIfSet(p, "top_p", topP);
      putIfSet(p, "top_k", topK);
      putIfSet(p, "seed", seed);
      putIfSet(p, "stop", stop);
      putIfSet(p, "frequency_penalty", frequencyPenalty);
      putIfSet(p, "presence_penalty", presencePenalty);
      putIfSet(p, "n", choiceCount);
      putIfSet(p, "output_type", outputType);
      putIfSet(p, "stream", stream);
      putIfSet(p, "encoding_formats", encodingFormats);
      putIfSet(p, "embedding_dimensions", dimensionCount);
      if (extra != null) {
        p.putAll(extra);
      }
      return p;
    }
  }

  private static String string(Object value) {
    return value instanceof String s ? s : value == null ? null : String.valueOf(value);
  }

  private static Long longOrNull(Object value) {
    return value instanceof Long l ? l : null;
  }

  /** A content attribute as a JSON-like tree, from its structured or its JSON-string form. */
  static Object content(Object value) {
    if (value instanceof Value<?> v) {
      if (v.getType() == io.opentelemetry.api.common.ValueType.STRING) {
        return parseOrNull((String) v.getValue());
      }
      return JsonTree.fromValue(v);
    }
    return value instanceof String json ? parseOrNull(json) : null;
  }

  private static Interaction.Response response(Fields f, boolean failed) {
    Object outputTree = f.output;
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
    List<?> reasons = f.finishReasons;
    String finishReason;
    // The output message says it in the conventions' terms; the span attribute as the provider did.
    String fromContent = ContentCodec.decodeFinishReason(outputTree);
    if (fromContent != null) {
      finishReason = shared(fromContent);
    } else if (reasons != null && !reasons.isEmpty()) {
      finishReason =
          shared(FinishReasons.normalize(String.valueOf(reasons.get(0)), !toolCalls.isEmpty()));
    } else {
      finishReason = failed ? "error" : "";
    }
    Long in = f.inputTokens;
    Long out = f.outputTokens;
    Optional<Usage> usage = Optional.empty();
    if (in != null || out != null) {
      usage =
          Optional.of(
              new Usage(
                  nonNegative(in),
                  nonNegative(out),
                  nonNegative(f.cacheRead),
                  nonNegative(f.cacheCreation),
                  nonNegative(f.reasoning)));
    }
    return new Interaction.Response(
        content,
        toolCalls,
        finishReason,
        usage,
        orEmpty(f.responseModel),
        orEmpty(f.responseId),
        other,
        f.timeToFirstChunk == null
            ? java.util.OptionalDouble.empty()
            : java.util.OptionalDouble.of(f.timeToFirstChunk));
  }

  private static Optional<TraceError> error(SpanData span, Fields f) {
    String type = f.errorType;
    boolean errorStatus = span.getStatus().getStatusCode() == StatusCode.ERROR;
    if (type == null && !errorStatus) {
      return Optional.empty();
    }
    String message = f.errorMessage;
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
    return Optional.of(
        new TraceError(type == null ? "_OTHER" : type, message == null ? "" : message));
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

  // Providers, models and finish reasons repeat across kept interactions but arrive as new strings
  // (parsed from each answer): keep one instance of each, bounded. Measured with RetainedMemory
  // (10,000 kept interactions, 2 KB prompt + 2 KB answer): 576 B of overhead per interaction with
  // this cache, the metadata-key cache below and Interaction.Server.of; 712 B without the three.
  private static final Map<String, String> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

  private static String shared(String s) {
    if (s == null || s.length() > 128) {
      return s;
    }
    String known = SHARED.get(s);
    if (known != null) {
      return known;
    }
    if (SHARED.size() < MAX_CACHED_KEYS) {
      known = SHARED.putIfAbsent(s, s);
      return known != null ? known : s;
    }
    return s;
  }

  // Every kept interaction repeats the same few metadata keys: share one string per key (see the
  // measurement above).
  private static final int MAX_CACHED_KEYS = 4096;
  private static final Map<String, String> SUFFIXES =
      new java.util.concurrent.ConcurrentHashMap<>();

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
