package dev.otelllm.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.otelllm.GenerationParams;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON helpers the providers share: tree conversions, tool arguments, parameters. */
final class WireFormat {
  private WireFormat() {}

  static ObjectNode object() {
    return HttpCore.JSON.createObjectNode();
  }

  static ArrayNode array() {
    return HttpCore.JSON.createArrayNode();
  }

  static JsonNode tree(Object value) {
    return HttpCore.JSON.valueToTree(value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    return HttpCore.JSON.convertValue(node, LinkedHashMap.class);
  }

  static Object plain(JsonNode node) {
    return node == null || node.isNull() ? null : HttpCore.JSON.convertValue(node, Object.class);
  }

  /**
   * Tool arguments sent as a JSON string (OpenAI); text that is not JSON is kept under {@code
   * _raw}.
   */
  static Map<String, Object> arguments(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      JsonNode node = HttpCore.JSON.readTree(json);
      return node.isObject() ? map(node) : Map.of("_raw", json);
    } catch (IOException e) {
      return Map.of("_raw", json);
    }
  }

  static String json(Object value) {
    try {
      return HttpCore.JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tool result as the text APIs take: strings as they are, anything else as JSON. */
  static String resultText(Object response) {
    return response instanceof String s ? s : json(response);
  }

  /** OpenAI-style sampling parameters (also used by OpenAI-compatible servers). */
  static void putCommonParams(ObjectNode body, GenerationParams p, boolean topK) {
    putCommonParams(body, p, topK, "max_tokens");
  }

  /**
   * @param maxTokensField {@code max_tokens}, or OpenAI's {@code max_completion_tokens}
   */
  static void putCommonParams(
      ObjectNode body, GenerationParams p, boolean topK, String maxTokensField) {
    p.temperature().ifPresent(v -> body.put("temperature", v));
    p.maxTokens().ifPresent(v -> body.put(maxTokensField, v));
    p.topP().ifPresent(v -> body.put("top_p", v));
    if (topK) {
      p.topK().ifPresent(v -> body.put("top_k", v));
    }
    p.seed().ifPresent(v -> body.put("seed", v));
    if (!p.stopSequences().isEmpty()) {
      ArrayNode stop = body.putArray("stop");
      p.stopSequences().forEach(stop::add);
    }
    p.frequencyPenalty().ifPresent(v -> body.put("frequency_penalty", v));
    p.presencePenalty().ifPresent(v -> body.put("presence_penalty", v));
    p.choiceCount().ifPresent(v -> body.put("n", v));
    p.extra().forEach((k, v) -> body.set(k, tree(v)));
  }
}
