package dev.otelllm.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-like trees (maps with string keys, lists, strings, numbers, booleans, nulls): copying, JSON
 * text in and out, and conversion to and from OpenTelemetry {@link Value}s.
 *
 * <p>Not API: public only because several packages of this library share it.
 */
public final class JsonTree {

  /** The one factory of the library; thread-safe once configured. */
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          // Emoji and other non-BMP characters as UTF-8, not as escaped surrogate pairs: byte
          // streams
          // and character writers then give the same text.
          .enable(
              com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private JsonTree() {}

  /**
   * An immutable deep copy of a JSON-like value. Lists and maps are copied (maps keep their order
   * and may hold nulls); integral numbers become {@code Long}, other numbers {@code Double}.
   *
   * @throws IllegalArgumentException naming {@code what} when the value is not JSON-like
   */
  public static Object copy(Object value, String what) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof BigInteger bi) {
      return bi.bitLength() < 64 ? (Object) bi.longValue() : bi.doubleValue();
    }
    if (value instanceof BigDecimal bd) {
      return bd.doubleValue();
    }
    if (value instanceof CharSequence cs) {
      return cs.toString();
    }
    if (value instanceof Map<?, ?> map) {
      return copyObject(map, what);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(copy(o, what));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(
        what
            + " must be a JSON-like value (map, list, string, number, boolean or null), was "
            + value.getClass().getName());
  }

  /** Like {@link #copy} for a map. */
  public static Map<String, Object> copyObject(Map<?, ?> map, String what) {
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(what + " keys must be strings, was " + e.getKey());
      }
      out.put(key, copy(e.getValue(), what + "." + key));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Compact JSON text of a JSON-like tree. */
  public static String toJson(Object tree) {
    StringWriter w = new StringWriter(256);
    writeJson(tree, w);
    return w.toString();
  }

  /** Writes compact JSON text of a JSON-like tree. */
  public static void writeJson(Object tree, Writer writer) {
    try (JsonGenerator g = FACTORY.createGenerator(writer)) {
      write(g, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one JSON-like tree to a generator. */
  public static void write(JsonGenerator g, Object tree) throws IOException {
    if (tree == null) {
      g.writeNull();
    } else if (tree instanceof String s) {
      g.writeString(s);
    } else if (tree instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (tree instanceof Long l) {
      g.writeNumber(l);
    } else if (tree instanceof Integer i) {
      g.writeNumber(i);
    } else if (tree instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        g.writeString(d.toString());
      } else {
        g.writeNumber(d);
      }
    } else if (tree instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (tree instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (tree instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        write(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(tree));
    }
  }

  /** A copy of a JSON-like tree with every string value (not key) passed through {@code f}. */
  public static Object mapStrings(Object tree, java.util.function.UnaryOperator<String> f) {
    if (tree instanceof String s) {
      return f.apply(s);
    }
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), mapStrings(v, f)));
      return out;
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new java.util.ArrayList<>(list.size());
      for (Object o : list) {
        out.add(mapStrings(o, f));
      }
      return out;
    }
    return tree;
  }

  /**
   * Parses JSON text into a JSON-like tree.
   *
   * @throws IllegalArgumentException when the text is not one complete JSON value
   */
  public static Object parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("empty JSON text");
      }
      Object tree = read(p, t);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException(
            "trailing content after JSON value at " + p.currentLocation());
      }
      return tree;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
    }
  }

  /** Reads the value that starts at token {@code t}. */
  public static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Object> map = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            map.put(name, read(p, p.nextToken()));
          }
          return map;
        }
      case START_ARRAY:
        {
          List<Object> list = new ArrayList<>();
          JsonToken next;
          while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
            list.add(read(p, next));
          }
          return list;
        }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getDoubleValue()
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected JSON token " + t + " at " + p.currentLocation());
    }
  }

  /** A JSON-like tree as an OpenTelemetry {@link Value} (maps become key-value lists). */
  public static Value<?> toValue(Object tree) {
    if (tree == null) {
      return Value.empty();
    }
    if (tree instanceof String s) {
      return Value.of(s);
    }
    if (tree instanceof Boolean b) {
      return Value.of(b);
    }
    if (tree instanceof Long
        || tree instanceof Integer
        || tree instanceof Short
        || tree instanceof Byte) {
      return Value.of(((Number) tree).longValue());
    }
    if (tree instanceof Number n) {
      return Value.of(n.doubleValue());
    }
    if (tree instanceof Map<?, ?> map) {
      KeyValue[] kvs = new KeyValue[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        kvs[i++] = KeyValue.of(String.valueOf(e.getKey()), toValue(e.getValue()));
      }
      return Value.of(kvs);
    }
    if (tree instanceof List<?> list) {
      Value<?>[] values = new Value<?>[list.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = toValue(list.get(i));
      }
      return Value.of(values);
    }
    return Value.of(String.valueOf(tree));
  }

  /** An OpenTelemetry {@link Value} as a JSON-like tree (bytes become base64 strings). */
  @SuppressWarnings("unchecked")
  public static Object fromValue(Value<?> value) {
    switch (value.getType()) {
      case STRING:
      case BOOLEAN:
      case LONG:
      case DOUBLE:
        return value.getValue();
      case EMPTY:
        return null;
      case BYTES:
        {
          ByteBuffer buf = ((ByteBuffer) value.getValue()).duplicate();
          byte[] bytes = new byte[buf.remaining()];
          buf.get(bytes);
          return Base64.getEncoder().encodeToString(bytes);
        }
      case ARRAY:
        {
          List<Value<?>> values = (List<Value<?>>) value.getValue();
          List<Object> out = new ArrayList<>(values.size());
          for (Value<?> v : values) {
            out.add(fromValue(v));
          }
          return out;
        }
      case KEY_VALUE_LIST:
        {
          List<KeyValue> kvs = (List<KeyValue>) value.getValue();
          Map<String, Object> out = new LinkedHashMap<>(Math.max(4, kvs.size() * 2));
          for (KeyValue kv : kvs) {
            out.put(kv.getKey(), fromValue(kv.getValue()));
          }
          return out;
        }
      default:
        return value.asString();
    }
  }

  /**
   * Estimated heap of a JSON-like tree: the characters of its strings plus a fixed cost per node.
   */
  public static long estimatedSize(Object node) {
    if (node == null) {
      return 0;
    }
    if (node instanceof String s) {
      return 40 + s.length();
    }
    if (node instanceof Map<?, ?> m) {
      long n = 32;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        n += 16 + estimatedSize(e.getKey()) + estimatedSize(e.getValue());
      }
      return n;
    }
    if (node instanceof List<?> l) {
      long n = 24;
      for (Object o : l) {
        n += 8 + estimatedSize(o);
      }
      return n;
    }
    return 16;
  }
}
