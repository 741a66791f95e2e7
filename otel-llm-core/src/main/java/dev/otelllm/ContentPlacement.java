package dev.otelllm;

import java.util.Locale;
import java.util.Objects;

/**
 * Where recorded content goes: on the span ({@code gen_ai.input.messages} and the other content
 * attributes), on a {@code gen_ai.client.inference.operation.details} event (a log record in the
 * span's context, sent through the OpenTelemetry Logs API), or both. Backends that cut large span
 * attributes (Grafana Tempo keeps 2 KB by default) still get the whole content through logs. The
 * in-memory buffer reads it from either.
 */
public enum ContentPlacement {
  SPAN_ONLY,
  EVENT_ONLY,
  SPAN_AND_EVENT;

  /** True when content goes on the span. */
  public boolean onSpan() {
    return this != EVENT_ONLY;
  }

  /** True when content goes on the details event. */
  public boolean onEvent() {
    return this != SPAN_ONLY;
  }

  /**
   * The placement a value of {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT} / {@code
   * otel.instrumentation.genai.capture-message-content} names: {@code SPAN_ONLY}, {@code
   * EVENT_ONLY}, {@code SPAN_AND_EVENT} (any letter case), or {@code true} (the Java
   * instrumentation's spelling: content on, as events and on the span). {@code NO_CONTENT} and
   * {@code false} are not placements: they turn capture off ({@link ContentCapture#none()}).
   *
   * @throws IllegalArgumentException for any other value, naming it
   */
  public static ContentPlacement fromSetting(String value) {
    Objects.requireNonNull(value, "value");
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "SPAN_ONLY":
        return SPAN_ONLY;
      case "EVENT_ONLY":
        return EVENT_ONLY;
      case "SPAN_AND_EVENT":
      case "TRUE":
        return SPAN_AND_EVENT;
      default:
        throw new IllegalArgumentException(
            "capture-message-content must be NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true or"
                + " false, was '"
                + value
                + "'");
    }
  }
}
