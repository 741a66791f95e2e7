package dev.otelllm.internal;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.*;

import dev.otelllm.GenerationParams;
import dev.otelllm.LlmResponse;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The one place that starts the library's GenAI spans — model calls ({@code chat}, {@code
 * embeddings}), tool executions ({@code execute_tool}), agent invocations ({@code invoke_agent})
 * and workflows ({@code invoke_workflow}) — and says what a model-call span gets, whoever records
 * the call: this library's provider decorator ({@link TracingLlmProvider}), the framework adapters'
 * observer callbacks ({@link ListenerSpans}) and the public scopes ({@code WorkflowScope}, {@code
 * ToolScope}). One place for the span's name and kind, its request, answer and failure attributes
 * and the identity of its content event, so both record the same thing. Static and stateless. Not
 * API.
 */
public final class GenAiSpans {
  private GenAiSpans() {}

  /**
   * A span builder for one tool execution: {@code "execute_tool {name}"}, INTERNAL, with the tool's
   * name, type, call id and description (when there is one). Arguments and result are content,
   * recorded by the caller under its capture policy.
   */
  public static SpanBuilder toolBuilder(
      Tracer tracer, dev.otelllm.Part.ToolCall call, @Nullable String description) {
    SpanBuilder b =
        tracer
            .spanBuilder("execute_tool " + call.name())
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(GEN_AI_OPERATION_NAME, "execute_tool")
            .setAttribute(GEN_AI_TOOL_NAME, call.name())
            .setAttribute(GEN_AI_TOOL_TYPE, "function");
    if (!call.id().isEmpty()) {
      b.setAttribute(GEN_AI_TOOL_CALL_ID, call.id());
    }
    if (description != null && !description.isEmpty()) {
      b.setAttribute(GEN_AI_TOOL_DESCRIPTION, description);
    }
    return b;
  }

  /**
   * A span builder for one invocation of an agent that runs in this process: {@code "invoke_agent
   * {name}"}, INTERNAL, with the agent's name, the provider it calls and, when known, the model.
   * Its children are the invocation's model calls and tool executions; content is recorded by the
   * caller under its capture policy.
   */
  public static SpanBuilder agentBuilder(Tracer tracer, String name, ProviderInfo info) {
    SpanBuilder b =
        tracer
            .spanBuilder("invoke_agent " + name)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(GEN_AI_OPERATION_NAME, "invoke_agent")
            .setAttribute(GEN_AI_AGENT_NAME, name)
            .setAttribute(GEN_AI_PROVIDER_NAME, info.providerName());
    if (!info.model().isEmpty()) {
      b.setAttribute(GEN_AI_REQUEST_MODEL, info.model());
    }
    return b;
  }

  /** A span builder for a workflow: {@code "invoke_workflow {name}"}, INTERNAL, with its name. */
  public static SpanBuilder workflowBuilder(Tracer tracer, String name) {
    return tracer
        .spanBuilder("invoke_workflow " + name)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(GEN_AI_OPERATION_NAME, "invoke_workflow")
        .setAttribute(GEN_AI_WORKFLOW_NAME, name);
  }

  /**
   * A span builder for {@code operation} ({@code chat}, {@code embeddings}) on this provider and
   * model: {@code "{operation} {model}"}, CLIENT (INTERNAL for a model in the process), operation,
   * provider, model and server.
   */
  static SpanBuilder builder(Tracer tracer, String operation, ProviderInfo info, String model) {
    SpanBuilder b =
        tracer
            .spanBuilder(model.isEmpty() ? operation : operation + " " + model)
            .setSpanKind(info.inProcess() ? SpanKind.INTERNAL : SpanKind.CLIENT)
            .setAttribute(GEN_AI_OPERATION_NAME, operation)
            .setAttribute(GEN_AI_PROVIDER_NAME, info.providerName())
            .setAttribute(GEN_AI_REQUEST_MODEL, model);
    if (!info.serverAddress().isEmpty()) {
      b.setAttribute(ServerAttributes.SERVER_ADDRESS, info.serverAddress());
    }
    if (info.serverPort() >= 0) {
      b.setAttribute(ServerAttributes.SERVER_PORT, (long) info.serverPort());
    }
    return b;
  }

  /**
   * One retry of the call as an {@code otel_llm.request.retry} event (the GenAI conventions define
   * none): the failed attempt, the wait, and the HTTP status, or for an error inside a stream its
   * {@code error.type}.
   */
  public static void recordRetry(
      Span span,
      int failedAttempt,
      java.time.Duration delay,
      int httpStatusCode,
      String errorType) {
    AttributesBuilder event = Attributes.builder().put("otel_llm.retry.attempt", failedAttempt);
    if (httpStatusCode > 0) {
      event.put("http.response.status_code", httpStatusCode);
    } else {
      event.put(ErrorAttributes.ERROR_TYPE, errorType);
    }
    span.addEvent(
        "otel_llm.request.retry", event.put("otel_llm.retry.delay_ms", delay.toMillis()).build());
  }

  /** The request parameters that were sent. */
  static void recordParams(Span span, GenerationParams p) {
    p.temperature().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_TEMPERATURE, v));
    p.maxTokens().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, (long) v));
    p.topP().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_TOP_P, v));
    p.topK().ifPresent(v -> span.setAttribute(GenAiKeys.REQUEST_TOP_K, (long) v));
    p.seed().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_SEED, v));
    if (!p.stopSequences().isEmpty()) {
      span.setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, p.stopSequences());
    }
    p.frequencyPenalty().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_FREQUENCY_PENALTY, v));
    p.presencePenalty().ifPresent(v -> span.setAttribute(GEN_AI_REQUEST_PRESENCE_PENALTY, v));
    p.choiceCount()
        .ifPresent(
            v -> {
              if (v != 1) {
                span.setAttribute(GEN_AI_REQUEST_CHOICE_COUNT, (long) v);
              }
            });
    p.outputType().ifPresent(v -> span.setAttribute(GEN_AI_OUTPUT_TYPE, v));
    for (Map.Entry<String, Object> e : p.extra().entrySet()) {
      TypedAttributes.set(span, GenAiKeys.EXTRA_PARAM_PREFIX, e.getKey(), e.getValue());
    }
  }

  /** The call's metadata, its texts through the redactor like content. */
  static void recordMetadata(
      Span span, Map<String, Object> metadata, UnaryOperator<String> redactor) {
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Object value =
          redactor == UnaryOperator.<String>identity()
              ? e.getValue()
              : JsonTree.mapStrings(e.getValue(), t -> ErrorTexts.redact(t, redactor));
      TypedAttributes.set(span, GenAiKeys.METADATA_PREFIX, e.getKey(), value);
    }
  }

  /**
   * The answer's attributes: the provider's own finish reason, response id and model, usage, and
   * the provider's own attributes (in its namespace, which {@link LlmResponse} checks).
   */
  static void recordAnswer(Span span, LlmResponse response) {
    response
        .rawFinishReason()
        .ifPresent(r -> span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(r)));
    response.responseId().ifPresent(id -> span.setAttribute(GEN_AI_RESPONSE_ID, id));
    response.model().ifPresent(m -> span.setAttribute(GEN_AI_RESPONSE_MODEL, m));
    response.usage().ifPresent(u -> recordUsage(span, u));
    response
        .providerAttributes()
        .forEach((name, value) -> TypedAttributes.set(span, "", name, value));
  }

  static void recordUsage(Span span, Usage u) {
    span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens());
    span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens());
    if (u.cacheReadInputTokens() > 0) {
      span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadInputTokens());
    }
    if (u.cacheCreationInputTokens() > 0) {
      span.setAttribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreationInputTokens());
    }
    if (u.reasoningOutputTokens() > 0) {
      span.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoningOutputTokens());
    }
  }

  /**
   * A failure: {@code error.type}, finish reason {@code error} for a chat call, ERROR status and
   * the exception event with its texts through the redactor.
   */
  static void recordFailure(
      Span span, Throwable error, String errorType, boolean chat, UnaryOperator<String> redactor) {
    span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
    if (chat) {
      span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("error"));
    }
    String message = ErrorTexts.record(span, error, errorType, redactor);
    if (message != null) {
      span.setAttribute(GenAiKeys.ERROR_MESSAGE, message);
    }
  }

  /**
   * A stream's timings, from the same clock as {@code start}: time to the first chunk the server
   * sent (span attribute and metric) and to the first text (span attribute); a time that is
   * negative was never reached and is not recorded.
   */
  static void recordStreamTiming(
      Span span,
      GenAiMetrics metrics,
      ProviderInfo info,
      String model,
      long start,
      long firstChunk,
      long firstText) {
    if (firstChunk >= 0) {
      double seconds = (firstChunk - start) / 1e9;
      metrics.recordTimeToFirstChunk(info, model, seconds);
      if (span.isRecording()) {
        span.setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
      }
    }
    if (firstText >= 0 && span.isRecording()) {
      span.setAttribute(GenAiKeys.RESPONSE_TIME_TO_FIRST_TEXT, (firstText - start) / 1e9);
    }
  }

  /** What names the call on its content event, as on its span. */
  static Attributes eventAttributes(
      String operation, ProviderInfo info, String model, String responseId, String responseModel) {
    AttributesBuilder b =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, operation)
            .put(GEN_AI_PROVIDER_NAME, info.providerName())
            .put(GEN_AI_REQUEST_MODEL, model);
    if (responseId != null) {
      b.put(GEN_AI_RESPONSE_ID, responseId);
    }
    if (responseModel != null) {
      b.put(GEN_AI_RESPONSE_MODEL, responseModel);
    }
    return b.build();
  }

  /** Ends a span after a recording failure the caller already logged. */
  static void endQuietly(Span span) {
    try {
      span.end();
    } catch (RuntimeException ignored) {
      // ending twice is a no-op in the SDK
    }
  }
}
