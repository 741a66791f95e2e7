package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One generation request: system prompt, conversation, parameters, tools, and the trace metadata
 * that tags its interaction. Immutable; build with {@link #builder()} or {@link #of(String)}.
 */
public final class LlmRequest {

  private final String model;
  private final String systemPrompt;
  private final List<Message> messages;
  private final GenerationParams params;
  private final List<ToolDefinition> tools;
  private final Map<String, Object> metadata;

  private LlmRequest(Builder b) {
    this.model = b.model;
    this.systemPrompt = b.systemPrompt;
    this.messages = List.copyOf(b.messages);
    this.params = b.params;
    this.tools = List.copyOf(b.tools);
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
  }

  /** A request of one user message. */
  public static LlmRequest of(String prompt) {
    return builder().prompt(prompt).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.systemPrompt = systemPrompt;
    b.messages.addAll(messages);
    b.params = params;
    b.tools.addAll(tools);
    b.metadata.putAll(metadata);
    return b;
  }

  /** The model to use instead of the provider's default. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** The system prompt, sent before the messages. */
  public Optional<String> systemPrompt() {
    return Optional.ofNullable(systemPrompt);
  }

  /** The conversation, oldest first, ending with the message to answer. */
  public List<Message> messages() {
    return messages;
  }

  /** The text of the last user message: what the reference calls the prompt. */
  public String prompt() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (Message.USER.equals(m.role())) {
        return m.text();
      }
    }
    return "";
  }

  public GenerationParams params() {
    return params;
  }

  /** Tools the model may call; empty when none. */
  public List<ToolDefinition> tools() {
    return tools;
  }

  /**
   * Trace metadata: free keys such as {@code step_type}, {@code attempt_number}, {@code user_id}.
   * They are recorded on the span under {@code otel_llm.metadata.<key>} and never sent to the
   * model.
   */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** Builds {@link LlmRequest}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private String model;
    private String systemPrompt;
    private final List<Message> messages = new ArrayList<>();
    private GenerationParams params = GenerationParams.none();
    private final List<ToolDefinition> tools = new ArrayList<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    private Builder() {}

    public Builder model(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
      return this;
    }

    /** Appends a user message. */
    public Builder prompt(String prompt) {
      return message(Message.user(Objects.requireNonNull(prompt, "prompt")));
    }

    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /** Appends the messages, in order. */
    public Builder messages(List<Message> messages) {
      for (Message m : Objects.requireNonNull(messages, "messages")) {
        message(m);
      }
      return this;
    }

    public Builder params(GenerationParams params) {
      this.params = Objects.requireNonNull(params, "params");
      return this;
    }

    public Builder temperature(double temperature) {
      this.params = params.toBuilder().temperature(temperature).build();
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.params = params.toBuilder().maxTokens(maxTokens).build();
      return this;
    }

    public Builder seed(long seed) {
      this.params = params.toBuilder().seed(seed).build();
      return this;
    }

    public Builder tool(ToolDefinition tool) {
      tools.add(Objects.requireNonNull(tool, "tool"));
      return this;
    }

    public Builder tools(List<ToolDefinition> tools) {
      for (ToolDefinition t : Objects.requireNonNull(tools, "tools")) {
        tool(t);
      }
      return this;
    }

    /**
     * One trace metadata entry. The value is a string, a number (it stays a number on the span), a
     * boolean, or a list or map of those.
     *
     * @throws IllegalArgumentException for a blank key, a key the map form reserves ({@code
     *     session_id, span_id, parent_span_id, error_type, error_message}), or a value of another
     *     type
     */
    public Builder metadata(String key, Object value) {
      Objects.requireNonNull(key, "metadata key");
      if (key.isBlank()) {
        throw new IllegalArgumentException("metadata key must not be blank");
      }
      if (dev.otelllm.internal.GenAiKeys.RESERVED_METADATA_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "metadata key '"
                + key
                + "' is reserved for the interaction's own "
                + dev.otelllm.internal.GenAiKeys.RESERVED_METADATA_KEYS.stream().sorted().toList());
      }
      metadata.put(
          key, JsonTree.copy(Objects.requireNonNull(value, "metadata value for " + key), key));
      return this;
    }

    /** Adds every entry of the map as trace metadata. */
    public Builder metadata(Map<String, ?> metadata) {
      Objects.requireNonNull(metadata, "metadata").forEach(this::metadata);
      return this;
    }

    public LlmRequest build() {
      if (messages.isEmpty()) {
        throw new IllegalStateException(
            "a request needs at least one message; call prompt(...) or message(...)");
      }
      return new LlmRequest(this);
    }
  }
}
