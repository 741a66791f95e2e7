package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

  @Test
  void roundTripsThroughJsonAndOtelValues() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("s", "x");
    tree.put("n", 3L);
    tree.put("d", 1.5);
    tree.put("b", true);
    tree.put("null", null);
    tree.put("list", Arrays.asList(1L, "two", null));
    tree.put("map", Map.of("k", "v"));
    String json = JsonTree.toJson(tree);
    assertThat(json)
        .isEqualTo(
            "{\"s\":\"x\",\"n\":3,\"d\":1.5,\"b\":true,\"null\":null,\"list\":[1,\"two\",null],\"map\":{\"k\":\"v\"}}");
    assertThat(JsonTree.parse(json)).isEqualTo(tree);
    Value<?> value = JsonTree.toValue(tree);
    assertThat(JsonTree.fromValue(value)).isEqualTo(tree);
  }

  @Test
  void copy_normalizesNumbers_andRejectsOtherObjects() {
    assertThat(JsonTree.copy(List.of(1, 2.5f, (short) 3), "x")).isEqualTo(List.of(1L, 2.5, 3L));
    assertThatThrownBy(() -> JsonTree.copy(Map.of("a", new Object()), "meta"))
        .hasMessageStartingWith(
            "meta.a must be a JSON-like value (map, list, string, number, boolean or null), was java.lang.Object");
    assertThatThrownBy(() -> JsonTree.copy(Map.of(1, "x"), "meta"))
        .hasMessage("meta keys must be strings, was 1");
  }

  @Test
  void parse_rejectsInvalidJsonWithAReason() {
    assertThatThrownBy(() -> JsonTree.parse("{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid JSON");
    assertThatThrownBy(() -> JsonTree.parse("[1] 2"))
        .hasMessageStartingWith("trailing content after JSON value");
    assertThatThrownBy(() -> JsonTree.parse("")).hasMessage("empty JSON text");
  }
}
