package dev.otelllm;

import dev.otelllm.internal.ErrorTexts;
import dev.otelllm.internal.GenAiSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An {@code invoke_workflow {name}} span that is current on the opening thread until closed: the
 * interactions of one run (code generation, its retries, a final prose step) become its children,
 * one tree in Jaeger or Tempo. Use with try-with-resources, on one thread; the context can be
 * handed to other threads with {@code Context.current().wrap(...)}.
 */
public final class WorkflowScope implements AutoCloseable {

  private final Span span;
  private final Scope scope;
  private final String name;
  private final UnaryOperator<String> redactor;
  private boolean closed;

  private WorkflowScope(Span span, Scope scope, String name, UnaryOperator<String> redactor) {
    this.span = span;
    this.scope = scope;
    this.name = name;
    this.redactor = redactor;
  }

  static WorkflowScope open(Tracer tracer, String name, UnaryOperator<String> redactor) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("workflow name must not be blank");
    }
    Span span = GenAiSpans.workflowBuilder(tracer, name).startSpan();
    return new WorkflowScope(span, span.makeCurrent(), name, redactor);
  }

  /** A scope that records nothing, for clients with tracing off. */
  static WorkflowScope noop(String name) {
    Objects.requireNonNull(name, "name");
    return new WorkflowScope(Span.getInvalid(), Scope.noop(), name, UnaryOperator.identity());
  }

  public String name() {
    return name;
  }

  /** The trace id shared by every interaction of this run (all zeros when not traced). */
  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  /** The workflow span's id: the parent span id of its interactions. */
  public String spanId() {
    return span.getSpanContext().getSpanId();
  }

  /**
   * Marks the run as failed with this error (its texts through the content capture's redactor); the
   * scope still has to be closed.
   */
  public void recordFailure(Throwable error) {
    fail(span, error, redactor);
  }

  /** Marks a span as failed: error.type, ERROR status with the message, the exception event. */
  static void fail(Span span, Throwable error, UnaryOperator<String> redactor) {
    Objects.requireNonNull(error, "error");
    String type = error.getClass().getName();
    span.setAttribute(ErrorAttributes.ERROR_TYPE, type);
    ErrorTexts.record(span, error, type, redactor);
  }

  /** Ends the span and restores the context that was current before. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scope.close();
    span.end();
  }
}
