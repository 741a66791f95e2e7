package dev.otelllm.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a JSON-like value as a span attribute of the matching type: strings, longs, doubles,
 * booleans and homogeneous lists of them keep their type; maps and mixed lists become structured
 * values. Not API.
 */
final class TypedAttributes {
  private TypedAttributes() {}

  // Metadata keys repeat across calls: keep the prefixed names instead of concatenating each time.
  private static final int MAX_CACHED_NAMES = 4096;
  private static final Map<String, Map<String, String>> NAMES = new ConcurrentHashMap<>();

  static void set(Span span, String prefix, String key, Object value) {
    String name = name(prefix, key);
    if (value instanceof String s) {
      span.setAttribute(name, s);
    } else if (value instanceof Long l) {
      span.setAttribute(name, l);
    } else if (value instanceof Double d) {
      span.setAttribute(name, d);
    } else if (value instanceof Boolean b) {
      span.setAttribute(name, b);
    } else if (value instanceof List<?> list && homogeneous(list)) {
      setList(span, name, list);
    } else {
      span.setAttribute(AttributeKey.valueKey(name), JsonTree.toValue(value));
    }
  }

  private static String name(String prefix, String key) {
    Map<String, String> names = NAMES.computeIfAbsent(prefix, p -> new ConcurrentHashMap<>());
    String name = names.get(key);
    if (name == null) {
      name = prefix + key;
      if (names.size() < MAX_CACHED_NAMES) {
        names.put(key, name);
      }
    }
    return name;
  }

  private static boolean homogeneous(List<?> list) {
    if (list.isEmpty()) {
      return true;
    }
    Class<?> type = list.get(0) == null ? null : list.get(0).getClass();
    if (type != String.class
        && type != Long.class
        && type != Double.class
        && type != Boolean.class) {
      return false;
    }
    for (Object o : list) {
      if (o == null || o.getClass() != type) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private static void setList(Span span, String name, List<?> list) {
    Object first = list.isEmpty() ? "" : list.get(0);
    if (first instanceof String) {
      span.setAttribute(AttributeKey.stringArrayKey(name), (List<String>) list);
    } else if (first instanceof Long) {
      span.setAttribute(AttributeKey.longArrayKey(name), (List<Long>) list);
    } else if (first instanceof Double) {
      span.setAttribute(AttributeKey.doubleArrayKey(name), (List<Double>) list);
    } else {
      span.setAttribute(AttributeKey.booleanArrayKey(name), new ArrayList<>((List<Boolean>) list));
    }
  }
}
