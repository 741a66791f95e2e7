package dev.otelllm.otlp;

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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes an OTLP protobuf {@code ExportTraceServiceRequest} / {@code TracesData} from bytes: just
 * the wire format and the trace schema's field numbers, without a protobuf runtime. Unknown fields
 * are skipped as the wire format allows.
 */
final class OtlpProtoParser {

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LEN = 2;
  private static final int FIXED32 = 5;

  /** Deeper nesting of values than any real attribute has: refused rather than a stack overflow. */
  private static final int MAX_DEPTH = 64;

  private final byte[] buf;
  private int pos;
  private final int limit;
  private final int depth;

  private OtlpProtoParser(byte[] buf, int pos, int limit, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("values nested deeper than " + MAX_DEPTH + " levels");
    }
    this.buf = buf;
    this.pos = pos;
    this.limit = limit;
    this.depth = depth;
  }

  static void parse(byte[] message, int length, Consumer<SpanData> sink, Consumer<String> problems)
      throws IOException {
    OtlpProtoParser r = new OtlpProtoParser(message, 0, length, 0);
    while (r.pos < r.limit) {
      int tag = r.tag();
      if (tag >>> 3 == 1 && (tag & 7) == LEN) {
        r.sub().resourceSpans(sink, problems);
      } else {
        r.skip(tag);
      }
    }
  }

  private void resourceSpans(Consumer<SpanData> sink, Consumer<String> problems)
      throws IOException {
    while (pos < limit) {
      int tag = tag();
      int field = tag >>> 3;
      // 2: scope_spans; 1000: the deprecated instrumentation_library_spans.
      if ((field == 2 || field == 1000) && (tag & 7) == LEN) {
        sub().scopeSpans(sink, problems);
      } else {
        skip(tag);
      }
    }
  }

  private void scopeSpans(Consumer<SpanData> sink, Consumer<String> problems) throws IOException {
    while (pos < limit) {
      int tag = tag();
      if (tag >>> 3 == 2 && (tag & 7) == LEN) {
        OtlpProtoParser span = sub();
        try {
          sink.accept(span.span(problems));
        } catch (OtlpJsonParser.SpanProblem e) {
          problems.accept("span skipped: " + e.getMessage());
        }
      } else {
        skip(tag);
      }
    }
  }

  private SpanData span(Consumer<String> problems) throws IOException, OtlpJsonParser.SpanProblem {
    byte[] traceId = null;
    byte[] spanId = null;
    byte[] parentSpanId = new byte[0];
    String name = "";
    SpanKind kind = SpanKind.INTERNAL;
    long start = 0;
    long end = 0;
    AttributesBuilder attributes = Attributes.builder();
    List<EventData> events = new ArrayList<>(2);
    StatusData status = StatusData.unset();
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> traceId = bytes(tag);
        case 2 -> spanId = bytes(tag);
        case 4 -> parentSpanId = bytes(tag);
        case 5 -> name = string(tag);
        case 6 -> kind = kind((int) varint(tag));
        case 7 -> start = fixed64(tag);
        case 8 -> end = fixed64(tag);
        case 9 -> {
          KeyValue kv = sub(tag).keyValue(problems);
          if (kv != null) {
            AttributeBuilder.put(attributes, kv.getKey(), kv.getValue());
          }
        }
        case 11 -> events.add(sub(tag).event(problems));
        case 15 -> status = sub(tag).status();
        default -> skip(tag);
      }
    }
    if (traceId == null || traceId.length != 16 || spanId == null || spanId.length != 8) {
      throw new OtlpJsonParser.SpanProblem("invalid trace or span id");
    }
    if (parentSpanId.length != 0 && parentSpanId.length != 8) {
      throw new OtlpJsonParser.SpanProblem("invalid parent span id");
    }
    return new OtlpSpan(
        name,
        kind,
        Hex.of(traceId),
        Hex.of(spanId),
        parentSpanId.length == 0 ? "" : Hex.of(parentSpanId),
        status,
        start,
        end,
        attributes.build(),
        events);
  }

  private EventData event(Consumer<String> problems) throws IOException {
    long time = 0;
    String name = "";
    AttributesBuilder attributes = Attributes.builder();
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> time = fixed64(tag);
        case 2 -> name = string(tag);
        case 3 -> {
          KeyValue kv = sub(tag).keyValue(problems);
          if (kv != null) {
            AttributeBuilder.put(attributes, kv.getKey(), kv.getValue());
          }
        }
        default -> skip(tag);
      }
    }
    return EventData.create(time, name, attributes.build());
  }

  private StatusData status() throws IOException {
    String message = "";
    StatusCode code = StatusCode.UNSET;
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 2 -> message = string(tag);
        case 3 -> {
          long c = varint(tag);
          code = c == 1 ? StatusCode.OK : c == 2 ? StatusCode.ERROR : StatusCode.UNSET;
        }
        default -> skip(tag);
      }
    }
    return StatusData.create(code, message);
  }

  private KeyValue keyValue(Consumer<String> problems) throws IOException {
    String key = null;
    Value<?> value = Value.empty();
    boolean unknown = false;
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> key = string(tag);
        case 2 -> {
          OtlpProtoParser v = sub(tag);
          value = v.anyValue(problems);
          unknown = value == null;
        }
        default -> skip(tag);
      }
    }
    if (key == null) {
      problems.accept("attribute without a key skipped");
      return null;
    }
    if (unknown) {
      problems.accept("attribute '" + key + "' skipped: unknown value type");
      return null;
    }
    return KeyValue.of(key, value);
  }

  /** Null for a value of a type this reader does not know. */
  private Value<?> anyValue(Consumer<String> problems) throws IOException {
    Value<?> value = Value.empty();
    boolean unknown = false;
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> value = Value.of(string(tag));
        case 2 -> value = Value.of(varint(tag) != 0);
        case 3 -> value = Value.of(varint(tag));
        case 4 -> value = Value.of(Double.longBitsToDouble(fixed64(tag)));
        case 5 -> {
          OtlpProtoParser array = sub(tag);
          List<Value<?>> values = new ArrayList<>();
          while (array.pos < array.limit) {
            int t = array.tag();
            if (t >>> 3 == 1) {
              Value<?> v = array.sub(t).anyValue(problems);
              if (v != null) {
                values.add(v);
              }
            } else {
              array.skip(t);
            }
          }
          value = Value.of(values);
        }
        case 6 -> {
          OtlpProtoParser list = sub(tag);
          List<KeyValue> kvs = new ArrayList<>();
          while (list.pos < list.limit) {
            int t = list.tag();
            if (t >>> 3 == 1) {
              KeyValue kv = list.sub(t).keyValue(problems);
              if (kv != null) {
                kvs.add(kv);
              }
            } else {
              list.skip(t);
            }
          }
          value = AttributeBuilder.kvlist(kvs);
        }
        case 7 -> value = Value.of(bytes(tag));
        default -> {
          skip(tag);
          unknown = true;
        }
      }
    }
    return unknown && value.getType() == io.opentelemetry.api.common.ValueType.EMPTY ? null : value;
  }

  private static SpanKind kind(int k) {
    return switch (k) {
      case 2 -> SpanKind.SERVER;
      case 3 -> SpanKind.CLIENT;
      case 4 -> SpanKind.PRODUCER;
      case 5 -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL;
    };
  }

  // ---- wire format ------------------------------------------------------------------------

  private int tag() throws IOException {
    long tag = readVarint();
    if (tag == 0 || tag > Integer.MAX_VALUE) {
      throw new IOException("invalid protobuf tag " + tag + " at byte " + pos);
    }
    return (int) tag;
  }

  private long readVarint() throws IOException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new IOException("protobuf message ends inside a varint");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("malformed protobuf varint at byte " + pos);
  }

  private long varint(int tag) throws IOException {
    expect(tag, VARINT);
    return readVarint();
  }

  private long fixed64(int tag) throws IOException {
    expect(tag, FIXED64);
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  private int length(int tag) throws IOException {
    expect(tag, LEN);
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new IOException("protobuf field length " + len + " runs past the message end");
    }
    return (int) len;
  }

  private byte[] bytes(int tag) throws IOException {
    int len = length(tag);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return out;
  }

  private String string(int tag) throws IOException {
    int len = length(tag);
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(buf, pos, len))
              .toString();
      pos += len;
      return s;
    } catch (CharacterCodingException e) {
      throw new IOException("string field is not valid UTF-8 at byte " + pos, e);
    }
  }

  private OtlpProtoParser sub() throws IOException {
    return sub(LEN);
  }

  private OtlpProtoParser sub(int tag) throws IOException {
    int len = (tag & 7) == LEN ? lengthOfLen() : length(tag);
    OtlpProtoParser s = new OtlpProtoParser(buf, pos, pos + len, depth + 1);
    pos += len;
    return s;
  }

  private int lengthOfLen() throws IOException {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new IOException("protobuf field length " + len + " runs past the message end");
    }
    return (int) len;
  }

  private void skip(int tag) throws IOException {
    switch (tag & 7) {
      case VARINT -> readVarint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LEN -> {
        // Not "pos += lengthOfLen()": that would add to the position from before the length.
        int len = lengthOfLen();
        pos += len;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default ->
          throw new IOException("unsupported protobuf wire type " + (tag & 7) + " at byte " + pos);
    }
  }

  private void expect(int tag, int wireType) throws IOException {
    if ((tag & 7) != wireType) {
      throw new IOException(
          "field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
    }
  }

  private void need(int n) throws IOException {
    if (limit - pos < n) {
      throw new IOException("protobuf message ends early");
    }
  }
}
