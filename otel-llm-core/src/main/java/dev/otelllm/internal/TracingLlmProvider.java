package dev.otelllm.internal;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.*;

import dev.otelllm.CallListener;
import dev.otelllm.ContentCapture;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmException;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tracing decorator: one GenAI span per call around any {@link LlmProvider}. Recording never
 * throws into the caller (a recording failure is logged, throttled, and the call goes on); the
 * provider's own exceptions reach the caller unchanged. Thread-safe. Not API: see {@code
 * LlmClient}.
 */
public final class TracingLlmProvider implements LlmProvider {

  private static final Logger logger = Logger.getLogger(TracingLlmProvider.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  private static final String OPERATION = "chat";
  private static final String EMBEDDINGS = "embeddings";

  private final LlmProvider delegate;
  private final Tracer tracer;
  private final GenAiMetrics metrics;
  private final ContentRecorder content;

  public TracingLlmProvider(
      LlmProvider delegate, Tracer tracer, GenAiMetrics metrics, ContentCapture capture) {
    this(delegate, tracer, metrics, capture, dev.otelllm.ContentPlacement.SPAN_ONLY, null);
  }

  /**
   * With content placed as {@code placement} says; {@code events} emits the content events (null:
   * on the span only).
   */
  public TracingLlmProvider(
      LlmProvider delegate,
      Tracer tracer,
      GenAiMetrics metrics,
      ContentCapture capture,
      dev.otelllm.ContentPlacement placement,
      io.opentelemetry.api.logs.Logger events) {
    this.delegate = delegate;
    this.tracer = tracer;
    this.metrics = metrics;
    this.content = new ContentRecorder(capture, placement, events);
  }

  /** Calls whose event content is held now; for tests. */
  int pendingEvents() {
    return content.pendingEvents();
  }

  /** The undecorated provider. */
  public LlmProvider delegate() {
    return delegate;
  }

  @Override
  public ProviderInfo info() {
    return delegate.info();
  }

  @Override
  public GenerationParams sentParams(LlmRequest request) {
    return delegate.sentParams(request);
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    return generate(request, CallListener.NONE);
  }

  @Override
  public LlmResponse generate(LlmRequest request, CallListener listener) {
    ProviderInfo info = delegate.info();
    String model = request.model().orElse(info.model());
    long start = System.nanoTime();
    Span span = start(info, model, request);
    LlmResponse response;
    try (Scope ignored = span.makeCurrent()) {
      response = delegate.generate(request, new SpanRetries(span, listener));
    } catch (Throwable e) {
      // Checked exceptions thrown sneakily (Kotlin, Lombok) end the span too, and rethrow as is.
      fail(span, info, model, e, start);
      throw TracingLlmProvider.<RuntimeException>sneaky(e);
    }
    if (response == null) {
      // What the provider returned reaches the caller unchanged; the span says what happened.
      fail(
          span,
          info,
          model,
          new NullPointerException(delegate.getClass().getName() + ".generate returned null"),
          start);
      return null;
    }
    return succeed(span, info, model, response, start);
  }

  /**
   * Traces one embeddings call as an {@code embeddings {model}} span: the request's encoding
   * format, the vectors' dimension count, input tokens and the response model; failures as for
   * chat. The texts are not recorded (the conventions define no attribute for them).
   */
  @Override
  public dev.otelllm.EmbeddingResponse embed(dev.otelllm.EmbeddingRequest request) {
    return embed(request, CallListener.NONE);
  }

  @Override
  public dev.otelllm.EmbeddingResponse embed(
      dev.otelllm.EmbeddingRequest request, CallListener listener) {
    ProviderInfo info = delegate.info();
    String model = request.model().orElse(info.model());
    long start = System.nanoTime();
    Span span = startEmbeddings(info, model, request);
    dev.otelllm.EmbeddingResponse response;
    try (Scope ignored = span.makeCurrent()) {
      response = delegate.embed(request, new SpanRetries(span, listener));
    } catch (Throwable e) {
      fail(span, info, model, e, start, EMBEDDINGS, null, null);
      throw TracingLlmProvider.<RuntimeException>sneaky(e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try {
      if (span.isRecording() && response != null) {
        if (!response.vectors().isEmpty()) {
          span.setAttribute(
              io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes
                  .GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
              (long) response.dimensionCount());
        }
        response.model().ifPresent(m -> span.setAttribute(GEN_AI_RESPONSE_MODEL, m));
        response
            .usage()
            .ifPresent(u -> span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens()));
      }
      span.end();
      metrics.record(
          EMBEDDINGS,
          info,
          model,
          response == null ? null : response.model().orElse(null),
          null,
          seconds,
          response == null ? null : response.usage().orElse(null));
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the answer of an embeddings call", e);
      endQuietly(span);
    }
    return response;
  }

  private Span startEmbeddings(
      ProviderInfo info, String model, dev.otelllm.EmbeddingRequest request) {
    try {
      SpanBuilder b = GenAiSpans.builder(tracer, EMBEDDINGS, info, model);
      request
          .encodingFormat()
          .ifPresent(f -> b.setAttribute(GEN_AI_REQUEST_ENCODING_FORMATS, List.of(f)));
      Span span = b.startSpan();
      if (span.isRecording()) {
        GenAiSpans.recordMetadata(span, request.metadata(), content.redactor());
      }
      return span;
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING, "could not start the span of an embeddings call; it goes on untraced", e);
      return Span.getInvalid();
    }
  }

  @Override
  public LlmResponse stream(LlmRequest request, java.util.function.Consumer<String> onChunk) {
    return stream(request, onChunk, CallListener.NONE);
  }

  /**
   * Traces one stream. The delegate reports the server's first chunk, the response id, model and
   * usage to this decorator, which passes each report on to {@code listener}.
   */
  @Override
  public LlmResponse stream(
      LlmRequest request, java.util.function.Consumer<String> onChunk, CallListener listener) {
    ProviderInfo info = delegate.info();
    String model = request.model().orElse(info.model());
    long start = System.nanoTime();
    io.opentelemetry.context.Context caller = io.opentelemetry.context.Context.current();
    Span span = start(info, model, request);
    StreamProgress progress =
        new StreamProgress(info, model, metrics, new SpanRetries(span, listener));
    try {
      if (span.isRecording()) {
        span.setAttribute(GEN_AI_REQUEST_STREAM, true);
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the stream flag", e);
    }
    java.util.function.Consumer<String> tracked =
        chunk -> {
          progress.text(chunk);
          // The caller's context (session baggage, workflow) on whatever thread delivers the chunk.
          try (Scope ignored = caller.makeCurrent()) {
            onChunk.accept(chunk);
          }
        };
    LlmResponse response;
    try (Scope ignored = span.makeCurrent()) {
      // Timed from here, after the span started and the request was recorded: the chunk times
      // measure the server, and never exceed the span's own duration.
      progress.start = System.nanoTime();
      response = delegate.stream(request, tracked, progress);
    } catch (Throwable e) {
      progress.recordTiming(span);
      // What the stream said about its answer before it failed: the span keeps it.
      progress.recordAnswerSoFar(span);
      try {
        if (span.isRecording() && progress.hasContent()) {
          content.recordOutput(
              span,
              LlmResponse.builder().content(progress.partial()).finishReason("error").build());
        }
      } catch (RuntimeException recordFailure) {
        failures.log(
            Level.WARNING, "could not record the partial answer of a stream", recordFailure);
      }
      fail(span, info, model, e, start, progress.model, progress.usage);
      throw TracingLlmProvider.<RuntimeException>sneaky(e);
    }
    progress.recordTiming(span);
    if (response == null) {
      fail(
          span,
          info,
          model,
          new NullPointerException(delegate.getClass().getName() + ".stream returned null"),
          start);
      return null;
    }
    return succeed(span, info, model, response, start);
  }

  /**
   * Records the provider's retries as events on the call's span, then passes every report on to the
   * caller's listener.
   */
  private static final class SpanRetries implements CallListener {
    private final Span span;
    private final CallListener next;

    SpanRetries(Span span, CallListener next) {
      this.span = span;
      this.next = next;
    }

    @Override
    public void retrying(
        int failedAttempt, java.time.Duration delay, int httpStatusCode, String errorType) {
      try {
        if (span.isRecording()) {
          GenAiSpans.recordRetry(span, failedAttempt, delay, httpStatusCode, errorType);
        }
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record a retry", e);
      }
      next.retrying(failedAttempt, delay, httpStatusCode, errorType);
    }

    @Override
    public void firstChunk() {
      next.firstChunk();
    }

    @Override
    public void responseId(String id) {
      next.responseId(id);
    }

    @Override
    public void responseModel(String model) {
      next.responseModel(model);
    }

    @Override
    public void usage(Usage usage) {
      next.usage(usage);
    }
  }

  /**
   * Timing, text and reported answer fields of a stream so far; chunks and reports arrive on one
   * thread at a time. The first chunk is the one the delegate reports, or, from a delegate that
   * reports none, the first text.
   */
  private static final class StreamProgress implements CallListener {
    long start;
    private final ProviderInfo info;
    private final String requestModel;
    private final GenAiMetrics metrics;
    private final CallListener next;
    private long firstChunk = -1;
    private long firstText = -1;
    private long last;
    private final StringBuilder partial = new StringBuilder();
    String responseId;
    String model;
    Usage usage;

    StreamProgress(
        ProviderInfo info, String requestModel, GenAiMetrics metrics, CallListener next) {
      this.info = info;
      this.requestModel = requestModel;
      this.metrics = metrics;
      this.next = next;
    }

    @Override
    public void firstChunk() {
      // Once text reached the caller the stream is not retried: a later report cannot be a new
      // attempt's first chunk, only a confused delegate.
      if (firstText < 0) {
        firstChunk = System.nanoTime();
      }
      next.firstChunk();
    }

    @Override
    public void responseId(String id) {
      responseId = id;
      next.responseId(id);
    }

    @Override
    public void retrying(
        int failedAttempt, java.time.Duration delay, int httpStatusCode, String errorType) {
      // What the failed attempt said of its answer is not the answer: the next attempt reports
      // its own, and a span that fails again keeps none of the failed one's.
      responseId = null;
      model = null;
      usage = null;
      next.retrying(failedAttempt, delay, httpStatusCode, errorType);
    }

    @Override
    public void responseModel(String model) {
      this.model = model;
      next.responseModel(model);
    }

    @Override
    public void usage(Usage usage) {
      this.usage = usage;
      next.usage(usage);
    }

    void text(String text) {
      long now = System.nanoTime();
      try {
        if (firstText < 0) {
          firstText = now;
          if (firstChunk < 0) {
            firstChunk = now;
          }
        } else {
          metrics.recordTimePerChunk(info, requestModel, (now - last) / 1e9);
        }
        last = now;
        partial.append(text);
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record a stream chunk", e);
      }
    }

    boolean hasContent() {
      return partial.length() > 0;
    }

    String partial() {
      return partial.toString();
    }

    /**
     * Time to first chunk on the span and in its metric, and time to first text on the span. Both
     * are recorded when the stream ends, as a retry may still replace the first chunk before.
     */
    void recordTiming(Span span) {
      try {
        GenAiSpans.recordStreamTiming(
            span, metrics, info, requestModel, start, firstChunk, firstText);
      } catch (RuntimeException e) {
        failures.log(Level.WARNING, "could not record the time to first chunk", e);
      }
    }

    /** The response id, model and usage the delegate reported, for a stream that failed. */
    void recordAnswerSoFar(Span span) {
      try {
        if (span.isRecording()) {
          if (responseId != null) {
            span.setAttribute(GEN_AI_RESPONSE_ID, responseId);
          }
          if (model != null) {
            span.setAttribute(GEN_AI_RESPONSE_MODEL, model);
          }
          if (usage != null) {
            GenAiSpans.recordUsage(span, usage);
          }
        }
      } catch (RuntimeException e) {
        failures.log(
            Level.WARNING, "could not record what a failed stream said about its answer", e);
      }
    }
  }

  private Span start(ProviderInfo info, String model, LlmRequest request) {
    Span span;
    try {
      span = GenAiSpans.builder(tracer, OPERATION, info, model).startSpan();
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING, "could not start the span of an LLM call; the call goes on untraced", e);
      return Span.getInvalid();
    }
    try {
      if (span.isRecording()) {
        GenAiSpans.recordParams(span, recordedParams(request));
        GenAiSpans.recordMetadata(span, request.metadata(), content.redactor());
        content.recordInput(span, request);
      }
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING,
          "could not record the request of an LLM call; the span goes on without it",
          e);
    }
    return span;
  }

  /** What the provider sends, or what the request asked for when the provider cannot say. */
  private GenerationParams recordedParams(LlmRequest request) {
    GenerationParams sent = null;
    try {
      sent = delegate.sentParams(request);
    } catch (RuntimeException e) {
      failures.log(
          Level.WARNING,
          "could not learn the parameters the provider sends; recording the requested ones",
          e);
    }
    return sent == null ? request.params() : sent;
  }

  private LlmResponse succeed(
      Span span, ProviderInfo info, String model, LlmResponse response, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    SpanContext ctx = span.getSpanContext();
    try {
      if (span.isRecording()) {
        GenAiSpans.recordAnswer(span, response);
        content.recordOutput(span, response);
      }
      content.emitEvent(
          span,
          GenAiSpans.eventAttributes(
              OPERATION,
              info,
              model,
              response.responseId().orElse(null),
              response.model().orElse(null)));
      span.end();
      metrics.record(
          OPERATION,
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
      // Whatever went wrong above, the call's collected content is not held any longer.
      content.discard(span);
    }
    if (!ctx.isValid()) {
      return response;
    }
    return response.toBuilder().trace(ctx.getTraceId(), ctx.getSpanId()).build();
  }

  private void fail(Span span, ProviderInfo info, String model, Throwable error, long start) {
    fail(span, info, model, error, start, OPERATION, null, null);
  }

  private void fail(
      Span span,
      ProviderInfo info,
      String model,
      Throwable error,
      long start,
      String responseModel,
      Usage usage) {
    fail(span, info, model, error, start, OPERATION, responseModel, usage);
  }

  /**
   * Ends the span of a failed call.
   *
   * @param responseModel the model a failed stream named before it failed, or null
   * @param usage the token counts a failed stream reported before it failed, or null
   */
  private void fail(
      Span span,
      ProviderInfo info,
      String model,
      Throwable error,
      long start,
      String operation,
      String responseModel,
      Usage usage) {
    double seconds = (System.nanoTime() - start) / 1e9;
    try {
      String type = error instanceof LlmException le ? le.errorType() : error.getClass().getName();
      if (span.isRecording()) {
        GenAiSpans.recordFailure(
            span, error, type, operation.equals(OPERATION), content.redactor());
      }
      content.emitEvent(
          span, GenAiSpans.eventAttributes(operation, info, model, null, responseModel));
      span.end();
      metrics.record(operation, info, model, responseModel, type, seconds, usage);
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not record the failure of an LLM call", e);
      endQuietly(span);
    } finally {
      content.discard(span);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private static void endQuietly(Span span) {
    GenAiSpans.endQuietly(span);
  }
}
