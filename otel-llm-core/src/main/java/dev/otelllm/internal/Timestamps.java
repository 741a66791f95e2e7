package dev.otelllm.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one timestamp format of the library's outputs: ISO-8601 in UTC with microseconds ({@code
 * 2025-11-08T12:34:56.789012Z}), in interactions, summaries and reports alike. Not API.
 */
public final class Timestamps {
  private Timestamps() {}

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

  public static String iso(Instant instant) {
    return ISO.format(instant);
  }
}
