package dev.otelllm.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.semconv.ExceptionAttributes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.UnaryOperator;

/**
 * Records a failure on a span with its texts through a redactor. Error texts are not content (why a
 * call failed belongs in the trace whatever the capture mode), but a server may quote the request
 * back in its error, so a redactor sees them: the status description, the exception event's message
 * and its stack trace (whose first line repeats the message). Not API.
 */
public final class ErrorTexts {
  private ErrorTexts() {}

  /**
   * The text as it may be recorded: through the redactor; never the original when the redactor
   * fails or answers null.
   */
  public static String redact(String text, UnaryOperator<String> redactor) {
    if (text == null || redactor == UnaryOperator.<String>identity()) {
      return text;
    }
    try {
      String out = redactor.apply(text);
      return out != null ? out : "[text removed: the redactor returned null]";
    } catch (RuntimeException e) {
      return "[text removed: the redactor failed with " + e.getClass().getName() + "]";
    }
  }

  /**
   * Sets ERROR status and records the exception event ({@code exception.type}, {@code
   * exception.message}, {@code exception.stacktrace}), their texts through {@code redactor}. The
   * event is written here rather than by the SDK's {@code recordException}, so that the redacted
   * texts are its only ones (no overwritten attributes counted as dropped) and no span keeps the
   * exception object with its original message. Never throws for an odd exception.
   *
   * @return the recorded (redacted) message, or null when the error has none
   */
  public static String record(
      Span span, Throwable error, String type, UnaryOperator<String> redactor) {
    String message = redact(messageOf(error), redactor);
    span.setStatus(StatusCode.ERROR, message == null ? type : message);
    AttributesBuilder event =
        Attributes.builder()
            .put(ExceptionAttributes.EXCEPTION_TYPE, error.getClass().getName())
            .put(ExceptionAttributes.EXCEPTION_STACKTRACE, redact(stackTraceOf(error), redactor));
    if (message != null) {
      event.put(ExceptionAttributes.EXCEPTION_MESSAGE, message);
    }
    span.addEvent("exception", event.build());
    return message;
  }

  private static String messageOf(Throwable error) {
    try {
      return error.getMessage();
    } catch (RuntimeException e) {
      return "[message unavailable: getMessage() threw " + e.getClass().getName() + "]";
    }
  }

  private static String stackTraceOf(Throwable error) {
    try {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      return trace.toString();
    } catch (RuntimeException e) {
      return error.getClass().getName();
    }
  }
}
