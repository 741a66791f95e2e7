package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentTruncatorTest {

  private static List<Object> messages(String... texts) {
    List<Object> out = new ArrayList<>();
    for (String t : texts) {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("type", "text");
      part.put("content", t);
      Map<String, Object> msg = new LinkedHashMap<>();
      msg.put("role", "user");
      msg.put("parts", new ArrayList<>(List.of(part)));
      out.add(msg);
    }
    return out;
  }

  private static int bytes(Object tree) {
    return JsonTree.toJson(tree).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void underBudget_isUntouched() {
    List<Object> tree = messages("hello");
    String before = JsonTree.toJson(tree);
    assertThat(ContentTruncator.truncate(tree, 1000)).isFalse();
    assertThat(JsonTree.toJson(tree)).isEqualTo(before);
  }

  @Test
  void cutsLongestFirst_keepingShortTextsWhole() {
    List<Object> tree = messages("short", "y".repeat(10_000), "also short");
    assertThat(ContentTruncator.truncate(tree, 500)).isTrue();
    assertThat(bytes(tree)).isLessThanOrEqualTo(500);
    String json = JsonTree.toJson(tree);
    assertThat(json).contains("\"short\"").contains("\"also short\"").contains("...[truncated]");
  }

  @Test
  void neverSplitsSurrogatePairsOrMultiByteCharacters() {
    for (int budget = 64; budget < 400; budget += 7) {
      List<Object> tree = messages("😀é中\"\\\n".repeat(300));
      ContentTruncator.truncate(tree, budget);
      String json = JsonTree.toJson(tree);
      assertThat(json.getBytes(StandardCharsets.UTF_8).length)
          .as("budget " + budget)
          .isLessThanOrEqualTo(budget);
      Object parsed = JsonTree.parse(json);
      assertThat(parsed).isInstanceOf(List.class);
      for (int i = 0; i < json.length(); i++) {
        char c = json.charAt(i);
        if (Character.isHighSurrogate(c)) {
          assertThat(Character.isLowSurrogate(json.charAt(i + 1))).isTrue();
        }
      }
    }
  }

  @Test
  void escapedBytes_matchesJacksonOutput() {
    String s = "a\"b\\c\n\u0001é中😀";
    String json = JsonTree.toJson(s);
    assertThat(ContentTruncator.escapedBytes(s))
        .isEqualTo(json.getBytes(StandardCharsets.UTF_8).length - 2);
  }

  @Test
  void prefix_respectsByteLimitOnCharacterBoundaries() {
    assertThat(ContentTruncator.prefix("é😀x", 1)).isEmpty();
    assertThat(ContentTruncator.prefix("é😀x", 2)).isEqualTo("é");
    assertThat(ContentTruncator.prefix("é😀x", 5)).isEqualTo("é");
    assertThat(ContentTruncator.prefix("é😀x", 6)).isEqualTo("é😀");
  }
}
