package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The JDK-only form in which interactions leave the agent's class loader: nothing is lost. */
class InteractionFormTest {

  /** An interaction with every field set to something other than its default. */
  static Interaction everyField() {
    Part.ToolCall call =
        new Part.ToolCall(
            "call_1", "get_weather", Map.of("city", "Paris", "days", 3L), "{\"city\":\"Paris\"}");
    List<Message> messages =
        List.of(
            new Message("user", List.of(new Part.Text("What is the weather?")), "alice"),
            Message.of(Message.ASSISTANT, List.of(new Part.Reasoning("think", "sig-1"), call)),
            Message.toolResult("call_1", Map.of("temperature", 22.5, "unit", "C")),
            Message.of(
                Message.USER,
                List.of(
                    new Part.Blob("image/png", "image", "iVBORw0KGgo="),
                    new Part.Uri("", "document", "https://example.com/a.pdf"),
                    new Part.Generic("text", Map.of("content", "generic but named text")),
                    new Part.Text("and now?"))));
    Interaction.Response response =
        new Interaction.Response(
            "It is sunny.",
            List.of(new Part.ToolCall("call_2", "book", Map.of(), "")),
            "tool_call",
            Optional.of(new Usage(120, 45, 100, 7, 30)),
            "gpt-4o-mini-2024-07-18",
            "chatcmpl-123",
            List.of(new Part.Reasoning("because", "")),
            OptionalDouble.of(0.125));
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("temperature", 0.2);
    parameters.put("max_tokens", 256L);
    parameters.put("stop_sequences", List.of("END", "STOP"));
    parameters.put("stream", true);
    return Interaction.builder()
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId("b7ad6b7169203331")
        .parentSpanId("00f067aa0ba902b7")
        .startEpochNanos(1_762_605_296_789_012_345L)
        .durationNanos(1_234_567L)
        .operation("chat")
        .provider("openai")
        .model("gpt-4o-mini")
        .server(new Interaction.Server("api.example.com", 8443))
        .systemPrompt("You are terse.")
        .messages(messages)
        .parameters(parameters)
        .tools(
            List.of(
                new ToolDefinition(
                    "get_weather",
                    "Weather for a city",
                    Map.of("type", "object", "required", List.of("city")))))
        .response(response)
        .metadata(
            Map.of("step_type", "plan", "attempt_number", 2L, "score", 0.5, "tags", List.of("a")))
        .sessionId("sess-1")
        .error(Optional.of(new TraceError("429", "Too Many Requests")))
        .contentCapture("truncated")
        .contentTruncated(true)
        .build();
  }

  @Test
  void everyField_roundTrips() {
    Interaction t = everyField();

    Interaction back = InteractionForm.fromMap(InteractionForm.toMap(t));

    assertThat(back).isEqualTo(t);
    assertThat(back.toString()).isEqualTo(t.toString());
    // Fields the record-style equals could compare loosely, checked one by one.
    assertThat(back.contentTruncated()).isTrue();
    assertThat(back.response().usage()).contains(new Usage(120, 45, 100, 7, 30));
    assertThat(back.response().timeToFirstChunkSeconds()).hasValue(0.125);
    assertThat(back.response().toolCalls()).containsExactlyElementsOf(t.response().toolCalls());
    assertThat(back.messages().get(1).parts())
        .containsExactly(
            new Part.Reasoning("think", "sig-1"),
            new Part.ToolCall(
                "call_1",
                "get_weather",
                Map.of("city", "Paris", "days", 3L),
                "{\"city\":\"Paris\"}"));
    assertThat(back.messages().get(3).parts().get(2))
        .isEqualTo(new Part.Generic("text", Map.of("content", "generic but named text")));
    assertThat(back.parameters().get("max_tokens")).isEqualTo(256L);
    assertThat(back.parameters().get("temperature")).isEqualTo(0.2);
    assertThat(back.server()).isEqualTo(new Interaction.Server("api.example.com", 8443));
    assertThat(back.error()).contains(new TraceError("429", "Too Many Requests"));
    assertThat(back.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(back.startEpochNanos()).isEqualTo(1_762_605_296_789_012_345L);
  }

  @Test
  void emptyFields_roundTrip_asEmpty() {
    Interaction t =
        Interaction.builder()
            .traceId("0af7651916cd43dd8448eb211c80319c")
            .spanId("b7ad6b7169203331")
            .startEpochNanos(5)
            .provider("")
            .contentCapture("none")
            .build();

    Interaction back = InteractionForm.fromMap(InteractionForm.toMap(t));

    assertThat(back).isEqualTo(t);
    assertThat(back.response().usage()).isEmpty();
    assertThat(back.response().timeToFirstChunkSeconds()).isEmpty();
    assertThat(back.error()).isEmpty();
    assertThat(back.parentSpanId()).isEmpty();
  }

  @Test
  void theForm_holdsJdkTypesOnly() {
    assertOnlyJdkTypes(InteractionForm.toMap(everyField()), "$");
  }

  private static void assertOnlyJdkTypes(Object node, String path) {
    if (node == null) {
      return;
    }
    assertThat(node.getClass().getClassLoader()).as(path + " " + node.getClass()).isNull();
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> assertOnlyJdkTypes(v, path + "." + k));
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        assertOnlyJdkTypes(l.get(i), path + "[" + i + "]");
      }
    }
  }

  @Test
  void unknownKeysAndPartKinds_fromANewerVersion_areKeptOrIgnored() {
    Map<String, Object> form = InteractionForm.toMap(everyField());
    form.put("a_future_field", "x");
    Map<String, Object> future = new LinkedHashMap<>();
    future.put("kind", "hologram");
    future.put("depth", 3L);
    @SuppressWarnings("unchecked")
    List<Object> messages = new ArrayList<>((List<Object>) form.get("messages"));
    Map<String, Object> msg = new LinkedHashMap<>();
    msg.put("role", "user");
    msg.put("parts", List.of(future));
    messages.add(msg);
    form.put("messages", messages);

    Interaction back = InteractionForm.fromMap(form);

    assertThat(back.messages().get(4).parts())
        .containsExactly(new Part.Generic("hologram", Map.of("kind", "hologram", "depth", 3L)));
  }

  @Test
  void missingOrMistypedFields_areNamed() {
    Map<String, Object> form = InteractionForm.toMap(everyField());
    form.remove("trace_id");
    assertThatThrownBy(() -> InteractionForm.fromMap(form))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trace_id is missing");

    Map<String, Object> badStart = InteractionForm.toMap(everyField());
    badStart.put("start_epoch_nanos", "yesterday");
    assertThatThrownBy(() -> InteractionForm.fromMap(badStart))
        .hasMessage("start_epoch_nanos must be a number, was java.lang.String");

    Map<String, Object> noResponse = InteractionForm.toMap(everyField());
    noResponse.remove("response");
    assertThatThrownBy(() -> InteractionForm.fromMap(noResponse))
        .hasMessage("response must be a map, was missing");
  }
}
