package dev.otelllm;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.util.Objects;

/**
 * The execution of one tool call as an {@code execute_tool {name}} span (INTERNAL, with {@code
 * gen_ai.tool.name}, {@code gen_ai.tool.call.id}, {@code gen_ai.tool.type}), current on the opening
 * thread until closed. Arguments and result are recorded ({@code gen_ai.tool.call.arguments} /
 * {@code .result}) only when the tracing's content capture is full, through its redactor and
 * within its byte budget; exporters apply the export content policy to them like to the messages. Use with try-with-resources:
 *
 * <pre>{@code
 * try (ToolScope tool = llm.tool(call)) {
 *   Object result = weather(call.arguments());
 *   tool.result(result);
 * }
 * }</pre>
 */
public final class ToolScope implements AutoCloseable {

  private static final AttributeKey<String> ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");

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

  static ToolScope open(Tracer tracer, Part.ToolCall call, ContentCapture capture) {
    Objects.requireNonNull(call, "call");
    Span span = tracer.spanBuilder("execute_tool " + call.name())
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, "execute_tool")
        .setAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_NAME, call.name())
        .setAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_TYPE, "function")
        .startSpan();
    if (!call.id().isEmpty()) {
      span.setAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID, call.id());
    }
    ToolScope scope = new ToolScope(span, span.makeCurrent(), capture);
    if (scope.content) {
      span.setAttribute(ARGUMENTS, scope.recordable(dev.otelllm.internal.JsonTree.toJson(call.arguments())));
    }
    return scope;
  }

  static ToolScope noop() {
    return new ToolScope(Span.getInvalid(), Scope.noop(), ContentCapture.none());
  }

  /** Through the capture's redactor and within its byte budget. */
  private String recordable(String text) {
    // A redactor that fails or answers null must neither reach the application nor let the text through.
    String out = dev.otelllm.internal.ErrorTexts.redact(text, capture.redactor());
    return capture.maxBytes() > 0 ? dev.otelllm.internal.ContentTruncator.cut(out, capture.maxBytes()) : out;
  }

  /** Records what the tool returned (a string or a JSON-like tree), when content is captured. */
  public void result(Object result) {
    if (content && result != null) {
      span.setAttribute(RESULT, recordable(result instanceof String s ? s
          : dev.otelllm.internal.JsonTree.toJson(dev.otelllm.internal.JsonTree.copy(result, "result"))));
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
