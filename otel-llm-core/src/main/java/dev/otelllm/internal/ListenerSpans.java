package dev.otelllm.internal;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.*;

import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * GenAI spans for model calls that a framework makes and reports through callbacks (LangChain4j's
 * {@code ChatModelListener}, its tool-execution hooks): the span starts in one callback and ends in
 * another, possibly on another thread, under the parent context the caller names, never the current
 * one of whichever thread ends it. A chat span records what {@link TracingLlmProvider} records for
 * a call of its own — name, kind, attributes, metadata, content under the tracing's content
 * capture, usage, finish reasons, error texts, stream timings and the client metrics — so the
 * interaction lands in the buffer the same way. Execute-tool spans record what {@code ToolScope}
 * does, without becoming current (a framework hook cannot promise to close a scope). Agent spans
 * ({@code invoke_agent}) group one invocation of a framework's agent: its model calls and tool
 * executions start under the agent's context; they are not interactions and stay out of the buffer.
 *
 * <p>Recording never throws: failures are logged (throttled) and the call goes on. Each span ends
 * exactly once, whichever callback comes first. Thread-safe.
 *
 * <p>Not API: public for this library's framework adapter modules; it may change in any release.
 */
public final class ListenerSpans {

  private static final Logger logger = Logger.getLogger(ListenerSpans.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  private static final String CHAT = "chat";
  private static final AttributeKey<String> TOOL_ARGUMENTS =
      AttributeKey.stringKey(GenAiKeys.TOOL_CALL_ARGUMENTS);
  private static final AttributeKey<String> TOOL_RESULT =
      AttributeKey.stringKey(GenAiKeys.TOOL_CALL_RESULT);

  private final Tracer tracer;
  private final GenAiMetrics metrics;
  private final ContentCapture capture;
  private final ContentRecorder content;
  // Agent content goes on the span only, as the content event is defined for inference calls; null
  // when the placement keeps content off spans.
  private final @Nullable ContentRecorder agentContent;

  /** Spans and metrics of {@code tracing}, under its content capture and placement. */
  public ListenerSpans(LlmTracing tracing) {
    Objects.requireNonNull(tracing, "tracing");
    this.tracer = tracing.openTelemetry().getTracer(LlmTracing.INSTRUMENTATION_NAME);
    this.metrics =
        new GenAiMetrics(tracing.openTelemetry().getMeter(LlmTracing.INSTRUMENTATION_NAME));
    this.capture = tracing.contentCapture();
    ContentPlacement placement = tracing.contentPlacement();
    this.content =
        new ContentRecorder(
            capture,
            placement,
            placement.onEvent()
                ? tracing.openTelemetry().getLogsBridge().get(LlmTracing.INSTRUMENTATION_NAME)
                : null);
    this.agentContent = placement.onSpan() ? new ContentRecorder(capture) : null;
  }

  /**
   * Starts the {@code chat {model}} span of one call as a child of {@code parent} (whose baggage
   * the session processor copies). The model is the request's, else {@code info}'s.
   *
   * @param stream true when the call is known to stream ({@code gen_ai.request.stream})
   */
  public Chat startChat(Context parent, ProviderInfo info, LlmRequest request, boolean stream) {
    String model = request.model().orElse(info.model());
    long start = System.nanoTime();
    Span span;
    try {
      span = GenAiSpans.builder(tracer, CHAT, info, model).setParent(parent).startSpan();
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING, "could not start the span of an LLM call; the call goes on untraced", e);
      span = Span.getInvalid();
    }
    try {
      if (span.isRecording()) {
        if (stream) {
          span.setAttribute(GEN_AI_REQUEST_STREAM, true);
        }
        recordRequest(span, request);
      }
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING,
          "could not record the request of an LLM call; the span goes on without it",
          e);
    }
    return new Chat(span, info, model, start);
  }

  private void recordRequest(Span span, LlmRequest request) {
    GenAiSpans.recordParams(span, request.params());
    GenAiSpans.recordMetadata(span, request.metadata(), content.redactor());
    content.recordInput(span, request);
  }

  /**
   * The span of one chat call in flight. Stream reports ({@link #chunk}, {@link #text}) come from
   * one thread at a time; {@link #succeed} and {@link #fail} from any thread, and only the first of
   * them ends the span.
   */
  public final class Chat {
    private final Span span;
    private final ProviderInfo info;
    private final String model;
    private final long start;
    private final AtomicBoolean ended = new AtomicBoolean();
    // Written by the thread that delivers the chunks, read by the one that ends the span: volatile,
    // as a framework may end the span on a thread other than the last chunk's.
    private volatile long firstChunk = -1;
    private volatile long firstText = -1;
    private volatile long lastText;
    private final StringBuilder partial = new StringBuilder();

    private Chat(Span span, ProviderInfo info, String model, long start) {
      this.span = span;
      this.info = info;
      this.model = model;
      this.start = start;
    }

    /**
     * Makes the span current on this thread, within the current context (its baggage stays), for
     * what runs inside the model call: the HTTP request to the provider, so that its client span
     * and the {@code traceparent} it sends name this chat span. Close the scope on the same thread.
     */
    public io.opentelemetry.context.Scope makeCurrent() {
      return span.makeCurrent();
    }

    /** The span's context, invalid when the span could not be started. */
    public SpanContext spanContext() {
      return span.getSpanContext();
    }

    /** True once the span has ended. */
    public boolean isEnded() {
      return ended.get();
    }

    /** A chunk without text arrived (a role, a tool-call fragment, reasoning). */
    public void chunk() {
      if (firstChunk < 0) {
        firstChunk = System.nanoTime();
      }
    }

    /** A chunk of answer text arrived; kept for the partial answer of a stream that fails. */
    public void text(String text) {
      long now = System.nanoTime();
      try {
        if (firstText < 0) {
          firstText = now;
          if (firstChunk < 0) {
            firstChunk = now;
          }
        } else {
          metrics.recordTimePerChunk(info, model, (now - lastText) / 1e9);
        }
        lastText = now;
        synchronized (partial) {
          partial.append(text);
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record a stream chunk", e);
      }
    }

    /**
     * Ends the span with the answer: finish reason as given ({@code
     * gen_ai.response.finish_reasons}) and normalized in the output message, response id and model,
     * usage, provider attributes, output content, stream timings; then records the metrics.
     *
     * @return false when the span had already ended (nothing recorded)
     */
    public boolean succeed(LlmResponse response) {
      Objects.requireNonNull(response, "response");
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      try {
        recordTiming();
        if (span.isRecording()) {
          GenAiSpans.recordAnswer(span, response);
          content.recordOutput(span, response);
        }
        content.emitEvent(
            span,
            eventAttributes(response.responseId().orElse(null), response.model().orElse(null)));
        span.end();
        metrics.record(
            CHAT,
            info,
            model,
            response.model().orElse(null),
            null,
            seconds,
            response.usage().orElse(null));
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the answer of an LLM call", e);
        endQuietly(span);
      } finally {
        content.discard(span);
      }
      return true;
    }

    /**
     * Ends the span of a failed call: {@code error.type}, finish reason {@code error}, ERROR status
     * and the exception event (texts through the redactor), the partial answer of a stream, the
     * stream timings; then records the metrics with the error type.
     *
     * @param errorType a low-cardinality code ({@code 429}, {@code timeout}) or the exception class
     * @return false when the span had already ended (nothing recorded)
     */
    public boolean fail(Throwable error, String errorType) {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(errorType, "errorType");
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      try {
        recordTiming();
        if (span.isRecording()) {
          String soFar;
          synchronized (partial) {
            soFar = partial.toString();
          }
          if (!soFar.isEmpty()) {
            content.recordOutput(
                span, LlmResponse.builder().content(soFar).finishReason("error").build());
          }
          GenAiSpans.recordFailure(span, error, errorType, true, content.redactor());
        }
        content.emitEvent(span, eventAttributes(null, null));
        span.end();
        metrics.record(CHAT, info, model, null, errorType, seconds, null);
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the failure of an LLM call", e);
        endQuietly(span);
      } finally {
        content.discard(span);
      }
      return true;
    }

    /** What names the call on its content event, as on its span. */
    private Attributes eventAttributes(
        @Nullable String responseId, @Nullable String responseModel) {
      return GenAiSpans.eventAttributes(CHAT, info, model, responseId, responseModel);
    }

    private void recordTiming() {
      GenAiSpans.recordStreamTiming(span, metrics, info, model, start, firstChunk, firstText);
    }
  }

  /**
   * Starts the {@code execute_tool {name}} span (INTERNAL) of one tool call as a child of {@code
   * parent}, without making it current. Arguments are recorded only under full content capture,
   * through the redactor, within the byte budget.
   */
  public Tool startTool(Context parent, Part.ToolCall call, @Nullable String description) {
    Objects.requireNonNull(call, "call");
    Span span;
    try {
      SpanBuilder b = GenAiSpans.toolBuilder(tracer, call, description).setParent(parent);
      span = b.startSpan();
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not start the span of a tool execution", e);
      span = Span.getInvalid();
    }
    Tool tool = new Tool(span);
    try {
      if (span.isRecording()) {
        tool.record(GenAiKeys.TOOL_CALL_ARGUMENTS, TOOL_ARGUMENTS, call.arguments());
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the arguments of a tool call", e);
    }
    return tool;
  }

  /** The span of one tool execution in flight; {@link #end} ends it once, from any thread. */
  public final class Tool {
    private final Span span;
    private final AtomicBoolean ended = new AtomicBoolean();

    private Tool(Span span) {
      this.span = span;
    }

    /** The span's context, invalid when the span could not be started. */
    public SpanContext spanContext() {
      return span.getSpanContext();
    }

    /** Records what the tool returned (a string or a JSON-like tree) under full capture. */
    public void result(@Nullable Object result) {
      try {
        if (result != null && span.isRecording() && !ended.get()) {
          record(
              GenAiKeys.TOOL_CALL_RESULT,
              TOOL_RESULT,
              result instanceof String s ? s : JsonTree.copy(result, "result"));
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the result of a tool call", e);
      }
    }

    /**
     * Marks the execution failed: {@code error.type} and ERROR status whose description is {@code
     * message} through the redactor (an error text, recorded in every capture mode).
     */
    public void fail(String errorType, @Nullable String message) {
      try {
        if (span.isRecording() && !ended.get()) {
          span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
          String redacted = ErrorTexts.redact(message, capture.redactor());
          span.setStatus(StatusCode.ERROR, redacted == null ? errorType : redacted);
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the failure of a tool call", e);
      }
    }

    /** Ends the span. Idempotent. */
    public void end() {
      if (ended.compareAndSet(false, true)) {
        endQuietly(span);
      }
    }

    private void record(String key, AttributeKey<String> stringKey, Object tree) {
      if (capture.mode() != ContentCapture.Mode.FULL) {
        return;
      }
      // A redactor that fails or answers null must neither reach the application nor let the text
      // through.
      UnaryOperator<String> redact = t -> ErrorTexts.redact(t, capture.redactor());
      if (!capture.isJsonString() && capture.maxBytes() == 0) {
        span.setAttribute(
            AttributeKey.valueKey(key), JsonTree.toValue(JsonTree.mapStrings(tree, redact)));
        return;
      }
      String text = redact.apply(tree instanceof String s ? s : JsonTree.toJson(tree));
      span.setAttribute(
          stringKey,
          capture.maxBytes() > 0 ? ContentTruncator.cut(text, capture.maxBytes()) : text);
    }
  }

  /**
   * Starts the {@code invoke_agent {name}} span (INTERNAL) of one agent invocation as a child of
   * {@code parent}, without making it current: the invocation's model calls and tool executions
   * start under {@link Agent#context()}. The span gets {@code gen_ai.conversation.id} from the
   * parent's baggage when it has one. Of {@code input}, the metadata is recorded as a call's is;
   * system instructions and input messages are content, recorded under the content capture when the
   * placement puts content on spans.
   *
   * @param info the provider and model the agent calls (the model may be empty)
   */
  public Agent startAgent(
      Context parent, String name, ProviderInfo info, @Nullable LlmRequest input) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(info, "info");
    Span span;
    try {
      SpanBuilder b = GenAiSpans.agentBuilder(tracer, name, info).setParent(parent);
      String conversation =
          Baggage.fromContext(parent).getEntryValue(SessionBaggageSpanProcessor.CONVERSATION_ID);
      if (conversation != null && !conversation.isEmpty()) {
        b.setAttribute(GEN_AI_CONVERSATION_ID, conversation);
      }
      span = b.startSpan();
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not start the span of an agent invocation", e);
      span = Span.getInvalid();
    }
    try {
      if (input != null && span.isRecording()) {
        GenAiSpans.recordMetadata(span, input.metadata(), content.redactor());
        if (agentContent != null) {
          agentContent.recordInput(span, input);
        }
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the input of an agent invocation", e);
    }
    return new Agent(span, parent.with(span));
  }

  /**
   * The span of one agent invocation in flight. {@link #succeed} and both {@code fail} methods end
   * it, from any thread; only the first of them records anything.
   */
  public final class Agent {
    private final Span span;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();

    private Agent(Span span, Context context) {
      this.span = span;
      this.context = context;
    }

    /** The parent context with this span: the parent of the invocation's own spans. */
    public Context context() {
      return context;
    }

    /** The span's context, invalid when the span could not be started. */
    public SpanContext spanContext() {
      return span.getSpanContext();
    }

    /** True once the span has ended. */
    public boolean isEnded() {
      return ended.get();
    }

    /**
     * Ends the span of an invocation that completed, with its answer as output content when there
     * is one (under the content capture, on the span).
     *
     * @return false when the span had already ended (nothing recorded)
     */
    public boolean succeed(@Nullable LlmResponse output) {
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      try {
        if (output != null && agentContent != null && span.isRecording()) {
          agentContent.recordOutput(span, output);
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the answer of an agent invocation", e);
      }
      endQuietly(span);
      return true;
    }

    /**
     * Ends the span of a failed invocation: {@code error.type}, ERROR status and the exception
     * event, its texts through the redactor.
     *
     * @param errorType a low-cardinality code ({@code 429}, {@code timeout}) or the exception class
     * @return false when the span had already ended (nothing recorded)
     */
    public boolean fail(Throwable error, String errorType) {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(errorType, "errorType");
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      try {
        if (span.isRecording()) {
          GenAiSpans.recordFailure(span, error, errorType, false, capture.redactor());
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the failure of an agent invocation", e);
      }
      endQuietly(span);
      return true;
    }

    /**
     * Ends the span of an invocation that failed without an exception to show (one that never
     * reported its end): {@code error.type} and ERROR status whose description is {@code message}.
     *
     * @return false when the span had already ended (nothing recorded)
     */
    public boolean fail(String errorType, String message) {
      Objects.requireNonNull(errorType, "errorType");
      Objects.requireNonNull(message, "message");
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      try {
        if (span.isRecording()) {
          span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
          span.setStatus(StatusCode.ERROR, message);
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the failure of an agent invocation", e);
      }
      endQuietly(span);
      return true;
    }
  }

  private static void endQuietly(Span span) {
    try {
      span.end();
    } catch (RuntimeException ignored) {
      // Already logged once by the caller; ending twice is a no-op in the SDK.
    }
  }
}
