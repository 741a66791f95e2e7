package dev.otelllm.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads one OTLP JSON document ({@code ExportTraceServiceRequest} / {@code TracesData}, as the
 * OpenTelemetry Collector's file exporter writes one per line) with a streaming parser and hands
 * each span to a sink. Accepts the protobuf-JSON field names in camelCase and snake_case, ids in
 * hex or base64, integers as strings or numbers, enums as numbers or names.
 */
final class OtlpJsonParser {
  private OtlpJsonParser() {}

  /** A span the document holds could not be read; the rest of the document can. */
  static final class SpanProblem extends Exception {
    private static final long serialVersionUID = 1L;

    SpanProblem(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param sink receives every span
   * @param problems receives what was skipped inside the document (an attribute, a span)
   */
  private static final int MAX_DEPTH = 64;

  /** The text of a scalar value; for an object or array, skips it and fails the line. */
  private static String text(JsonParser p, String field) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
      throw new IOException(
          "field '" + field + "' must be a string or number, found " + p.currentToken());
    }
    return p.getText();
  }

  static void parse(JsonParser p, Consumer<SpanData> sink, Consumer<String> problems)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object, found " + p.currentToken());
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ((name.equals("resourceSpans") || name.equals("resource_spans"))
          && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          resourceSpans(p, sink, problems);
        }
      } else {
        p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new IOException("more than one JSON value on the line");
    }
  }

  private static void resourceSpans(
      JsonParser p, Consumer<SpanData> sink, Consumer<String> problems) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      boolean scopes =
          name.equals("scopeSpans")
              || name.equals("scope_spans")
              || name.equals("instrumentationLibrarySpans")
              || name.equals("instrumentation_library_spans");
      if (scopes && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          scopeSpans(p, sink, problems);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void scopeSpans(JsonParser p, Consumer<SpanData> sink, Consumer<String> problems)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("spans") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          try {
            sink.accept(span(p, problems));
          } catch (SpanProblem e) {
            problems.accept("span skipped: " + e.getMessage());
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static SpanData span(JsonParser p, Consumer<String> problems)
      throws IOException, SpanProblem {
    String traceId = "";
    String spanId = "";
    String parentSpanId = "";
    String name = "";
    SpanKind kind = SpanKind.INTERNAL;
    long start = 0;
    long end = 0;
    Attributes attributes = Attributes.empty();
    List<EventData> events = List.of();
    StatusData status = StatusData.unset();
    String problem = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "traceId":
        case "trace_id":
          traceId = text(p, field);
          break;
        case "spanId":
        case "span_id":
          spanId = text(p, field);
          break;
        case "parentSpanId":
        case "parent_span_id":
          parentSpanId = text(p, field);
          break;
        case "name":
          name = text(p, field);
          break;
        case "kind":
          kind = kind(p);
          break;
        case "startTimeUnixNano":
        case "start_time_unix_nano":
          start = longValue(p);
          break;
        case "endTimeUnixNano":
        case "end_time_unix_nano":
          end = longValue(p);
          break;
        case "attributes":
          attributes = attributes(p, problems);
          break;
        case "events":
          events = events(p, problems);
          break;
        case "status":
          status = status(p);
          break;
        default:
          p.skipChildren();
      }
    }
    String tid = id(traceId, 16);
    String sid = id(spanId, 8);
    if (tid == null || sid == null) {
      problem = "invalid trace or span id: traceId='" + traceId + "', spanId='" + spanId + "'";
    }
    String pid = parentSpanId.isEmpty() ? "" : id(parentSpanId, 8);
    if (problem == null && pid == null) {
      problem = "invalid parent span id '" + parentSpanId + "'";
    }
    if (problem != null) {
      throw new SpanProblem(problem);
    }
    return new OtlpSpan(name, kind, tid, sid, pid, status, start, end, attributes, events);
  }

  private static Attributes attributes(JsonParser p, Consumer<String> problems) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return Attributes.empty();
    }
    AttributesBuilder b = Attributes.builder();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      KeyValue kv = keyValue(p, problems);
      if (kv != null) {
        AttributeBuilder.put(b, kv.getKey(), kv.getValue());
      }
    }
    return b.build();
  }

  private static KeyValue keyValue(JsonParser p, Consumer<String> problems) throws IOException {
    return keyValue(p, problems, 0);
  }

  private static KeyValue keyValue(JsonParser p, Consumer<String> problems, int depth)
      throws IOException {
    String key = null;
    Value<?> value = null;
    boolean hadValue = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("key")) {
        key = text(p, field);
      } else if (field.equals("value")) {
        hadValue = true;
        value = anyValue(p, key, problems, depth);
      } else {
        p.skipChildren();
      }
    }
    if (key == null) {
      problems.accept("attribute without a key skipped");
      return null;
    }
    if (!hadValue) {
      value = Value.empty();
    }
    return value == null ? null : KeyValue.of(key, value);
  }

  /** Null when the value is of an unknown type (reported). */
  private static Value<?> anyValue(JsonParser p, String key, Consumer<String> problems, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException(
          "attribute '" + key + "': values nested deeper than " + MAX_DEPTH + " levels");
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      problems.accept("attribute '" + key + "' skipped: value is not an AnyValue object");
      p.skipChildren();
      return null;
    }
    Value<?> value = Value.empty();
    String unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "stringValue":
        case "string_value":
          value = Value.of(text(p, field));
          break;
        case "boolValue":
        case "bool_value":
          value =
              Value.of(
                  t == JsonToken.VALUE_TRUE
                      || (t == JsonToken.VALUE_STRING && "true".equals(p.getText())));
          break;
        case "intValue":
        case "int_value":
          value = Value.of(longValue(p));
          break;
        case "doubleValue":
        case "double_value":
          value = Value.of(doubleValue(p));
          break;
        case "arrayValue":
        case "array_value":
          {
            List<Value<?>> values = new ArrayList<>();
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && f.equals("values")) {
                  while (p.nextToken() == JsonToken.START_OBJECT) {
                    Value<?> v = anyValue(p, key, problems, depth + 1);
                    if (v != null) {
                      values.add(v);
                    }
                  }
                } else {
                  p.skipChildren();
                }
              }
            }
            value = Value.of(values);
            break;
          }
        case "kvlistValue":
        case "kvlist_value":
          {
            List<KeyValue> kvs = new ArrayList<>();
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && f.equals("values")) {
                  while (p.nextToken() == JsonToken.START_OBJECT) {
                    KeyValue kv = keyValue(p, problems, depth + 1);
                    if (kv != null) {
                      kvs.add(kv);
                    }
                  }
                } else {
                  p.skipChildren();
                }
              }
            }
            value = AttributeBuilder.kvlist(kvs);
            break;
          }
        case "bytesValue":
        case "bytes_value":
          value = Value.of(Base64.getDecoder().decode(p.getText()));
          break;
        default:
          unknown = field;
          p.skipChildren();
      }
    }
    if (unknown != null && value.getType() == io.opentelemetry.api.common.ValueType.EMPTY) {
      problems.accept("attribute '" + key + "' skipped: unknown value type '" + unknown + "'");
      return null;
    }
    return value;
  }

  private static List<EventData> events(JsonParser p, Consumer<String> problems)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<EventData> events = new ArrayList<>(2);
    while (p.nextToken() == JsonToken.START_OBJECT) {
      long time = 0;
      String name = "";
      Attributes attributes = Attributes.empty();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "timeUnixNano":
          case "time_unix_nano":
            time = longValue(p);
            break;
          case "name":
            name = text(p, field);
            break;
          case "attributes":
            attributes = attributes(p, problems);
            break;
          default:
            p.skipChildren();
        }
      }
      events.add(EventData.create(time, name, attributes));
    }
    return events;
  }

  private static StatusData status(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return StatusData.unset();
    }
    String message = "";
    StatusCode code = StatusCode.UNSET;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals("message")) {
        message = text(p, field);
      } else if (field.equals("code")) {
        String c = t == JsonToken.VALUE_STRING ? p.getText() : String.valueOf(p.getIntValue());
        code =
            switch (c) {
              case "1", "STATUS_CODE_OK" -> StatusCode.OK;
              case "2", "STATUS_CODE_ERROR" -> StatusCode.ERROR;
              default -> StatusCode.UNSET;
            };
      } else {
        p.skipChildren();
      }
    }
    return StatusData.create(code, message);
  }

  private static SpanKind kind(JsonParser p) throws IOException {
    String k =
        p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : String.valueOf(p.getIntValue());
    return switch (k) {
      case "2", "SPAN_KIND_SERVER" -> SpanKind.SERVER;
      case "3", "SPAN_KIND_CLIENT" -> SpanKind.CLIENT;
      case "4", "SPAN_KIND_PRODUCER" -> SpanKind.PRODUCER;
      case "5", "SPAN_KIND_CONSUMER" -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL;
    };
  }

  private static long longValue(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      String s = p.getText();
      try {
        return s.isEmpty() ? 0 : Long.parseLong(s);
      } catch (NumberFormatException e) {
        try {
          // uint64 timestamps past Long.MAX_VALUE keep their bits.
          return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e2) {
          throw new IOException("not an integer: '" + s + "'", e);
        }
      }
    }
    return p.getLongValue();
  }

  private static double doubleValue(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      String s = p.getText();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw new IOException("not a number: '" + s + "'", e);
          }
      }
    }
    return p.getDoubleValue();
  }

  /**
   * Lowercase hex of an id given in hex or base64, or null when it is neither of {@code bytes}
   * bytes.
   */
  static String id(String text, int bytes) {
    if (text.length() == bytes * 2 && isHex(text)) {
      return text.toLowerCase(java.util.Locale.ROOT);
    }
    try {
      byte[] raw = Base64.getDecoder().decode(text);
      if (raw.length == bytes) {
        return Hex.of(raw);
      }
    } catch (IllegalArgumentException notBase64) {
      // Neither form: reported by the caller.
    }
    return null;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
