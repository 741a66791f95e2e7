package dev.otelllm.springai;

import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.ProviderInfo;
import dev.otelllm.internal.ListenerSpans;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * A Micrometer {@link ObservationHandler} that turns Spring AI's own observations of its model and
 * tool calls into this library's GenAI spans: each {@code ChatModelObservationContext} becomes one
 * {@code chat {model}} span with content, and each {@code ToolCallingObservationContext} one {@code
 * execute_tool {name}} span, under the {@link LlmTracing}'s content capture and placement. The
 * interactions land in the tracing's buffer ({@code tracing.traceBuffer().getTraces()}).
 *
 * <p><b>Why an observation handler.</b> Spring AI observes every model call itself, in the model
 * ({@code OpenAiChatModel.call} and {@code .stream}, and so on for each provider), whoever calls
 * it: a {@code ChatClient}, each round of its tool loop, or application code on a bare {@code
 * ChatModel}. The observation carries the prompt as sent (options merged, the model named), the
 * answer ({@code setResponse}; for a stream the answer aggregated from its chunks), the error, and
 * whether it streams; it starts on the calling thread (for a stream, the subscribing one, with the
 * parent observation from the Reactor context) and stops where the call ends. So one handler gives
 * exactly one span per model call, plain or streamed, successful or failing, and nothing has to
 * decide whether a {@code ChatClient} advisor or a model wrapper has already recorded it. The tool
 * loop's tool executions are observed the same way, with their id, arguments and result. A {@code
 * ChatModel} wrapper would miss models the application builds itself and change the bean's type; an
 * advisor misses every call not made through a {@code ChatClient}.
 *
 * <p><b>Parent and session.</b> The span's parent is the caller's context, taken when the enclosing
 * {@code ChatClient} observation starts (on the caller's thread, also for a stream whose later
 * rounds run on Reactor's threads), else the context current where the model's observation starts.
 * The {@code ChatClient} call's advisor params ({@link OtelLlmAdvisor#SESSION_ID}, step type,
 * attempt number, metadata; Spring AI's chat-memory conversation id) name the session and metadata
 * of its chat and tool spans, and the parent too with Micrometer tracing: Spring AI makes the
 * enclosing observation's span current where a model or tool call starts, and that span of the
 * caller's trace is then the parent.
 *
 * <p><b>Streams.</b> {@link OtelLlmAdvisor} hands a {@code ChatClient} stream's chunks to its span,
 * for time to first chunk and the partial answer of a failed stream, and ends the span where the
 * round completes, before the caller sees the completion: Spring AI stops a stream's observation
 * only after passing its last signal on. A bare {@code ChatModel.stream} has only the aggregated
 * answer, and its span ends when Spring AI stops the observation.
 *
 * <p><b>Micrometer tracing.</b> Spring Boot groups tracing handlers so that the first one that
 * supports an observation handles it alone. The starter puts this handler first there for model and
 * tool observations ({@code MicrometerTracingHandler}): otherwise Micrometer would also make its
 * own {@code chat {model}} span of each call, without content, and the buffer would keep it as a
 * second interaction. Micrometer still traces the {@code ChatClient} and its advisors.
 *
 * <p>It needs the {@code ObservationRegistry} that Spring AI's models, tool-calling manager and
 * chat clients are built with; the starter registers it there (see {@link
 * OtelLlmAutoConfiguration}). For a registry of your own: {@code
 * registry.observationConfig().observationHandler(OtelLlmObservationHandler.create(tracing))}.
 *
 * <p>Thread-safe; one instance serves every observation. It never throws into Spring AI: a span
 * that cannot be recorded is skipped (core logs its own failures), and the call's own exception
 * reaches the caller unchanged.
 */
public final class OtelLlmObservationHandler implements ObservationHandler<Observation.Context> {

  private static final Class<Context> CALLER = Context.class;
  private static final Class<ListenerSpans.Chat> CHAT = ListenerSpans.Chat.class;
  private static final Class<ListenerSpans.Tool> TOOL = ListenerSpans.Tool.class;
  private static final Object RELAYED = new Object();

  private final ListenerSpans spans;
  private final @Nullable String providerName;
  // Set once Micrometer tracing's handler group delivers the model and tool observations (see
  // MicrometerTracingHandler): while the context starts, before any observation; read on every one
  // after.
  private volatile @Nullable ObservationHandler<?> callHandler;
  // Scopes of chat spans made current on this thread, closed in the reverse order they opened.
  private final ThreadStack<io.opentelemetry.context.Scope> openScopes = new ThreadStack<>();
  // The tools running on this thread, innermost first: a tool may call a model whose tools run here
  // too, and the outer one's failure must still find the outer one.
  private final ThreadStack<ToolCallingObservationContext> runningTools = new ThreadStack<>();

  private OtelLlmObservationHandler(LlmTracing tracing, @Nullable String providerName) {
    this.spans = new ListenerSpans(tracing);
    this.providerName = providerName;
  }

  /**
   * A handler recording into {@code tracing}, naming the provider from the chat options' class
   * ({@code openai} for {@code OpenAiChatOptions}), else from Spring AI's observation.
   */
  public static OtelLlmObservationHandler create(LlmTracing tracing) {
    Objects.requireNonNull(tracing, "tracing");
    return new OtelLlmObservationHandler(tracing, null);
  }

  /** A handler recording into {@code tracing} with {@code gen_ai.provider.name} fixed. */
  public static OtelLlmObservationHandler create(LlmTracing tracing, String providerName) {
    Objects.requireNonNull(tracing, "tracing");
    Objects.requireNonNull(providerName, "providerName");
    if (providerName.isBlank()) {
      throw new IllegalArgumentException("providerName must not be blank");
    }
    return new OtelLlmObservationHandler(tracing, providerName);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ChatClientObservationContext
        || (callHandler == null && isCall(context));
  }

  /** A model call or a tool execution: what becomes a span of this handler. */
  static boolean isCall(Observation.Context context) {
    return context instanceof ChatModelObservationContext
        || context instanceof ToolCallingObservationContext;
  }

  /** From now on, model and tool observations reach this handler through {@code other}. */
  void leaveCallsTo(ObservationHandler<?> other) {
    callHandler = other;
  }

  /** The handler that delivers model and tool observations to this one, if not this one. */
  @Nullable ObservationHandler<?> callHandler() {
    return callHandler;
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
      if (context instanceof ChatModelObservationContext chat) {
        startChat(chat);
      } else if (context instanceof ToolCallingObservationContext tool) {
        startTool(tool);
      } else if (context instanceof ChatClientObservationContext client) {
        context.put(CALLER, AdvisedCall.of(Context.current(), client.getRequest().context()));
      }
    } catch (RuntimeException e) {
      // ListenerSpans logs its own failures; what is left here is reading Spring AI's values.
    }
  }

  @Override
  public void onScopeOpened(Observation.Context context) {
    try {
      if (context instanceof ToolCallingObservationContext tool) {
        runningTools.push(tool);
      } else if (context instanceof ChatModelObservationContext) {
        // The model's own work (its HTTP request) runs in the observation's scope: the chat span
        // is its parent, and the traceparent the provider gets names it.
        ListenerSpans.Chat chat = context.get(CHAT);
        if (chat != null) {
          openScopes.push(chat.makeCurrent());
        }
      }
    } catch (RuntimeException e) {
      // Never into Spring AI.
    }
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    try {
      if (context instanceof ToolCallingObservationContext) {
        runningTools.remove(context);
      } else if (context instanceof ChatModelObservationContext && context.get(CHAT) != null) {
        io.opentelemetry.context.Scope scope = openScopes.pop();
        if (scope != null) {
          scope.close();
        }
      }
    } catch (RuntimeException e) {
      // Never into Spring AI.
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    try {
      if (context instanceof ChatModelObservationContext chat) {
        stopChat(chat);
      } else if (context instanceof ToolCallingObservationContext tool) {
        stopTool(tool);
      }
    } catch (RuntimeException e) {
      // As in onStart: never into Spring AI.
    }
  }

  private void startChat(ChatModelObservationContext context) {
    Context parent = parent(context);
    Prompt prompt = context.getRequest();
    ChatOptions options = prompt.getOptions();
    String model = options == null || options.getModel() == null ? "" : options.getModel();
    ProviderInfo info = ProviderInfo.remote(providerName(context, options), model, "", -1);
    LlmRequest request;
    try {
      request = SpringAiConversion.request(prompt, AdvisedCall.metadata(parent));
    } catch (RuntimeException e) {
      // A prompt this adapter cannot read is still a call: recorded without its content.
      request = LlmRequest.builder().model(model.isEmpty() ? "unknown" : model).build();
    }
    ListenerSpans.Chat chat = spans.startChat(parent, info, request, context.isStreaming());
    context.put(CHAT, chat);
    ChunkRelay relay = ChunkRelay.fromContext(Context.current());
    if (relay != null && context.isStreaming() && relay.attach(chat, context)) {
      context.put(RELAYED, Boolean.TRUE);
    }
  }

  private void stopChat(ChatModelObservationContext context) {
    ListenerSpans.Chat chat = context.get(CHAT);
    if (chat == null || context.containsKey(RELAYED)) {
      // A relayed stream's span ends where the advisor sees the round end (see ChunkRelay).
      return;
    }
    Throwable error = context.getError();
    ChatResponse response = context.getResponse();
    if (error != null) {
      chat.fail(error, SpringAiConversion.errorType(error));
    } else if (response == null && context.isStreaming()) {
      // A stream stops without an answer and without an error only when it is cancelled.
      chat.fail(new CancellationException("stream cancelled"), "cancelled");
    } else {
      chat.succeed(SpringAiConversion.response(response));
    }
  }

  private void startTool(ToolCallingObservationContext context) {
    var definition = context.getToolDefinition();
    ListenerSpans.Tool tool =
        spans.startTool(
            parent(context),
            SpringAiConversion.toolCall(
                context.getToolCallId(), definition.name(), context.getToolCallArguments()),
            definition.description());
    context.put(TOOL, tool);
  }

  private void stopTool(ToolCallingObservationContext context) {
    ListenerSpans.Tool tool = context.get(TOOL);
    if (tool == null) {
      return;
    }
    Throwable error = context.getError();
    if (error != null) {
      tool.fail(toolErrorType(error), error.getMessage());
    } else {
      tool.result(context.getToolCallResult());
    }
    tool.end();
  }

  /**
   * A tool threw and Spring AI's exception processor is about to turn the exception into the result
   * the model gets: the running tool's span is marked failed. Called on the tool's thread.
   */
  void toolFailed(ToolExecutionException exception) {
    ToolCallingObservationContext context = runningTools.peek();
    ListenerSpans.Tool tool = context == null ? null : context.get(TOOL);
    if (tool != null) {
      tool.fail(toolErrorType(exception), exception.getMessage());
    }
  }

  /** The class of what the tool threw, not of Spring AI's wrapper around it. */
  private static String toolErrorType(Throwable error) {
    Throwable cause =
        error instanceof ToolExecutionException && error.getCause() != null
            ? error.getCause()
            : error;
    return cause.getClass().getName();
  }

  private String providerName(ChatModelObservationContext context, @Nullable ChatOptions options) {
    if (providerName != null) {
      return providerName;
    }
    String fromOptions = SpringAiConversion.providerName(options);
    if (!fromOptions.equals("spring_ai")) {
      return fromOptions;
    }
    String observed = context.getOperationMetadata().provider();
    return observed == null || observed.isBlank() ? fromOptions : observed;
  }

  /**
   * The caller's context as the nearest enclosing {@code ChatClient} observation took it (with the
   * call's session and metadata), else the current one (the advisor's, for a client built without
   * an observation registry). With Micrometer tracing, Spring AI makes the enclosing observation's
   * span current where a model or tool call starts; that span, a descendant of the caller's, is
   * then the parent, and the caller's context still gives the baggage.
   */
  private static Context parent(Observation.Context context) {
    Context current = Context.current();
    Context caller = callerOf(context);
    if (caller == null) {
      return current;
    }
    SpanContext here = Span.fromContext(current).getSpanContext();
    SpanContext there = Span.fromContext(caller).getSpanContext();
    if (here.isValid()
        && !here.equals(there)
        && (!there.isValid() || here.getTraceId().equals(there.getTraceId()))) {
      return caller.with(Span.fromContext(current));
    }
    return caller;
  }

  private static @Nullable Context callerOf(Observation.Context context) {
    ObservationView view = context.getParentObservation();
    for (int depth = 0; view != null && depth < 32; depth++) {
      Observation.ContextView parent = view.getContextView();
      Context caller = parent.get(CALLER);
      if (caller != null) {
        return caller;
      }
      view = parent.getParentObservation();
    }
    return null;
  }

  /** A stack per thread, made on the first push and dropped when empty: idle threads hold none. */
  private static final class ThreadStack<T> {
    private final ThreadLocal<java.util.@Nullable ArrayDeque<T>> stacks = new ThreadLocal<>();

    void push(T item) {
      java.util.ArrayDeque<T> stack = stacks.get();
      if (stack == null) {
        stack = new java.util.ArrayDeque<>(2);
        stacks.set(stack);
      }
      stack.push(item);
    }

    @Nullable T peek() {
      java.util.ArrayDeque<T> stack = stacks.get();
      return stack == null ? null : stack.peek();
    }

    @Nullable T pop() {
      java.util.ArrayDeque<T> stack = stacks.get();
      T top = stack == null ? null : stack.poll();
      dropIfEmpty(stack);
      return top;
    }

    void remove(Object item) {
      java.util.ArrayDeque<T> stack = stacks.get();
      if (stack != null) {
        stack.remove(item);
      }
      dropIfEmpty(stack);
    }

    private void dropIfEmpty(java.util.@Nullable ArrayDeque<T> stack) {
      if (stack != null && stack.isEmpty()) {
        stacks.remove();
      }
    }
  }
}
