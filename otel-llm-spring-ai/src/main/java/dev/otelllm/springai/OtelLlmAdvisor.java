package dev.otelllm.springai;

import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Session;
import dev.otelllm.internal.ListenerSpans;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A Spring AI {@code ChatClient} advisor that records every model call of the client as this
 * library's GenAI span ({@code chat {model}}): system instructions, messages and tool definitions
 * as sent, the answer with its tool calls, finish reason, response id and model, usage, errors
 * ({@code error.type} is the HTTP status such as {@code 429}, else the exception class), under the
 * {@link LlmTracing}'s content capture and placement. The interaction lands in the tracing's buffer
 * ({@code tracing.traceBuffer().getTraces()}).
 *
 * <p>Its order is just before Spring AI's own model-calling advisor, after the tool-calling and
 * memory advisors: each round of a tool loop is its own span, with the prompt the model really got.
 * Streams are marked as such, with time to first chunk and the partial answer of a stream that
 * fails or is cancelled.
 *
 * <p>Per call, through advisor params: {@link #SESSION_ID} (else Spring AI's chat-memory {@code
 * chat_memory_conversation_id}, else the caller's session baggage) becomes {@code session.id} and
 * {@code gen_ai.conversation.id}, so {@code getTraces(TraceQuery.session(id))} finds the
 * conversation; {@link #STEP_TYPE}, {@link #ATTEMPT_NUMBER} and the entries of a {@link #METADATA}
 * map become {@code otel_llm.metadata.*} attributes:
 *
 * <pre>{@code
 * chatClient.prompt().user("Plan a day in Boston")
 *     .advisors(OtelLlmAdvisor.step("trip-42", "plan", 1))
 *     .call().content();
 * }</pre>
 *
 * <p>Stateless between calls and thread-safe; one instance serves every client. It never throws
 * into Spring AI: a recording failure is logged, and the call's own exception reaches the caller
 * unchanged.
 */
public final class OtelLlmAdvisor implements CallAdvisor, StreamAdvisor {

  /** Advisor param: the session id of the call (a string). */
  public static final String SESSION_ID = "otel_llm.session_id";

  /** Advisor param: the step type of the call ({@code otel_llm.metadata.step_type}). */
  public static final String STEP_TYPE = "otel_llm.step_type";

  /** Advisor param: the attempt number of the call ({@code otel_llm.metadata.attempt_number}). */
  public static final String ATTEMPT_NUMBER = "otel_llm.attempt_number";

  /** Advisor param: a {@code Map<String, ?>} of further metadata ({@code otel_llm.metadata.*}). */
  public static final String METADATA = "otel_llm.metadata";

  /** Just before Spring AI's model-calling advisor ({@code Ordered.LOWEST_PRECEDENCE}). */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

  private final ListenerSpans spans;
  private final @Nullable String providerName;
  private final int order;

  private OtelLlmAdvisor(Builder b) {
    this.spans = new ListenerSpans(b.tracing);
    this.providerName = b.providerName;
    this.order = b.order;
  }

  /** An advisor recording into {@code tracing}. */
  public static OtelLlmAdvisor create(LlmTracing tracing) {
    return builder(tracing).build();
  }

  /** A builder of an advisor recording into {@code tracing}. */
  public static Builder builder(LlmTracing tracing) {
    return new Builder(tracing);
  }

  /** Advisor params naming the call's session. */
  public static Consumer<ChatClient.AdvisorSpec> session(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return spec -> spec.param(SESSION_ID, sessionId);
  }

  /** Advisor params naming the call's session, step type and attempt number. */
  public static Consumer<ChatClient.AdvisorSpec> step(
      String sessionId, String stepType, int attemptNumber) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stepType, "stepType");
    return spec ->
        spec.param(SESSION_ID, sessionId)
            .param(STEP_TYPE, stepType)
            .param(ATTEMPT_NUMBER, attemptNumber);
  }

  @Override
  public String getName() {
    return "otel-llm";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Context parent = parent(request.context());
    ListenerSpans.Chat chat = start(parent, request, false);
    ChatClientResponse response;
    try (Scope ignored = parent.with(Span.wrap(chat.spanContext())).makeCurrent()) {
      response = chain.nextCall(request);
    } catch (RuntimeException | Error e) {
      chat.fail(e, errorType(e));
      throw e;
    }
    try {
      chat.succeed(SpringAiConversion.response(response.chatResponse()));
    } catch (RuntimeException e) {
      chat.fail(e, errorType(e));
    }
    return response;
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(
      ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(
        () -> {
          Context parent = parent(request.context());
          ListenerSpans.Chat chat = start(parent, request, true);
          StreamReport report = new StreamReport(chat);
          return chain
              .nextStream(request)
              .doOnNext(report::onChunk)
              .doOnComplete(report::complete)
              .doOnError(e -> chat.fail(e, errorType(e)))
              .doOnCancel(
                  () -> chat.fail(new CancellationException("stream cancelled"), "cancelled"));
        });
  }

  private ListenerSpans.Chat start(Context parent, ChatClientRequest request, boolean stream) {
    ChatOptions options = request.prompt().getOptions();
    String model = options == null || options.getModel() == null ? "" : options.getModel();
    ProviderInfo info =
        ProviderInfo.remote(
            providerName != null ? providerName : providerName(options), model, "", -1);
    LlmRequest llmRequest;
    try {
      llmRequest = SpringAiConversion.request(request.prompt(), metadata(request.context()));
    } catch (RuntimeException e) {
      // A prompt this adapter cannot read is still a call: recorded without its content.
      llmRequest = LlmRequest.builder().model(model.isEmpty() ? "unknown" : model).build();
    }
    return spans.startChat(parent, info, llmRequest, stream);
  }

  /** The caller's context, with the call's session id in baggage when the params give one. */
  private static Context parent(Map<String, @Nullable Object> params) {
    Context current = Context.current();
    Object session = params.get(SESSION_ID);
    if (session == null) {
      session = params.get(ChatMemory.CONVERSATION_ID);
    }
    if (session == null || session.toString().isEmpty()) {
      return current;
    }
    String id = session.toString();
    Baggage baggage =
        Baggage.fromContext(current).toBuilder()
            .put(SessionBaggageSpanProcessor.SESSION_ID, id)
            .put(SessionBaggageSpanProcessor.CONVERSATION_ID, id)
            .build();
    return current.with(baggage);
  }

  private static Map<String, Object> metadata(Map<String, @Nullable Object> params) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (params.get(METADATA) instanceof Map<?, ?> extra) {
      extra.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              m.put(k.toString(), v);
            }
          });
    }
    Object step = params.get(STEP_TYPE);
    if (step != null) {
      m.put(Session.STEP_TYPE, step.toString());
    }
    Object attempt = params.get(ATTEMPT_NUMBER);
    if (attempt != null) {
      m.put(Session.ATTEMPT_NUMBER, attempt);
    }
    return m;
  }

  /** {@code gen_ai.provider.name} from the options' class: {@code OpenAiChatOptions} is openai. */
  static String providerName(@Nullable ChatOptions options) {
    if (options == null) {
      return "spring_ai";
    }
    String name = options.getClass().getSimpleName();
    if (name.startsWith("AzureOpenAi")) {
      return "azure.ai.openai";
    }
    if (name.startsWith("OpenAi")) {
      return "openai";
    }
    if (name.startsWith("Anthropic")) {
      return "anthropic";
    }
    if (name.startsWith("Ollama")) {
      return "ollama";
    }
    if (name.startsWith("MistralAi")) {
      return "mistral_ai";
    }
    if (name.startsWith("DeepSeek")) {
      return "deepseek";
    }
    if (name.startsWith("VertexAiGemini") || name.startsWith("GoogleGenAi")) {
      return "gcp.gen_ai";
    }
    if (name.startsWith("Bedrock")) {
      return "aws.bedrock";
    }
    return "spring_ai";
  }

  /**
   * The HTTP status of the first exception in the chain that carries one (openai-java's {@code
   * statusCode()}, Spring's {@code getStatusCode().value()}), {@code timeout} for a timeout, else
   * the exception's class.
   */
  static String errorType(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Integer status = status(t);
      if (status != null && status > 0) {
        return Integer.toString(status);
      }
      if (t.getClass().getSimpleName().contains("Timeout")) {
        return "timeout";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return error.getClass().getName();
  }

  private static @Nullable Integer status(Throwable t) {
    try {
      for (String name : new String[] {"statusCode", "getStatusCode"}) {
        Method m;
        try {
          m = t.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
          continue;
        }
        Object v = m.invoke(t);
        if (v instanceof Integer i) {
          return i;
        }
        if (v != null) {
          Method value = v.getClass().getMethod("value");
          Object code = value.invoke(v);
          if (code instanceof Integer i) {
            return i;
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No readable status: the caller falls back to the exception class.
    }
    return null;
  }

  /** Builds an {@link OtelLlmAdvisor}. Not thread-safe. */
  public static final class Builder {
    private final LlmTracing tracing;
    private @Nullable String providerName;
    private int order = DEFAULT_ORDER;

    private Builder(LlmTracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    /** {@code gen_ai.provider.name} of every call (default: from the chat options' class). */
    public Builder providerName(String providerName) {
      Objects.requireNonNull(providerName, "providerName");
      if (providerName.isBlank()) {
        throw new IllegalArgumentException("providerName must not be blank");
      }
      this.providerName = providerName;
      return this;
    }

    /** The advisor's order (default {@link #DEFAULT_ORDER}). */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    public OtelLlmAdvisor build() {
      return new OtelLlmAdvisor(this);
    }
  }
}
