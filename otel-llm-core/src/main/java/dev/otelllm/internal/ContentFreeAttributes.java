package dev.otelllm.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes without its content, as the export policy "none" lets them leave: one pass
 * over the recorded attributes into two arrays, keeping their order, plus {@code
 * otel_llm.content.capture=none}. Measured on the application's thread (ExportPolicyProcessor):
 * building the same through an {@code AttributesBuilder} sorts and cost about twice as much.
 * Immutable. Not API.
 */
final class ContentFreeAttributes implements Attributes {

  private final AttributeKey<?>[] keys;
  private final Object[] values;

  private ContentFreeAttributes(AttributeKey<?>[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The attributes without content; {@code recorded} itself when it holds none. */
  static Attributes of(Attributes recorded) {
    int n = recorded.size() + 1;
    AttributeKey<?>[] keys = new AttributeKey<?>[n];
    Object[] values = new Object[n];
    int[] i = {0};
    boolean[] content = {false};
    recorded.forEach((k, v) -> {
      String name = k.getKey();
      if (ContentPolicyExporter.isContentKey(name)) {
        content[0] = true;
      } else if (!name.equals(GenAiKeys.CONTENT_CAPTURE.getKey()) && !name.equals(GenAiKeys.CONTENT_TRUNCATED.getKey())) {
        keys[i[0]] = k;
        values[i[0]++] = v;
      }
    });
    if (!content[0]) {
      return recorded;
    }
    keys[i[0]] = GenAiKeys.CONTENT_CAPTURE;
    values[i[0]++] = "none";
    return i[0] == n ? new ContentFreeAttributes(keys, values)
        : new ContentFreeAttributes(java.util.Arrays.copyOf(keys, i[0]), java.util.Arrays.copyOf(values, i[0]));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return (T) values[i];
      }
    }
    return null;
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    for (int i = 0; i < keys.length; i++) {
      consumer.accept(keys[i], values[i]);
    }
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public AttributesBuilder toBuilder() {
    AttributesBuilder b = Attributes.builder();
    forEach((k, v) -> b.put((AttributeKey) k, v));
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && asMap().equals(a.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>(keys.length);
    forEach((k, v) -> parts.add(k.getKey() + "=" + v));
    return "{" + String.join(", ", parts) + "}";
  }
}
