package dev.otelllm.trace;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.CompactMap;
import dev.otelllm.internal.HexIds;
import dev.otelllm.internal.InteractionMaps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * One recorded LLM interaction: an immutable view of its GenAI span.
 *
 * <p>Every field is derived from the span by one mapping (internal), used by the in-memory buffer
 * and by everything that reads spans back, so what the program reads, what a collector receives and
 * what an export shows cannot disagree. Content fields are empty when the span was recorded without
 * content. Ids are read back as lowercase hex.
 */
public final class Interaction {

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

  private Interaction(Builder b) {
    String traceId = require(b.traceId, "traceId");
    String spanId = require(b.spanId, "spanId");
    String parentSpanId = b.parentSpanId;
    long durationNanos = b.durationNanos;
    long startEpochNanos = b.startEpochNanos;
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
    this.operation = b.operation;
    this.provider = b.provider;
    this.model = b.model;
    this.server = b.server;
    this.systemPrompt = b.systemPrompt;
    this.messages = List.copyOf(b.messages);
    this.parameters = CompactMap.copyOf(b.parameters);
    this.tools = List.copyOf(b.tools);
    this.response = b.response;
    this.metadata = CompactMap.copyOf(b.metadata);
    this.sessionId = b.sessionId;
    this.error = b.error;
    this.contentCapture = b.contentCapture;
    this.contentTruncated = b.contentTruncated;
  }

  private static String require(@Nullable String value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " is required: set it on the builder");
    }
    return value;
  }

  /** A builder; the trace id and span id are required, everything else defaults to empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this interaction. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.traceId = traceId();
    b.spanId = spanId();
    b.parentSpanId = parentSpanId();
    b.startEpochNanos = startEpochNanos;
    b.durationNanos = durationNanos;
    b.operation = operation;
    b.provider = provider;
    b.model = model;
    b.server = server;
    b.systemPrompt = systemPrompt;
    b.messages = messages;
    b.parameters = parameters;
    b.tools = tools;
    b.response = response;
    b.metadata = metadata;
    b.sessionId = sessionId;
    b.error = error;
    b.contentCapture = contentCapture;
    b.contentTruncated = contentTruncated;
    return b;
  }

  /**
   * This interaction without its content (system prompt, messages, tool definitions, answer text,
   * tool-call arguments and other answer parts), marked as truncated: what the buffer keeps of an
   * interaction larger than its byte bound on its own. Ids, timing, usage, parameters, metadata and
   * error stay.
   */
  Interaction withoutContent() {
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
    return toBuilder()
        .systemPrompt("")
        .messages(List.of())
        .tools(List.of())
        .response(stripped)
        .contentTruncated(true)
        .build();
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
    return o instanceof Interaction t
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
    return "Interaction{traceId="
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

    // Interactions of one client share a server: reuse the last instance instead of one each
    // (part of the 136 B per kept interaction that SpanMapper's caches save, measured there).
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

    /** No answer: no text, no tool calls, no finish reason, no usage. */
    public static final Response EMPTY =
        new Response("", List.of(), "", Optional.empty(), "", "", List.of());

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
   * The interaction as a plain map with the reference's keys, in the reference's order: {@code
   * trace_id, timestamp, provider, model, system_prompt, prompt, messages, tools, parameters,
   * response{content, raw_response, tool_calls, finish_reason, usage{prompt_tokens,
   * completion_tokens, total_tokens}, generation_time_ms}, metadata}.
   *
   * <ul>
   *   <li>{@code trace_id} identifies this one interaction, as in the reference: it is the span id.
   *       The OpenTelemetry trace id, which every call of one workflow shares and which opens the
   *       trace in Jaeger or Tempo, is {@code metadata.otel_trace_id};
   *   <li>{@code messages} is {@link #history()}: what was sent before the prompt;
   *   <li>{@code tools} the tool definitions sent ({@code name, description, parameters}), null
   *       when none were;
   *   <li>{@code parameters} always has {@code temperature}, {@code max_tokens} and {@code
   *       max_output_tokens} (null when not set; both token keys carry the request's output limit,
   *       {@code gen_ai.request.max_tokens}), then every other parameter that was sent;
   *   <li>{@code raw_response} is null: the library records the parsed answer, not the provider's
   *       body;
   *   <li>{@code usage} is null when the provider reported none (not zeros);
   *   <li>{@code metadata} holds {@code session_id} (when in a session), {@code otel_trace_id},
   *       {@code parent_span_id} (when nested), the call's own metadata, and {@code error_type} /
   *       {@code error_message} for a failed call (a call's own metadata cannot use these keys).
   * </ul>
   *
   * <p>The maps of the form itself are mutable copies; values nested in metadata and parameters are
   * immutable. Changing it changes nothing recorded. JSONL and JSON exports write this form.
   */
  public Map<String, Object> toMap() {
    return InteractionMaps.toMap(this);
  }

  /** {@link #toMap()} as compact JSON, keys in the same order. */
  public String toJson() {
    return dev.otelllm.internal.JsonTree.toJson(toMap());
  }

  /** Builds an {@link Interaction}; mostly for tests and for readers of spans kept elsewhere. */
  public static final class Builder {
    private @Nullable String traceId;
    private @Nullable String spanId;
    private String parentSpanId = "";
    private long startEpochNanos;
    private long durationNanos;
    private String operation = "chat";
    private String provider = "";
    private String model = "";
    private Server server = Server.NONE;
    private String systemPrompt = "";
    private List<Message> messages = List.of();
    private Map<String, Object> parameters = Map.of();
    private List<ToolDefinition> tools = List.of();
    private Response response = Response.EMPTY;
    private Map<String, Object> metadata = Map.of();
    private String sessionId = "";
    private Optional<TraceError> error = Optional.empty();
    private String contentCapture = "full";
    private boolean contentTruncated;

    private Builder() {}

    /** The OpenTelemetry trace id, 32 hex digits (required). */
    public Builder traceId(String traceId) {
      this.traceId = Objects.requireNonNull(traceId, "traceId");
      return this;
    }

    /** The span id, 16 hex digits (required): the interaction's own id. */
    public Builder spanId(String spanId) {
      this.spanId = Objects.requireNonNull(spanId, "spanId");
      return this;
    }

    /** The parent's span id, 16 hex digits, or {@code ""} (the default) for a root. */
    public Builder parentSpanId(String parentSpanId) {
      this.parentSpanId = Objects.requireNonNull(parentSpanId, "parentSpanId");
      return this;
    }

    public Builder startEpochNanos(long startEpochNanos) {
      this.startEpochNanos = startEpochNanos;
      return this;
    }

    /** How long the call took; must not be negative. */
    public Builder durationNanos(long durationNanos) {
      this.durationNanos = durationNanos;
      return this;
    }

    /** {@code gen_ai.operation.name}; {@code chat} by default. */
    public Builder operation(String operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
      return this;
    }

    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder server(Server server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
      return this;
    }

    public Builder messages(List<Message> messages) {
      this.messages = Objects.requireNonNull(messages, "messages");
      return this;
    }

    public Builder parameters(Map<String, Object> parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    public Builder tools(List<ToolDefinition> tools) {
      this.tools = Objects.requireNonNull(tools, "tools");
      return this;
    }

    public Builder response(Response response) {
      this.response = Objects.requireNonNull(response, "response");
      return this;
    }

    public Builder metadata(Map<String, Object> metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    public Builder sessionId(String sessionId) {
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
      return this;
    }

    /** Why the call failed; empty (the default) when it did not. */
    public Builder error(Optional<TraceError> error) {
      this.error = Objects.requireNonNull(error, "error");
      return this;
    }

    /** How content was captured: none, metadata, full (the default) or truncated. */
    public Builder contentCapture(String contentCapture) {
      this.contentCapture = Objects.requireNonNull(contentCapture, "contentCapture");
      return this;
    }

    public Builder contentTruncated(boolean contentTruncated) {
      this.contentTruncated = contentTruncated;
      return this;
    }

    /**
     * The interaction.
     *
     * @throws IllegalStateException when the trace id or span id was not set
     * @throws IllegalArgumentException when an id is not hex of the right length, or the duration
     *     is negative
     */
    public Interaction build() {
      return new Interaction(this);
    }
  }
}
