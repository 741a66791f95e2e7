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

  /** What {@link #scan} found: the attributes to export and their estimated bytes. */
  record Scan(Attributes attributes, long bytes) {}

  /**
   * One pass over the recorded attributes: without content when they hold some ({@code recorded}
   * itself when they hold none), and their weight in the export queue (texts by length, the rest by
   * a fixed share).
   */
  static Scan scan(Attributes recorded) {
    int n = recorded.size() + 1;
    AttributeKey<?>[] keys = new AttributeKey<?>[n];
    Object[] values = new Object[n];
    // [0] entries kept, [1] bytes, [2] 1 when content was seen
    long[] state = {0, 256, 0};
    recorded.forEach(
        (k, v) -> {
          String name = k.getKey();
          switch (name) {
            case GenAiKeys.SYSTEM_INSTRUCTIONS,
            GenAiKeys.INPUT_MESSAGES,
            GenAiKeys.OUTPUT_MESSAGES,
            GenAiKeys.TOOL_DEFINITIONS,
            GenAiKeys.TOOL_CALL_ARGUMENTS,
            GenAiKeys.TOOL_CALL_RESULT:
              state[2] = 1;
              return;
            case "otel_llm.content.capture", "otel_llm.content.truncated":
              return;
            default:
              int i = (int) state[0]++;
              keys[i] = k;
              values[i] = v;
              state[1] += 16 + name.length() + ExportPolicyProcessor.valueBytes(v);
          }
        });
    if (state[2] == 0) {
      return new Scan(recorded, state[1] + 64);
    }
    int i = (int) state[0];
    keys[i] = GenAiKeys.CONTENT_CAPTURE;
    values[i] = "none";
    Attributes out =
        i + 1 == n
            ? new ContentFreeAttributes(keys, values)
            : new ContentFreeAttributes(
                java.util.Arrays.copyOf(keys, i + 1), java.util.Arrays.copyOf(values, i + 1));
    return new Scan(out, state[1] + 64);
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
