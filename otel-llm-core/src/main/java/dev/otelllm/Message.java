package dev.otelllm;

import java.util.List;
import java.util.Objects;

/**
 * A message of a conversation: a role and its parts, as in {@code gen_ai.input.messages}.
 *
 * @param role system, user, assistant, tool, or any role a provider uses
 * @param parts the content, in order
 * @param name the participant's name, or {@code ""}
 */
public record Message(String role, List<Part> parts, String name) {

  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
  public static final String TOOL = "tool";

  public Message {
    Objects.requireNonNull(role, "role");
    if (role.isEmpty()) {
      throw new IllegalArgumentException("role must not be empty");
    }
    parts = List.copyOf(Objects.requireNonNull(parts, "parts"));
    Objects.requireNonNull(name, "name");
  }

  /** A message of the given role with the given parts and no name. */
  public static Message of(String role, List<Part> parts) {
    return new Message(role, parts, "");
  }

  public static Message system(String text) {
    return of(SYSTEM, List.of(new Part.Text(text)));
  }

  public static Message user(String text) {
    return of(USER, List.of(new Part.Text(text)));
  }

  public static Message assistant(String text) {
    return of(ASSISTANT, List.of(new Part.Text(text)));
  }

  /** The result of the tool call {@code callId}, sent as a {@code tool} message. */
  public static Message toolResult(String callId, Object result) {
    return of(TOOL, List.of(new Part.ToolCallResponse(callId, result)));
  }

  /** The text parts joined, in order; {@code ""} when there are none. */
  public String text() {
    if (parts.size() == 1 && parts.get(0) instanceof Part.Text t) {
      return t.content();
    }
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Part.Text t) {
        sb.append(t.content());
      }
    }
    return sb.toString();
  }

  /** The tool calls among the parts, in order. */
  public List<Part.ToolCall> toolCalls() {
    return parts.stream()
        .filter(Part.ToolCall.class::isInstance)
        .map(Part.ToolCall.class::cast)
        .toList();
  }
}
