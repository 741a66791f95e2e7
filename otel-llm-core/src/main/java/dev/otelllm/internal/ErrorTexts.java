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
 * back in its error, so a redactor sees them: the status description, the exception event's
 * message and its stack trace (whose first line repeats the message). Not API.
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
      return out != null ? out : "[error text removed: the redactor returned null]";
    } catch (RuntimeException e) {
      return "[error text removed: the redactor failed with " + e.getClass().getName() + "]";
    }
  }

  /**
   * Sets ERROR status and records the exception event, their texts through {@code redactor}.
   *
   * @return the recorded (redacted) message, or null when the error has none
   */
  public static String record(Span span, Throwable error, String type, UnaryOperator<String> redactor) {
    String message = redact(error.getMessage(), redactor);
    span.setStatus(StatusCode.ERROR, message == null ? type : message);
    if (redactor == UnaryOperator.<String>identity()) {
      span.recordException(error);
      return message;
    }
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    AttributesBuilder redacted = Attributes.builder()
        .put(ExceptionAttributes.EXCEPTION_STACKTRACE, redact(trace.toString(), redactor));
    if (message != null) {
      redacted.put(ExceptionAttributes.EXCEPTION_MESSAGE, message);
    }
    span.recordException(error, redacted.build());
    return message;
  }
}
