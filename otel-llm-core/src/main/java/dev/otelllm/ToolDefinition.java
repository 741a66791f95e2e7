package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.Map;
import java.util.Objects;

/**
 * A function tool the model may call.
 *
 * @param name the tool's name
 * @param description what it does, or {@code ""}
 * @param parameters its JSON schema as a JSON-like tree (an empty map when it takes none)
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    Objects.requireNonNull(description, "description");
    parameters =
        JsonTree.copyObject(Objects.requireNonNull(parameters, "parameters"), "parameters");
  }
}
