package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The answer to one request. Immutable. Providers build it with {@link #builder()}; when tracing is
 * on, the client hands back a copy that also carries the trace id and span id of the interaction,
 * so the caller can look the interaction up in process or open it in Jaeger/Tempo.
 */
public final class LlmResponse {

  // namespace.name, lowercase, as the semantic conventions spell attribute names.
  private static final Pattern ATTRIBUTE_NAME =
      Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  // Namespaces whose attributes the tracing itself writes: a provider must not overwrite them.
  private static final Set<String> TRACING_NAMESPACES =
      Set.of("gen_ai", "otel_llm", "server", "error", "session");

  private final String content;
  private final List<Part> extraParts;
  private final List<Part.ToolCall> toolCalls;
  private final String finishReason;
  private final String rawFinishReason;
  private final Usage usage;
  private final String model;
  private final String responseId;
  private final Map<String, Object> providerAttributes;
  private final String traceId;
  private final String spanId;

  private LlmResponse(Builder b) {
    this.content = b.content;
    this.extraParts = List.copyOf(b.extraParts);
    this.toolCalls = List.copyOf(b.toolCalls);
    this.rawFinishReason = b.finishReason;
    this.finishReason =
        b.finishReason == null
            ? null
            : dev.otelllm.internal.FinishReasons.normalize(b.finishReason, !toolCalls.isEmpty());
    this.usage = b.usage;
    this.model = b.model;
    this.responseId = b.responseId;
    this.providerAttributes =
        b.providerAttributes.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.providerAttributes));
    this.traceId = b.traceId;
    this.spanId = b.spanId;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.content = content;
    b.extraParts.addAll(extraParts);
    b.toolCalls.addAll(toolCalls);
    b.finishReason = rawFinishReason;
    b.usage = usage;
    b.model = model;
    b.responseId = responseId;
    b.providerAttributes.putAll(providerAttributes);
    b.traceId = traceId;
    b.spanId = spanId;
    return b;
  }

  /** The answer's text; {@code ""} when the model only called tools. */
  public String content() {
    return content;
  }

  /** Tool calls the model asked for, in order. */
  public List<Part.ToolCall> toolCalls() {
    return toolCalls;
  }

  /**
   * Why generation stopped, in the GenAI conventions' terms: {@code stop}, {@code length}, {@code
   * content_filter}, {@code tool_call} or {@code error} (a provider's value outside these is kept
   * as it is). An answer that calls tools is {@code tool_call} even where the provider said stop.
   */
  public Optional<String> finishReason() {
    return Optional.ofNullable(finishReason);
  }

  /**
   * Why generation stopped, as the provider said it ({@code end_turn}, {@code tool_use}, {@code
   * tool_calls}, {@code STOP}, ...): what {@code gen_ai.response.finish_reasons} records.
   */
  public Optional<String> rawFinishReason() {
    return Optional.ofNullable(rawFinishReason);
  }

  public Optional<Usage> usage() {
    return Optional.ofNullable(usage);
  }

  /** The model that answered, as the provider named it. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** The provider's id for this completion. */
  public Optional<String> responseId() {
    return Optional.ofNullable(responseId);
  }

  /**
   * Attributes of one provider's own namespace that the tracing records on the span under these
   * names, in insertion order: what the GenAI conventions define for that provider, such as {@code
   * openai.response.service_tier}, taken from the answer or from the request as sent. Empty for
   * most providers.
   */
  public Map<String, Object> providerAttributes() {
    return providerAttributes;
  }

  /** The OpenTelemetry trace id (32 hex) of the interaction, when it was traced. */
  public Optional<String> traceId() {
    return Optional.ofNullable(traceId);
  }

  /** The span id (16 hex) of the interaction, when it was traced: exactly one interaction. */
  public Optional<String> spanId() {
    return Optional.ofNullable(spanId);
  }

  /**
   * The answer as one assistant message: reasoning and other parts first, then the text, then the
   * tool calls.
   */
  public Message message() {
    List<Part> parts = new ArrayList<>(extraParts.size() + 1 + toolCalls.size());
    parts.addAll(extraParts);
    if (!content.isEmpty() || toolCalls.isEmpty()) {
      parts.add(new Part.Text(content));
    }
    parts.addAll(toolCalls);
    return Message.of(Message.ASSISTANT, parts);
  }

  @Override
  public String toString() {
    return "LlmResponse{finishReason="
        + finishReason
        + ", model="
        + model
        + ", usage="
        + usage
        + ", toolCalls="
        + toolCalls.size()
        + ", traceId="
        + traceId
        + ", content="
        + abbreviate(content)
        + "}";
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /** Builds {@link LlmResponse}. Not thread-safe. */
  public static final class Builder {
    private String content = "";
    private final List<Part> extraParts = new ArrayList<>();
    private final List<Part.ToolCall> toolCalls = new ArrayList<>();
    private String finishReason;
    private Usage usage;
    private String model;
    private String responseId;
    private final Map<String, Object> providerAttributes = new LinkedHashMap<>();
    private String traceId;
    private String spanId;

    private Builder() {}

    public Builder content(String content) {
      this.content = Objects.requireNonNull(content, "content");
      return this;
    }

    /** A non-text output part such as {@link Part.Reasoning}; text and tool calls have setters. */
    public Builder part(Part part) {
      Objects.requireNonNull(part, "part");
      if (part instanceof Part.Text || part instanceof Part.ToolCall) {
        throw new IllegalArgumentException(
            "use content(...) for text and toolCall(...) for tool calls, not part(...)");
      }
      extraParts.add(part);
      return this;
    }

    public Builder toolCall(Part.ToolCall toolCall) {
      toolCalls.add(Objects.requireNonNull(toolCall, "toolCall"));
      return this;
    }

    /** The provider's own value; {@link LlmResponse#finishReason()} normalizes it. */
    public Builder finishReason(String finishReason) {
      this.finishReason = Objects.requireNonNull(finishReason, "finishReason");
      return this;
    }

    public Builder usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder responseId(String responseId) {
      this.responseId = Objects.requireNonNull(responseId, "responseId");
      return this;
    }

    /**
     * A span attribute of the provider's own namespace (see {@link
     * LlmResponse#providerAttributes()}); a second value for a name replaces the first.
     *
     * @param name lowercase and namespaced, like {@code openai.response.system_fingerprint}; not in
     *     a namespace the tracing writes itself ({@code gen_ai}, {@code otel_llm}, {@code server},
     *     {@code error}, {@code session})
     * @param value a string, number or boolean, or a list or map of them
     */
    public Builder providerAttribute(String name, Object value) {
      Objects.requireNonNull(name, "name");
      if (!ATTRIBUTE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "provider attribute names are lowercase and namespaced, like openai.response.service_tier; was "
                + name);
      }
      String namespace = name.substring(0, name.indexOf('.'));
      if (TRACING_NAMESPACES.contains(namespace)) {
        throw new IllegalArgumentException(
            "provider attribute "
                + name
                + " is in the "
                + namespace
                + " namespace, which the tracing writes itself");
      }
      providerAttributes.put(name, JsonTree.copy(Objects.requireNonNull(value, "value"), name));
      return this;
    }

    /** Set by the tracing; a provider leaves it alone. */
    public Builder trace(String traceId, String spanId) {
      this.traceId = Objects.requireNonNull(traceId, "traceId");
      this.spanId = Objects.requireNonNull(spanId, "spanId");
      return this;
    }

    public LlmResponse build() {
      return new LlmResponse(this);
    }
  }
}
