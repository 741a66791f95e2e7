package dev.otelllm.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.otelllm.internal.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Looks at an input before it is converted: it must be a readable file, and a file that starts like
 * JSON must be OTLP spans. The library's own export, or OTLP metrics or logs, would otherwise
 * convert to nothing and exit 0; here they get a message that says what the file is and what to
 * give instead.
 */
final class InputCheck {
  private InputCheck() {}

  /** Enough of the first record to see its top-level keys. */
  private static final int SNIFF_BYTES = 64 * 1024;

  /** What is wrong with the input, or null when it may be converted. */
  static String problem(Path input) {
    if (Files.isDirectory(input)) {
      return "is a directory: " + input;
    }
    if (!Files.exists(input)) {
      return "no such file: " + input;
    }
    if (!Files.isReadable(input)) {
      return "cannot read " + input + ": permission denied";
    }
    if (!Files.isRegularFile(input)) {
      return null; // a pipe or a device: reading ahead would take what the reader needs
    }
    Set<String> keys;
    try {
      keys = firstRecordKeys(input);
    } catch (IOException e) {
      return null; // the reader reports what it cannot read, with the line
    }
    if (keys.contains("trace_id") && (keys.contains("response") || keys.contains("provider"))) {
      return input
          + " is otel-llm's own export of interactions (JSONL/JSON in the reference's map form), "
          + "not OTLP spans: it needs no conversion. Convert the file the OpenTelemetry Collector's file "
          + "exporter writes (one {\"resourceSpans\": ...} request per line).";
    }
    if (!keys.contains("resourceSpans")
        && !keys.contains("resource_spans")
        && (keys.contains("resourceMetrics") || keys.contains("resourceLogs"))) {
      return input
          + " holds OTLP "
          + (keys.contains("resourceMetrics") ? "metrics" : "logs")
          + ", not spans: convert the file of the Collector's traces pipeline.";
    }
    return null;
  }

  /**
   * The top-level keys of the first JSON object (or of an array's first element); empty otherwise.
   */
  private static Set<String> firstRecordKeys(Path input) throws IOException {
    byte[] prefix;
    try (InputStream raw = new PushbackInputStream(Files.newInputStream(input), 2)) {
      PushbackInputStream in = (PushbackInputStream) raw;
      byte[] magic = in.readNBytes(2);
      in.unread(magic);
      InputStream body =
          magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
              ? new GZIPInputStream(in)
              : in;
      prefix = body.readNBytes(SNIFF_BYTES);
    }
    Set<String> keys = new HashSet<>();
    try (JsonParser p = JsonTree.FACTORY.createParser(prefix)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        t = p.nextToken();
      }
      if (t != JsonToken.START_OBJECT) {
        return keys;
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException e) {
      // The prefix ends inside the record, or it is not JSON: the keys read so far decide.
    }
    return keys;
  }
}
