package dev.otelllm.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.ProviderInfo;
import dev.otelllm.internal.ListenerSpans;
import dev.otelllm.internal.ThrottledLogger;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A LangChain4j {@link ChatModelListener} that records every call of a {@link ChatModel} or {@link
 * StreamingChatModel} as this library's GenAI span ({@code chat {model}}): the messages, system
 * instructions and tool definitions sent, the answer with its tool calls, usage, finish reasons,
 * response id and model, errors ({@code error.type}), under the {@link LlmTracing}'s content
 * capture, with its client metrics. The interaction lands in the tracing's buffer ({@code
 * tracing.traceBuffer().getTraces()}).
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o-mini")
 *     .listeners(List.of(OtelLlmListener.create(tracing)))
 *     .build();
 * }</pre>
 *
 * <p>The span is a child of the context current on the thread that calls the model (a workflow
 * span, a session's baggage), and ends exactly once, on whichever thread LangChain4j reports the
 * answer or the error. When an AI service is instrumented with {@link OtelLlmAiServices}, each of
 * its invocations is an {@code invoke_agent} span, the parent of its calls, which get the service's
 * chat-memory id as their session id. The listener API has no callback per chunk: streams are
 * marked as such, with time to first chunk, when the model is {@linkplain #wrap(StreamingChatModel)
 * wrapped}.
 *
 * <p>One instance serves any number of models and threads; it keeps nothing between calls. It never
 * throws into LangChain4j: a recording failure is logged (at most once a minute per kind).
 */
public final class OtelLlmListener implements ChatModelListener {

  private static final Logger logger = Logger.getLogger(OtelLlmListener.class.getName());

  /** Recording failures of this module, logged at most once a minute. */
  static final ThrottledLogger failures = new ThrottledLogger(logger);

  /** Listener attribute of the per-call metadata (see {@link #metadata(Map)}). */
  private static final Object METADATA = new AttributeKey("otel-llm metadata");

  /** Listener attribute through which a wrapped streaming model reports its chunks. */
  static final Object STREAM_REPORT = new AttributeKey("otel-llm stream report");

  private final ListenerSpans spans;
  private final String providerName;
  private final String serverAddress;
  private final int serverPort;
  final AiServiceTracker aiServices;

  private OtelLlmListener(Builder b) {
    this.spans = new ListenerSpans(b.tracing);
    this.providerName = b.providerName;
    this.serverAddress = b.serverAddress;
    this.serverPort = b.serverPort;
    this.aiServices =
        new AiServiceTracker(
            spans, b.providerName, b.maxInvocations, b.staleInvocationNanos, b.nanoClock);
  }

  /**
   * A listener recording into {@code tracing}; the provider name comes from LangChain4j's {@link
   * ModelProvider}. Reuse it for every model.
   */
  public static OtelLlmListener create(LlmTracing tracing) {
    return builder(tracing).build();
  }

  /** A builder for a listener recording into {@code tracing}. */
  public static Builder builder(LlmTracing tracing) {
    return new Builder(tracing);
  }

  /**
   * Options that tag one call with trace metadata ({@code step_type}, {@code attempt_number},
   * {@code user_id}, ...), recorded as {@code otel_llm.metadata.<key>} and queryable with {@code
   * TraceQuery.metadata(key, value)}; never sent to the model:
   *
   * <pre>{@code
   * model.chat(request, OtelLlmListener.metadata(Map.of("step_type", "code_generation")));
   * }</pre>
   *
   * @throws IllegalArgumentException for a blank or reserved key or a value that is not a string,
   *     number, boolean, list or map
   */
  public static ChatRequestOptions metadata(Map<String, ?> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    // The checks of a request's own metadata, at once rather than when the call is recorded.
    Map<String, Object> checked =
        LlmRequest.builder().prompt("").metadata(metadata).build().metadata();
    return ChatRequestOptions.builder().addListenerAttribute(METADATA, checked).build();
  }

  /**
   * {@code model} with this listener, for a model built elsewhere (a framework's bean): the model
   * itself when it already has this listener, otherwise a model whose calls run LangChain4j's own
   * {@link ChatModel#chat(ChatRequest, ChatRequestOptions)} with {@code model}'s listeners and this
   * one around {@code model.doChat}. A model that overrides {@code chat} instead of implementing
   * {@code doChat} needs the listener on its builder instead.
   */
  public ChatModel wrap(ChatModel model) {
    Objects.requireNonNull(model, "model");
    if (model.listeners().contains(this)) {
      return model;
    }
    return new TracedChatModel(model, this);
  }

  /**
   * {@code model} with this listener and the chunk reports the listener API lacks: its spans carry
   * {@code gen_ai.request.stream}, {@code gen_ai.response.time_to_first_chunk} (the first chunk of
   * any kind, a role or a tool-call fragment included), {@code
   * otel_llm.response.time_to_first_text}, the partial answer of a stream that fails, and the
   * time-to-first-chunk and time-per-output-chunk metrics. Works whether or not the model was built
   * with this listener.
   */
  public StreamingChatModel wrap(StreamingChatModel model) {
    Objects.requireNonNull(model, "model");
    if (model instanceof TracedStreamingChatModel traced && traced.listener() == this) {
      return model;
    }
    return new TracedStreamingChatModel(model, this, model.listeners().contains(this));
  }

  @Override
  public void onRequest(ChatModelRequestContext requestContext) {
    try {
      Map<Object, Object> attributes = requestContext.attributes();
      if (attributes.containsKey(this)) {
        // The same listener registered twice on a model: one call, one span.
        return;
      }
      ChatRequest request = requestContext.chatRequest();
      AiServiceTracker.Handoff handoff = aiServices.take(request);
      Context parent = handoff != null ? handoff.parent() : Context.current();
      Map<String, Object> metadata = metadataOf(handoff, attributes.get(METADATA));
      LlmRequest recorded = ChatConversion.request(request, metadata);
      ProviderInfo info =
          new ProviderInfo(
              providerName.isEmpty() ? providerName(requestContext.modelProvider()) : providerName,
              recorded.model().orElse(""),
              serverAddress,
              serverPort,
              false);
      StreamReport report =
          attributes.get(STREAM_REPORT) instanceof StreamReport r && r.owner() == this ? r : null;
      ListenerSpans.Chat chat = spans.startChat(parent, info, recorded, report != null);
      if (report != null) {
        report.attach(chat);
      }
      attributes.put(this, chat);
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the request of a LangChain4j model call", e);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext responseContext) {
    try {
      if (responseContext.attributes().remove(this) instanceof ListenerSpans.Chat chat) {
        chat.succeed(
            ChatConversion.response(responseContext.chatResponse(), responseContext.chatRequest()));
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the answer of a LangChain4j model call", e);
    }
  }

  @Override
  public void onError(ChatModelErrorContext errorContext) {
    try {
      if (errorContext.attributes().remove(this) instanceof ListenerSpans.Chat chat) {
        Throwable error = errorContext.error();
        chat.fail(error, ChatConversion.errorType(error));
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the failure of a LangChain4j model call", e);
    }
  }

  private static Map<String, Object> metadataOf(AiServiceTracker.Handoff handoff, Object perCall) {
    if (handoff == null && !(perCall instanceof Map<?, ?>)) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (handoff != null) {
      out.putAll(handoff.metadata());
    }
    if (perCall instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    return out;
  }

  /**
   * {@code gen_ai.provider.name} of a LangChain4j provider: the conventions' well-known names,
   * otherwise LangChain4j's own in lower case. Matched by name, so a LangChain4j version with other
   * providers links.
   */
  static String providerName(ModelProvider provider) {
    if (provider == null) {
      return "langchain4j";
    }
    return switch (provider.name()) {
      case "OPEN_AI" -> "openai";
      case "AZURE_OPEN_AI" -> "azure.ai.openai";
      case "MICROSOFT_FOUNDRY" -> "azure.ai.inference";
      case "ANTHROPIC" -> "anthropic";
      case "AMAZON_BEDROCK" -> "aws.bedrock";
      case "GOOGLE_AI_GEMINI" -> "gcp.gemini";
      case "GOOGLE_VERTEX_AI_GEMINI", "GOOGLE_VERTEX_AI_ANTHROPIC" -> "gcp.vertex_ai";
      case "GOOGLE_GENAI" -> "gcp.gen_ai";
      case "MISTRAL_AI" -> "mistral_ai";
      case "WATSONX" -> "ibm.watsonx.ai";
      case "OTHER" -> "langchain4j";
      default -> provider.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  @Override
  public String toString() {
    return "OtelLlmListener{provider="
        + (providerName.isEmpty() ? "(from the model)" : providerName)
        + (serverAddress.isEmpty() ? "" : ", server=" + serverAddress + ":" + serverPort)
        + "}";
  }

  /** A key of LangChain4j's per-call listener attributes that no other listener can name. */
  private static final class AttributeKey {
    private final String name;

    AttributeKey(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Builds an {@link OtelLlmListener}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final LlmTracing tracing;
    private String providerName = "";
    private String serverAddress = "";
    private int serverPort = -1;
    private int maxInvocations = AiServiceTracker.MAX_INVOCATIONS;
    private long staleInvocationNanos = AiServiceTracker.STALE_NANOS;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(LlmTracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    /**
     * {@code gen_ai.provider.name} of every call instead of the model's own: for an
     * OpenAI-compatible server LangChain4j reports as OpenAI ({@code vllm}, {@code lmstudio},
     * {@code ollama}).
     */
    public Builder providerName(String providerName) {
      Objects.requireNonNull(providerName, "providerName");
      if (providerName.isBlank()) {
        throw new IllegalArgumentException("providerName must not be blank");
      }
      this.providerName = providerName;
      return this;
    }

    /**
     * {@code server.address} and {@code server.port} of every call; LangChain4j does not tell a
     * listener where a model is.
     *
     * @param port 0..65535
     */
    public Builder server(String address, int port) {
      Objects.requireNonNull(address, "address");
      if (address.isBlank()) {
        throw new IllegalArgumentException("address must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      this.serverAddress = address;
      this.serverPort = port;
      return this;
    }

    /**
     * The bound of AI service invocations tracked at once and the age after which one that never
     * ended may be dropped, on {@code nanoClock}; for tests.
     */
    Builder aiServiceBound(int maxInvocations, long staleInvocationNanos, LongSupplier nanoClock) {
      this.maxInvocations = maxInvocations;
      this.staleInvocationNanos = staleInvocationNanos;
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    public OtelLlmListener build() {
      return new OtelLlmListener(this);
    }
  }
}
