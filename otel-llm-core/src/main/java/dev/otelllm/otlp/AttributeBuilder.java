package dev.otelllm.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns OTLP {@code AnyValue}s back into typed attributes the way the SDK stores them: primitives
 * keep their type, homogeneous arrays of primitives become array attributes, everything else a
 * structured {@link Value}.
 */
final class AttributeBuilder {
  private AttributeBuilder() {}

  static void put(AttributesBuilder b, String key, Value<?> v) {
    switch (v.getType()) {
      case STRING:
        b.put(AttributeKey.stringKey(key), (String) v.getValue());
        return;
      case BOOLEAN:
        b.put(AttributeKey.booleanKey(key), (Boolean) v.getValue());
        return;
      case LONG:
        b.put(AttributeKey.longKey(key), (Long) v.getValue());
        return;
      case DOUBLE:
        b.put(AttributeKey.doubleKey(key), (Double) v.getValue());
        return;
      case ARRAY:
        {
          @SuppressWarnings("unchecked")
          List<Value<?>> values = (List<Value<?>>) v.getValue();
          ValueType type = homogeneousType(values);
          if (type != null) {
            putArray(b, key, values, type);
            return;
          }
          b.put(AttributeKey.valueKey(key), v);
          return;
        }
      default:
        b.put(AttributeKey.valueKey(key), v);
    }
  }

  private static ValueType homogeneousType(List<Value<?>> values) {
    if (values.isEmpty()) {
      return ValueType.STRING;
    }
    ValueType type = values.get(0).getType();
    if (type != ValueType.STRING
        && type != ValueType.BOOLEAN
        && type != ValueType.LONG
        && type != ValueType.DOUBLE) {
      return null;
    }
    for (Value<?> value : values) {
      if (value.getType() != type) {
        return null;
      }
    }
    return type;
  }

  @SuppressWarnings("unchecked")
  private static void putArray(
      AttributesBuilder b, String key, List<Value<?>> values, ValueType type) {
    List<Object> out = new ArrayList<>(values.size());
    for (Value<?> value : values) {
      out.add(value.getValue());
    }
    switch (type) {
      case STRING:
        b.put(AttributeKey.stringArrayKey(key), (List<String>) (List<?>) out);
        break;
      case BOOLEAN:
        b.put(AttributeKey.booleanArrayKey(key), (List<Boolean>) (List<?>) out);
        break;
      case LONG:
        b.put(AttributeKey.longArrayKey(key), (List<Long>) (List<?>) out);
        break;
      default:
        b.put(AttributeKey.doubleArrayKey(key), (List<Double>) (List<?>) out);
    }
  }

  static Value<?> kvlist(List<KeyValue> kvs) {
    return Value.of(kvs.toArray(new KeyValue[0]));
  }
}
