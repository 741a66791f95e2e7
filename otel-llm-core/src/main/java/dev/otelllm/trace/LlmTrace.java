package dev.otelllm.trace;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.CompactMap;
import dev.otelllm.internal.GenAiKeys;
import dev.otelllm.internal.SpanMapper;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One recorded LLM interaction: an immutable view of its GenAI span.
 *
 * <p>Every field is derived from the span by {@link #fromSpan(SpanData)}, the single mapping used
 * by the in-memory buffer and by everything that reads spans back, so what the program reads, what
 * a collector receives and what an export shows cannot disagree. Content fields are empty when the
 * span was recorded without content.
 *
 * @param traceId OpenTelemetry trace id (32 hex); opens the interaction in Jaeger or Tempo
 * @param spanId span id (16 hex) of this interaction
 * @param parentSpanId the parent's span id (a workflow, an agent step), or {@code ""}
 * @param startEpochNanos when the call started, in nanoseconds since the epoch
 * @param durationNanos how long it took, in nanoseconds
 * @param operation {@code gen_ai.operation.name}, e.g. {@code chat}
 * @param provider {@code gen_ai.provider.name}
 * @param model the requested model
 * @param systemPrompt the system instructions' text, or {@code ""}
 * @param messages the conversation sent, oldest first
 * @param parameters the generation parameters that were set, with the reference's keys
 * @param tools the tool definitions offered, when content was captured
 * @param response what came back
 * @param metadata the per-call trace metadata (step_type, attempt_number, ...), typed
 * @param sessionId {@code session.id}, or {@code ""}
 * @param error why it failed, when it did
 * @param contentCapture how content was captured: none, metadata, full or truncated
 * @param contentTruncated true when content was cut to a byte budget
 */
public record LlmTrace(
    String traceId,
    String spanId,
    String parentSpanId,
    long startEpochNanos,
    long durationNanos,
    String operation,
    String provider,
    String model,
    Server server,
    String systemPrompt,
    List<Message> messages,
    Map<String, Object> parameters,
    List<ToolDefinition> tools,
    Response response,
    Map<String, Object> metadata,
    String sessionId,
    Optional<TraceError> error,
    String contentCapture,
    boolean contentTruncated) {

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

  public LlmTrace {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(parentSpanId, "parentSpanId");
    if (durationNanos < 0) {
      throw new IllegalArgumentException("durationNanos must be >= 0, was " + durationNanos);
    }
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(systemPrompt, "systemPrompt");
    messages = List.copyOf(messages);
    parameters = CompactMap.copyOf(parameters);
    tools = List.copyOf(tools);
    Objects.requireNonNull(response, "response");
    metadata = CompactMap.copyOf(metadata);
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(contentCapture, "contentCapture");
  }

  /**
   * The server the call went to.
   *
   * @param address host, or {@code ""} for an in-process model
   * @param port port, or -1
   */
  public record Server(String address, long port) {
    public static final Server NONE = new Server("", -1);

    public Server {
      Objects.requireNonNull(address, "address");
    }

    // Interactions of one client share a server: reuse the last instance instead of one each.
    private static volatile Server last = NONE;

    /** A server equal to {@code new Server(address, port)}, shared when it repeats. */
    public static Server of(String address, long port) {
      Server l = last;
      if (l.port == port && l.address.equals(address)) {
        return l;
      }
      Server s = new Server(address, port);
      last = s;
      return s;
    }
  }

  /**
   * What the model answered. Immutable; token counts are kept inline rather than as a {@link
   * Usage} object, because every kept interaction carries one.
   */
  public static final class Response {
    private static final long NO_USAGE = -1;

    private final String content;
    private final List<Part.ToolCall> toolCalls;
    private final String finishReason;
    private final String model;
    private final String id;
    private final List<Part> otherParts;
    private final long inputTokens;
    private final long outputTokens;
    private final long cacheReadInputTokens;
    private final long cacheCreationInputTokens;
    private final long reasoningOutputTokens;
    private final double timeToFirstChunkSeconds;

    /**
     * @param content the answer's text, or {@code ""}
     * @param toolCalls the tool calls it asked for
     * @param finishReason why it stopped; {@code error} when the call failed; {@code ""} if unknown
     * @param usage token counts, when reported
     * @param model the model that answered, or {@code ""}
     * @param id the provider's response id, or {@code ""}
     * @param otherParts reasoning and other non-text, non-tool-call parts
     */
    public Response(String content, List<Part.ToolCall> toolCalls, String finishReason,
        Optional<Usage> usage, String model, String id, List<Part> otherParts) {
      this(content, toolCalls, finishReason, usage, model, id, otherParts, OptionalDouble.empty());
    }

    /**
     * As above, with the time to the first chunk of a streamed answer.
     *
     * @param timeToFirstChunkSeconds {@code gen_ai.response.time_to_first_chunk}, when streamed
     */
    public Response(String content, List<Part.ToolCall> toolCalls, String finishReason,
        Optional<Usage> usage, String model, String id, List<Part> otherParts,
        OptionalDouble timeToFirstChunkSeconds) {
      this.content = Objects.requireNonNull(content, "content");
      this.toolCalls = List.copyOf(toolCalls);
      this.finishReason = Objects.requireNonNull(finishReason, "finishReason");
      this.model = Objects.requireNonNull(model, "model");
      this.id = Objects.requireNonNull(id, "id");
      this.otherParts = List.copyOf(otherParts);
      Usage u = Objects.requireNonNull(usage, "usage").orElse(null);
      this.inputTokens = u == null ? NO_USAGE : u.inputTokens();
      this.outputTokens = u == null ? 0 : u.outputTokens();
      this.cacheReadInputTokens = u == null ? 0 : u.cacheReadInputTokens();
      this.cacheCreationInputTokens = u == null ? 0 : u.cacheCreationInputTokens();
      this.reasoningOutputTokens = u == null ? 0 : u.reasoningOutputTokens();
      this.timeToFirstChunkSeconds = Objects.requireNonNull(timeToFirstChunkSeconds, "timeToFirstChunkSeconds")
          .orElse(Double.NaN);
    }

    /** Seconds from the request to the first chunk of a streamed answer; empty when not streamed. */
    public OptionalDouble timeToFirstChunkSeconds() {
      return Double.isNaN(timeToFirstChunkSeconds) ? OptionalDouble.empty()
          : OptionalDouble.of(timeToFirstChunkSeconds);
    }

    public String content() {
      return content;
    }

    public List<Part.ToolCall> toolCalls() {
      return toolCalls;
    }

    public String finishReason() {
      return finishReason;
    }

    /** Token counts, when the provider reported them. */
    public Optional<Usage> usage() {
      if (inputTokens == NO_USAGE) {
        return Optional.empty();
      }
      return Optional.of(new Usage(inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens,
          reasoningOutputTokens));
    }

    public String model() {
      return model;
    }

    public String id() {
      return id;
    }

    public List<Part> otherParts() {
      return otherParts;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response r && content.equals(r.content) && toolCalls.equals(r.toolCalls)
          && finishReason.equals(r.finishReason) && model.equals(r.model) && id.equals(r.id)
          && otherParts.equals(r.otherParts) && usage().equals(r.usage())
          && Double.compare(timeToFirstChunkSeconds, r.timeToFirstChunkSeconds) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(content, toolCalls, finishReason, model, id, otherParts, inputTokens, outputTokens);
    }

    @Override
    public String toString() {
      return "Response{finishReason=" + finishReason + ", model=" + model + ", id=" + id + ", usage=" + usage()
          + ", toolCalls=" + toolCalls + ", content=" + content + "}";
    }
  }

  /**
   * The interaction recorded in an ended span, or empty when the span is not a GenAI inference
   * span (chat, text_completion, generate_content). Never throws for odd attribute values: what
   * cannot be read is left empty.
   */
  public static Optional<LlmTrace> fromSpan(SpanData span) {
    return SpanMapper.toTrace(span);
  }

  /** When the call started. */
  public Instant timestamp() {
    return Instant.ofEpochSecond(0, startEpochNanos);
  }

  /** How long the call took. */
  public Duration duration() {
    return Duration.ofNanos(durationNanos);
  }

  /** The text of the last user message. */
  public String prompt() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (Message.USER.equals(messages.get(i).role())) {
        return messages.get(i).text();
      }
    }
    return "";
  }

  /** Wall time of the call in milliseconds. */
  public double generationTimeMs() {
    return durationNanos / 1_000_000.0;
  }

  /** True when the call failed. */
  public boolean failed() {
    return error.isPresent();
  }

  /** The start time as ISO-8601 in UTC with microseconds, e.g. {@code 2025-11-08T12:34:56.789012Z}. */
  public String isoTimestamp() {
    return ISO.format(timestamp());
  }

  /**
   * The interaction as a plain map with the reference's keys, in this order: {@code trace_id,
   * timestamp, provider, model, system_prompt, prompt, messages, parameters, response{content,
   * tool_calls, finish_reason, usage{prompt_tokens, completion_tokens, total_tokens},
   * generation_time_ms}, metadata}. {@code metadata} holds {@code session_id} (when in a session),
   * {@code span_id}, {@code parent_span_id} (when nested), the call's own metadata, and {@code
   * error_type} / {@code error_message} for a failed call (a call's own metadata cannot use these
   * keys). The maps of the form itself are mutable copies; values nested in metadata and parameters
   * are immutable. Changing it changes nothing recorded.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("trace_id", traceId);
    map.put("timestamp", isoTimestamp());
    map.put("provider", provider);
    map.put("model", model);
    map.put("system_prompt", systemPrompt);
    map.put("prompt", prompt());
    List<Object> msgs = new ArrayList<>(messages.size());
    for (Message m : messages) {
      msgs.add(messageMap(m));
    }
    map.put("messages", msgs);
    map.put("parameters", new LinkedHashMap<>(parameters));

    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("content", response.content());
    resp.put("tool_calls", toolCallMaps(response.toolCalls()));
    resp.put("finish_reason", response.finishReason());
    Map<String, Object> usage = new LinkedHashMap<>();
    Usage u = response.usage().orElse(null);
    usage.put("prompt_tokens", u == null ? 0L : u.inputTokens());
    usage.put("completion_tokens", u == null ? 0L : u.outputTokens());
    usage.put("total_tokens", u == null ? 0L : u.totalTokens());
    resp.put("usage", usage);
    resp.put("generation_time_ms", generationTimeMs());
    map.put("response", resp);

    Map<String, Object> meta = new LinkedHashMap<>();
    if (!sessionId.isEmpty()) {
      meta.put("session_id", sessionId);
    }
    meta.put("span_id", spanId);
    if (!parentSpanId.isEmpty()) {
      meta.put("parent_span_id", parentSpanId);
    }
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      if (!GenAiKeys.RESERVED_METADATA_KEYS.contains(e.getKey())) {
        meta.put(e.getKey(), e.getValue());
      }
    }
    error.ifPresent(
        e -> {
          meta.put("error_type", e.type());
          meta.put("error_message", e.message());
        });
    map.put("metadata", meta);
    return map;
  }

  /** {@link #toMap()} as compact JSON, keys in the same order. */
  public String toJson() {
    return dev.otelllm.internal.JsonTree.toJson(toMap());
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
   * text when structured). Shared with the streaming JSON writer so both forms agree.
   */
  public static String messageContent(Message m) {
    String content = m.text();
    for (Part p : m.parts()) {
      if (p instanceof Part.ToolCallResponse r) {
        content = r.response() instanceof String s ? s : dev.otelllm.internal.JsonTree.toJson(r.response());
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
