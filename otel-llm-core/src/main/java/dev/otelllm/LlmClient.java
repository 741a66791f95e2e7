package dev.otelllm;

import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The application's handle on one provider: generate, and, when tracing is on, read back the
 * interactions.
 *
 * <p>Tracing is off by default. {@code LlmClient.builder(provider).tracing(true).build()} turns it
 * on with its own {@link LlmTracing} (100 interactions in memory, full content, nothing exported);
 * {@link Builder#tracing(LlmTracing)} shares one tracing setup between clients. With tracing off
 * the provider is called directly: no decorator is in the call path and {@link #getTraces()} is
 * empty.
 *
 * <p>Thread-safe. {@link #generate} blocks for as long as the provider does; tracing adds no
 * blocking and never throws into the caller.
 */
public final class LlmClient implements AutoCloseable {

  private final LlmProvider provider;
  private final LlmProvider callPath;
  private final LlmTracing tracing;
  private final boolean ownsTracing;

  private LlmClient(LlmProvider provider, LlmTracing tracing, boolean ownsTracing) {
    this.provider = provider;
    this.tracing = tracing;
    this.ownsTracing = ownsTracing;
    this.callPath = tracing == null ? provider : tracing.wrap(provider);
  }

  /** A client with tracing off. */
  public static LlmClient create(LlmProvider provider) {
    return builder(provider).build();
  }

  public static Builder builder(LlmProvider provider) {
    return new Builder(provider);
  }

  /** Sends one user message. */
  public LlmResponse generate(String prompt) {
    return callPath.generate(LlmRequest.of(prompt));
  }

  /** Sends one user message, tagging its interaction with trace metadata. */
  public LlmResponse generate(String prompt, Map<String, ?> traceMetadata) {
    return callPath.generate(LlmRequest.builder().prompt(prompt).metadata(traceMetadata).build());
  }

  /** Sends a full request. Provider exceptions reach the caller unchanged. */
  public LlmResponse generate(LlmRequest request) {
    return callPath.generate(Objects.requireNonNull(request, "request"));
  }

  /**
   * Streams the answer: each text chunk goes to {@code onChunk} as it arrives (on the calling
   * thread, with the caller's context current), then the complete answer is returned. Traced as one
   * span that ends when the stream ends, fails or is stopped by {@code onChunk} throwing.
   */
  /**
   * Turns texts into vectors; traced as an {@code embeddings {model}} span when tracing is on.
   *
   * @throws UnsupportedOperationException when the provider offers no embeddings
   */
  public EmbeddingResponse embed(EmbeddingRequest request) {
    return callPath.embed(Objects.requireNonNull(request, "request"));
  }

  /** {@link #embed(EmbeddingRequest)} of these texts. */
  public EmbeddingResponse embed(String... inputs) {
    return embed(EmbeddingRequest.of(inputs));
  }

  public LlmResponse stream(LlmRequest request, java.util.function.Consumer<String> onChunk) {
    return callPath.stream(
        Objects.requireNonNull(request, "request"), Objects.requireNonNull(onChunk, "onChunk"));
  }

  /** Every kept interaction, oldest first; empty with tracing off. */
  public List<Interaction> getTraces() {
    return tracing == null ? List.of() : tracing.traceBuffer().getTraces();
  }

  /** The kept interactions that match, oldest first; empty with tracing off. */
  public List<Interaction> getTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    return tracing == null ? List.of() : tracing.traceBuffer().getTraces(query);
  }

  /** The newest {@code lastN} interactions, oldest first. */
  public List<Interaction> getTraces(int lastN) {
    return getTraces(TraceQuery.last(lastN));
  }

  /** The one interaction with this span id (see {@link LlmResponse#spanId()}), if still kept. */
  public Optional<Interaction> getInteraction(String spanId) {
    Objects.requireNonNull(spanId, "spanId");
    return tracing == null ? Optional.empty() : tracing.traceBuffer().getInteraction(spanId);
  }

  /** A new session on this client, with a generated id and no system prompt. */
  public Session newSession() {
    return Session.builder(this).build();
  }

  /** A builder for a session on this client. */
  public Session.Builder session() {
    return Session.builder(this);
  }

  /** Opens a workflow span (see {@link WorkflowScope}); a no-op scope with tracing off. */
  public WorkflowScope workflow(String name) {
    return tracing == null ? WorkflowScope.noop(name) : tracing.workflow(name);
  }

  /**
   * Opens an {@code execute_tool} span for running one tool call; a no-op scope with tracing off.
   */
  public ToolScope tool(Part.ToolCall call) {
    return tracing == null ? ToolScope.noop() : tracing.tool(call);
  }

  /**
   * As {@link #tool(Part.ToolCall)}, recording the tool's description ({@code
   * gen_ai.tool.description}) too.
   */
  public ToolScope tool(Part.ToolCall call, ToolDefinition definition) {
    return tracing == null ? ToolScope.noop() : tracing.tool(call, definition);
  }

  public boolean isTracingEnabled() {
    return tracing != null;
  }

  /** The tracing setup, when tracing is on. */
  public Optional<LlmTracing> tracing() {
    return Optional.ofNullable(tracing);
  }

  /** The in-memory buffer, when tracing is on. */
  public Optional<TraceBuffer> traceBuffer() {
    return tracing == null ? Optional.empty() : Optional.of(tracing.traceBuffer());
  }

  /** The undecorated provider. */
  public LlmProvider provider() {
    return provider;
  }

  /**
   * Closes the tracing setup this client built (a shared one is left to its owner), and the
   * provider when it holds resources ({@link AutoCloseable}, e.g. an in-process model).
   */
  @Override
  public void close() {
    if (ownsTracing && tracing != null) {
      tracing.close();
    }
    if (provider instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        java.util.logging.Logger.getLogger(LlmClient.class.getName())
            .log(java.util.logging.Level.WARNING, "closing the provider failed", e);
      }
    }
  }

  /**
   * Builds {@link LlmClient}. Tracing is off unless one of the {@code tracing} setters turns it on:
   * with defaults, with a tracing setup the client builds and owns, or with a shared one. Not
   * thread-safe.
   */
  public static final class Builder {
    private final LlmProvider provider;
    private @Nullable LlmTracing sharedTracing;
    private LlmTracing.@Nullable Builder ownTracing;

    private Builder(LlmProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
    }

    /**
     * Turns tracing on with defaults (100 interactions kept, full content in memory, nothing
     * exported), or off (the default).
     */
    public Builder tracing(boolean enabled) {
      this.sharedTracing = null;
      this.ownTracing = enabled ? LlmTracing.builder() : null;
      return this;
    }

    /**
     * Turns tracing on with a setup this client builds and closes with itself, e.g. {@code
     * tracing(LlmTracing.builder().maxInteractions(500))}.
     */
    public Builder tracing(LlmTracing.Builder tracing) {
      this.ownTracing = Objects.requireNonNull(tracing, "tracing");
      this.sharedTracing = null;
      return this;
    }

    /**
     * Turns tracing on with a shared setup (its buffer, content policy and exporters), which the
     * client does not close.
     */
    public Builder tracing(LlmTracing tracing) {
      this.sharedTracing = Objects.requireNonNull(tracing, "tracing");
      this.ownTracing = null;
      return this;
    }

    public LlmClient build() {
      if (sharedTracing != null) {
        return new LlmClient(provider, sharedTracing, false);
      }
      if (ownTracing != null) {
        return new LlmClient(provider, ownTracing.build(), true);
      }
      return new LlmClient(provider, null, false);
    }
  }
}
