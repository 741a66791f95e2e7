package dev.otelllm.otlp;

import java.util.Objects;

/**
 * Something in an OTLP file that could not be read: a malformed line, a truncated gzip stream, an
 * attribute of an unknown type, content that is not UTF-8.
 *
 * @param file the file's name as given
 * @param location where: {@code line 12} for JSON lines, {@code record 3} for protobuf
 * @param message what was wrong and what was skipped
 */
public record ConversionProblem(String file, String location, String message) {
  public ConversionProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return file + ": " + location + ": " + message;
  }
}
