package dev.otelllm.trace;

import java.util.Objects;

/**
 * Why an interaction failed.
 *
 * @param type the span's {@code error.type}: an exception class name or a code such as {@code 429}
 * @param message the exception's message, or {@code ""}
 */
public record TraceError(String type, String message) {
  public TraceError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }
}
