package dev.otelllm.trace;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.CompactMap;
import dev.otelllm.internal.GenAiKeys;
import dev.otelllm.internal.HexIds;
import dev.otelllm.internal.SpanMapper;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
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
 * span was recorded without content. Ids are read back as lowercase hex.
 */
public final class LlmTrace {

  // Ids as longs, not hex strings: about a hundred bytes less per kept interaction.
  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanIdBits;
  private final long parentSpanIdBits;
  private final boolean hasParent;
  private final long startEpochNanos;
  private final long durationNanos;
  private final String operation;
  private final String provider;
  private final String model;
  private final Server server;
  private final String systemPrompt;
  private final List<Message> messages;
  private final Map<String, Object> parameters;
  private final List<ToolDefinition> tools;
  private final Response response;
  private final Map<String, Object> metadata;
  private final String sessionId;
  private final Optional<TraceError> error;
  private final String contentCapture;
  private final boolean contentTruncated;

  /**
   * One interaction.
   *
   * @throws IllegalArgumentException when an id is not hex of the right length, or the duration is
   *     negative
   */
  public LlmTrace(
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
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(parentSpanId, "parentSpanId");
    // Parsing checks each digit; only the lengths need checking here.
    if (traceId.length() != 32) {
      throw new IllegalArgumentException("traceId must be 32 hex digits, was '" + traceId + "'");
    }
    if (spanId.length() != 16) {
      throw new IllegalArgumentException("spanId must be 16 hex digits, was '" + spanId + "'");
    }
    if (!parentSpanId.isEmpty() && parentSpanId.length() != 16) {
      throw new IllegalArgumentException(
          "parentSpanId must be empty or 16 hex digits, was '" + parentSpanId + "'");
    }
    if (durationNanos < 0) {
      throw new IllegalArgumentException("durationNanos must be >= 0, was " + durationNanos);
    }
    this.traceIdHigh = HexIds.parse(traceId, 0, "traceId must be 32 hex digits");
    this.traceIdLow = HexIds.parse(traceId, 16, "traceId must be 32 hex digits");
    this.spanIdBits = HexIds.parse(spanId, 0, "spanId must be 16 hex digits");
    this.hasParent = !parentSpanId.isEmpty();
    this.parentSpanIdBits =
        hasParent
            ? HexIds.parse(parentSpanId, 0, "parentSpanId must be empty or 16 hex digits")
            : 0;
    this.startEpochNanos = startEpochNanos;
    this.durationNanos = durationNanos;
    this.operation = Objects.requireNonNull(operation, "operation");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.model = Objects.requireNonNull(model, "model");
    this.server = Objects.requireNonNull(server, "server");
    this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
    this.messages = List.copyOf(messages);
    this.parameters = CompactMap.copyOf(parameters);
    this.tools = List.copyOf(tools);
    this.response = Objects.requireNonNull(response, "response");
    this.metadata = CompactMap.copyOf(metadata);
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.error = Objects.requireNonNull(error, "error");
    this.contentCapture = Objects.requireNonNull(contentCapture, "contentCapture");
    this.contentTruncated = contentTruncated;
  }

  /**
   * This interaction without its content (system prompt, messages, tool definitions, answer text,
   * tool-call arguments and other answer parts), marked as truncated: what the buffer keeps of an
   * interaction larger than its byte bound on its own. Ids, timing, usage, parameters, metadata and
   * error stay.
   */
  LlmTrace withoutContent() {
    List<Part.ToolCall> calls = new ArrayList<>(response.toolCalls().size());
    for (Part.ToolCall c : response.toolCalls()) {
      calls.add(new Part.ToolCall(c.id(), c.name(), Map.of()));
    }
    Response stripped =
        new Response(
            "",
            calls,
            response.finishReason(),
            response.usage(),
            response.model(),
            response.id(),
            List.of(),
            response.timeToFirstChunkSeconds());
    return new LlmTrace(
        traceId(),
        spanId(),
        parentSpanId(),
        startEpochNanos,
        durationNanos,
        operation,
        provider,
        model,
        server,
        "",
        List.of(),
        parameters,
        List.of(),
        stripped,
        metadata,
        sessionId,
        error,
        contentCapture,
        true);
  }

  /** OpenTelemetry trace id, 32 lowercase hex digits; opens the interaction in Jaeger or Tempo. */
  public String traceId() {
    return HexIds.format(traceIdHigh, traceIdLow);
  }

  /** Span id of this interaction, 16 lowercase hex digits. */
  public String spanId() {
    return HexIds.format(spanIdBits);
  }

  /** The parent's span id (a workflow, an agent step), or {@code ""}. */
  public String parentSpanId() {
    return hasParent ? HexIds.format(parentSpanIdBits) : "";
  }

  // The ids as numbers, for the buffer's indexes and queries without a string per lookup.
  long traceIdHigh() {
    return traceIdHigh;
  }

  long traceIdLow() {
    return traceIdLow;
  }

  long spanIdBits() {
    return spanIdBits;
  }

  /** When the call started, in nanoseconds since the epoch. */
  public long startEpochNanos() {
    return startEpochNanos;
  }

  /** How long it took, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** {@code gen_ai.operation.name}, e.g. {@code chat}. */
  public String operation() {
    return operation;
  }

  /** {@code gen_ai.provider.name}. */
  public String provider() {
    return provider;
  }

  /** The requested model. */
  public String model() {
    return model;
  }

  /** The server the call went to, or {@link Server#NONE}. */
  public Server server() {
    return server;
  }

  /** The system instructions' text, or {@code ""}. */
  public String systemPrompt() {
    return systemPrompt;
  }

  /** The conversation sent, oldest first. */
  public List<Message> messages() {
    return messages;
  }

  /** The generation parameters that were set, with the reference's keys. */
  public Map<String, Object> parameters() {
    return parameters;
  }

  /** The tool definitions offered, when content was captured. */
  public List<ToolDefinition> tools() {
    return tools;
  }

  /** What came back. */
  public Response response() {
    return response;
  }

  /** The per-call trace metadata (step_type, attempt_number, ...), typed. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** {@code session.id}, or {@code ""}. */
  public String sessionId() {
    return sessionId;
  }

  /** Why it failed, when it did. */
  public Optional<TraceError> error() {
    return error;
  }

  /** How content was captured: none, metadata, full or truncated. */
  public String contentCapture() {
    return contentCapture;
  }

  /** True when content was cut to a byte budget. */
  public boolean contentTruncated() {
    return contentTruncated;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmTrace t
        && traceIdHigh == t.traceIdHigh
        && traceIdLow == t.traceIdLow
        && spanIdBits == t.spanIdBits
        && hasParent == t.hasParent
        && parentSpanIdBits == t.parentSpanIdBits
        && startEpochNanos == t.startEpochNanos
        && durationNanos == t.durationNanos
        && contentTruncated == t.contentTruncated
        && operation.equals(t.operation)
        && provider.equals(t.provider)
        && model.equals(t.model)
        && server.equals(t.server)
        && systemPrompt.equals(t.systemPrompt)
        && messages.equals(t.messages)
        && parameters.equals(t.parameters)
        && tools.equals(t.tools)
        && response.equals(t.response)
        && metadata.equals(t.metadata)
        && sessionId.equals(t.sessionId)
        && error.equals(t.error)
        && contentCapture.equals(t.contentCapture);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        traceIdHigh,
        traceIdLow,
        spanIdBits,
        parentSpanIdBits,
        startEpochNanos,
        durationNanos,
        provider,
        model,
        systemPrompt,
        messages,
        response,
        metadata,
        sessionId);
  }

  @Override
  public String toString() {
    return "LlmTrace{traceId="
        + traceId()
        + ", spanId="
        + spanId()
        + ", parentSpanId="
        + parentSpanId()
        + ", timestamp="
        + isoTimestamp()
        + ", durationNanos="
        + durationNanos
        + ", operation="
        + operation
        + ", provider="
        + provider
        + ", model="
        + model
        + ", server="
        + server
        + ", sessionId="
        + sessionId
        + ", metadata="
        + metadata
        + ", parameters="
        + parameters
        + ", error="
        + error
        + ", contentCapture="
        + contentCapture
        + ", contentTruncated="
        + contentTruncated
        + ", systemPrompt="
        + systemPrompt
        + ", messages="
        + messages
        + ", tools="
        + tools
        + ", response="
        + response
        + "}";
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
   * What the model answered. Immutable; token counts are kept inline rather than as a {@link Usage}
   * object, because every kept interaction carries one.
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
    public Response(
        String content,
        List<Part.ToolCall> toolCalls,
        String finishReason,
        Optional<Usage> usage,
        String model,
        String id,
        List<Part> otherParts) {
      this(content, toolCalls, finishReason, usage, model, id, otherParts, OptionalDouble.empty());
    }

    /**
     * As above, with the time to the first chunk of a streamed answer.
     *
     * @param timeToFirstChunkSeconds {@code gen_ai.response.time_to_first_chunk}, when streamed
     */
    public Response(
        String content,
        List<Part.ToolCall> toolCalls,
        String finishReason,
        Optional<Usage> usage,
        String model,
        String id,
        List<Part> otherParts,
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
      this.timeToFirstChunkSeconds =
          Objects.requireNonNull(timeToFirstChunkSeconds, "timeToFirstChunkSeconds")
              .orElse(Double.NaN);
    }

    /**
     * Seconds from the request to the first chunk of a streamed answer; empty when not streamed.
     */
    public OptionalDouble timeToFirstChunkSeconds() {
      return Double.isNaN(timeToFirstChunkSeconds)
          ? OptionalDouble.empty()
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
      return Optional.of(
          new Usage(
              inputTokens,
              outputTokens,
              cacheReadInputTokens,
              cacheCreationInputTokens,
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
      return o instanceof Response r
          && content.equals(r.content)
          && toolCalls.equals(r.toolCalls)
          && finishReason.equals(r.finishReason)
          && model.equals(r.model)
          && id.equals(r.id)
          && otherParts.equals(r.otherParts)
          && usage().equals(r.usage())
          && Double.compare(timeToFirstChunkSeconds, r.timeToFirstChunkSeconds) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          content, toolCalls, finishReason, model, id, otherParts, inputTokens, outputTokens);
    }

    @Override
    public String toString() {
      return "Response{finishReason="
          + finishReason
          + ", model="
          + model
          + ", id="
          + id
          + ", usage="
          + usage()
          + ", toolCalls="
          + toolCalls
          + ", content="
          + content
          + "}";
    }
  }

  /**
   * The interaction recorded in an ended span, or empty when the span is not a GenAI inference span
   * (chat, text_completion, generate_content). Never throws for odd attribute values: what cannot
   * be read is left empty.
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

  /**
   * The start time as ISO-8601 in UTC with microseconds, e.g. {@code 2025-11-08T12:34:56.789012Z}.
   */
  public String isoTimestamp() {
    return dev.otelllm.internal.Timestamps.iso(timestamp());
  }

  /**
   * The messages sent before the prompt: {@link #messages()} without its last message when that is
   * the user message {@link #prompt()} reads. The reference's {@code messages}.
   */
  public List<Message> history() {
    int n = messages.size();
    if (n > 0 && Message.USER.equals(messages.get(n - 1).role())) {
      return messages.subList(0, n - 1);
    }
    return messages;
  }

  /**
   * The interaction as a plain map with the reference's keys, in this order: {@code trace_id,
   * timestamp, provider, model, system_prompt, prompt, messages, tools, parameters,
   * response{content, raw_response, tool_calls, finish_reason, usage{prompt_tokens,
   * completion_tokens, total_tokens}, generation_time_ms}, metadata}.
   *
   * <ul>
   *   <li>{@code messages} is {@link #history()}: what was sent before the prompt;
   *   <li>{@code tools} the tool definitions sent ({@code name, description, parameters}), null
   *       when none were;
   *   <li>{@code parameters} always has {@code temperature}, {@code max_tokens} and {@code
   *       max_output_tokens} (null when not set; both token keys carry the request's output limit,
   *       {@code gen_ai.request.max_tokens}), then every other parameter that was sent;
   *   <li>{@code raw_response} is null: the library records the parsed answer, not the provider's
   *       body;
   *   <li>{@code usage} is null when the provider reported none (not zeros);
   *   <li>{@code metadata} holds {@code session_id} (when in a session), {@code span_id}, {@code
   *       parent_span_id} (when nested), the call's own metadata, and {@code error_type} / {@code
   *       error_message} for a failed call (a call's own metadata cannot use these keys).
   * </ul>
   *
   * <p>The maps of the form itself are mutable copies; values nested in metadata and parameters are
   * immutable. Changing it changes nothing recorded.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("trace_id", traceId());
    map.put("timestamp", isoTimestamp());
    map.put("provider", provider);
    map.put("model", model);
    map.put("system_prompt", systemPrompt);
    map.put("prompt", prompt());
    List<Message> sentBefore = history();
    List<Object> msgs = new ArrayList<>(sentBefore.size());
    for (Message m : sentBefore) {
      msgs.add(messageMap(m));
    }
    map.put("messages", msgs);
    if (tools.isEmpty()) {
      map.put("tools", null);
    } else {
      List<Object> defs = new ArrayList<>(tools.size());
      for (ToolDefinition d : tools) {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("name", d.name());
        def.put("description", d.description());
        def.put("parameters", d.parameters());
        defs.add(def);
      }
      map.put("tools", defs);
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("temperature", parameters.get("temperature"));
    params.put("max_tokens", parameters.get("max_tokens"));
    params.put("max_output_tokens", parameters.get("max_tokens"));
    parameters.forEach(params::putIfAbsent);
    map.put("parameters", params);

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
    resp.put("generation_time_ms", generationTimeMs());
    map.put("response", resp);

    Map<String, Object> meta = new LinkedHashMap<>();
    if (!sessionId.isEmpty()) {
      meta.put("session_id", sessionId);
    }
    meta.put("span_id", spanId());
    if (hasParent) {
      meta.put("parent_span_id", parentSpanId());
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
