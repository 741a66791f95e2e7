package dev.otelllm;

import dev.otelllm.internal.GenAiSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Objects;

/**
 * The execution of one tool call as an {@code execute_tool {name}} span (INTERNAL, with {@code
 * gen_ai.tool.name}, {@code gen_ai.tool.call.id}, {@code gen_ai.tool.type}), current on the opening
 * thread until closed, and {@code gen_ai.tool.description} when the tool's definition was given.
 * Arguments and result are recorded ({@code gen_ai.tool.call.arguments} / {@code .result}) only
 * when the tracing's content capture is full, through its redactor: structured when the capture is,
 * as JSON strings cut to its byte budget when it is {@code asJsonString()} or has one; exporters
 * apply the export content policy to them like to the messages. Use with try-with-resources:
 *
 * <pre>{@code
 * try (ToolScope tool = llm.tool(call)) {
 *   Object result = weather(call.arguments());
 *   tool.result(result);
 * }
 * }</pre>
 */
public final class ToolScope implements AutoCloseable {

  private static final String ARGUMENTS = "gen_ai.tool.call.arguments";
  private static final String RESULT = "gen_ai.tool.call.result";

  private final Span span;
  private final Scope scope;
  private final boolean content;
  private final ContentCapture capture;
  private boolean closed;

  private ToolScope(Span span, Scope scope, ContentCapture capture) {
    this.span = span;
    this.scope = scope;
    this.capture = capture;
    this.content = capture.mode() == ContentCapture.Mode.FULL;
  }

  static ToolScope open(
      Tracer tracer, Part.ToolCall call, String description, ContentCapture capture) {
    Objects.requireNonNull(call, "call");
    Span span = GenAiSpans.toolBuilder(tracer, call, description).startSpan();
    ToolScope scope = new ToolScope(span, span.makeCurrent(), capture);
    if (scope.content) {
      scope.record(ARGUMENTS, call.arguments());
    }
    return scope;
  }

  static ToolScope noop() {
    return new ToolScope(Span.getInvalid(), Scope.noop(), ContentCapture.none());
  }

  /**
   * Records a tool's arguments or result through the capture's redactor: structured (an attribute
   * of type any) when the capture is, a JSON string within the byte budget otherwise.
   */
  private void record(String key, Object tree) {
    // A redactor that fails or answers null must neither reach the application nor let the text
    // through.
    java.util.function.UnaryOperator<String> redact =
        t -> dev.otelllm.internal.ErrorTexts.redact(t, capture.redactor());
    if (!capture.isJsonString() && capture.maxBytes() == 0) {
      span.setAttribute(
          AttributeKey.valueKey(key),
          dev.otelllm.internal.JsonTree.toValue(
              dev.otelllm.internal.JsonTree.mapStrings(tree, redact)));
      return;
    }
    String text =
        redact.apply(tree instanceof String s ? s : dev.otelllm.internal.JsonTree.toJson(tree));
    span.setAttribute(
        AttributeKey.stringKey(key),
        capture.maxBytes() > 0
            ? dev.otelllm.internal.ContentTruncator.cut(text, capture.maxBytes())
            : text);
  }

  /** Records what the tool returned (a string or a JSON-like tree), when content is captured. */
  public void result(Object result) {
    if (content && result != null) {
      record(
          RESULT,
          result instanceof String s ? s : dev.otelllm.internal.JsonTree.copy(result, "result"));
    }
  }

  /** Marks the execution as failed with this error; the scope still has to be closed. */
  public void recordFailure(Throwable error) {
    WorkflowScope.fail(span, error, capture.redactor());
  }

  /** Ends the span and restores the previous context. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      scope.close();
      span.end();
    }
  }
}
