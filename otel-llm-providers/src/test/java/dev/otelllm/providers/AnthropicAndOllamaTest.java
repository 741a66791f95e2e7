package dev.otelllm.providers;

import static dev.otelllm.providers.Fixtures.json;
import static dev.otelllm.providers.Fixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class AnthropicAndOllamaTest {

  private static JsonNode body(RecordedRequest r) throws Exception {
    return HttpCore.JSON.readTree(r.getBody().utf8());
  }

  @Test
  void anthropic_generate_withSystemAsTopLevelField_andCacheTokens() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude-sonnet-4-5", f.options("").build()));
      LlmResponse r =
          client.generate(
              LlmRequest.builder().systemPrompt("Be brief.").prompt("Hi").temperature(0.5).build());
      assertThat(r.content()).isEqualTo("Hello! How can I help?");
      assertThat(r.finishReason()).contains("stop");
      assertThat(r.rawFinishReason()).contains("end_turn");
      assertThat(r.usage()).contains(new Usage(117, 9, 100, 5, 0));
      RecordedRequest req = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(req.getUrl().encodedPath()).isEqualTo("/v1/messages");
      assertThat(req.getHeaders().get("x-api-key")).isEqualTo(Fixtures.KEY);
      assertThat(req.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
      JsonNode sent = body(req);
      assertThat(sent.get("system").asText()).isEqualTo("Be brief.");
      assertThat(sent.get("max_tokens").asInt()).isEqualTo(1024);
      assertThat(sent.get("messages").toString())
          .isEqualTo("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}]");
      var span = f.finished().get(0);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("anthropic");
      // The span keeps the provider's value; the interaction reads it in the conventions' terms.
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
          .containsExactly("end_turn");
      assertThat(client.getTraces().get(0).response().finishReason()).isEqualTo("stop");
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens")))
          .isEqualTo(5L);
      // max_tokens is required by the API: the default that was sent is what the span records.
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")))
          .isEqualTo(1024L);
      assertThat(span.getAttributes().toString()).doesNotContain(Fixtures.KEY);
    }
  }

  @Test
  void anthropic_toolUse_andToolResultsAsContentBlocks() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/tool_use.json"));
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      ToolDefinition weather =
          new ToolDefinition("get_weather", "Weather", Map.of("type", "object"));
      try (Session s = client.newSession()) {
        LlmResponse first =
            s.generate(LlmRequest.builder().prompt("Weather in SF?").tool(weather).build());
        assertThat(first.content()).isEqualTo("I'll check the weather.");
        assertThat(first.toolCalls())
            .containsExactly(
                new Part.ToolCall(
                    "toolu_01A09q90qw90lq917835lq9",
                    "get_weather",
                    Map.of("location", "San Francisco, CA", "unit", "celsius")));
        assertThat(first.finishReason()).contains("tool_call");
        assertThat(first.rawFinishReason()).contains("tool_use");
        s.generate(
            LlmRequest.builder()
                .message(Message.toolResult("toolu_01A09q90qw90lq917835lq9", "18C"))
                .tool(weather)
                .build());
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      JsonNode second = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(second.get("tools").get(0).get("input_schema").get("type").asText())
          .isEqualTo("object");
      JsonNode msgs = second.get("messages");
      assertThat(msgs.get(1).get("content").get(1).get("type").asText()).isEqualTo("tool_use");
      assertThat(msgs.get(2).toString())
          .isEqualTo(
              "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01A09q90qw90lq917835lq9\",\"content\":\"18C\"}]}");
    }
  }

  @Test
  void anthropic_thinkingGoesBackWithItsSignature_firstInTheAssistantTurn() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/thinking_tool_use.json"));
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      ToolDefinition weather =
          new ToolDefinition("get_weather", "Weather", Map.of("type", "object"));
      try (Session s = client.newSession()) {
        LlmResponse first =
            s.generate(
                LlmRequest.builder()
                    .prompt("Weather in Paris?")
                    .tool(weather)
                    .params(
                        dev.otelllm.GenerationParams.builder()
                            .extra("thinking", Map.of("type", "enabled", "budget_tokens", 1024))
                            .build())
                    .build());
        assertThat(first.message().parts())
            .first()
            .isEqualTo(
                new Part.Reasoning(
                    "The user wants the weather in Paris; I should call get_weather.",
                    "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"));
        s.generate(
            LlmRequest.builder()
                .message(Message.toolResult("toolu_01ThinkWeather", "18C"))
                .tool(weather)
                .build());
      }
      JsonNode firstSent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(firstSent.get("thinking").get("type").asText()).isEqualTo("enabled");
      assertThat(firstSent.get("thinking").get("budget_tokens").asInt()).isEqualTo(1024);
      JsonNode assistant = body(f.server.takeRequest(5, TimeUnit.SECONDS)).get("messages").get(1);
      assertThat(assistant.get("role").asText()).isEqualTo("assistant");
      JsonNode content = assistant.get("content");
      assertThat(content.get(0).toString())
          .isEqualTo(
              "{\"type\":\"thinking\",\"thinking\":\"The user wants the weather "
                  + "in Paris; I should call get_weather.\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}");
      assertThat(content.get(1).toString())
          .isEqualTo(
              "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP\"}");
      assertThat(content.get(2).get("type").asText()).isEqualTo("tool_use");
      // The signature is sent to the model, never recorded: the span keeps the reasoning text only.
      Interaction trace = client.getTraces().get(0);
      assertThat(trace.response().otherParts())
          .contains(
              new Part.Reasoning(
                  "The user wants the weather in Paris; I should call get_weather."));
      assertThat(trace.toJson())
          .doesNotContain("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
      // Redacted thinking is opaque: its type is recorded, its data is not (it still went back
      // above).
      assertThat(trace.response().otherParts())
          .filteredOn(p -> p instanceof Part.Generic)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.type()).isEqualTo("redacted_thinking");
                assertThat(((Part.Generic) p).fields()).doesNotContainKey("data");
              });
      assertThat(f.finished().toString()).doesNotContain("EmwKAhgBEgy3va3pzix");
    }
  }

  @Test
  void anthropic_stream_assemblesThinkingAndItsSignature() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("anthropic/stream_thinking.sse"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      List<String> chunks = new ArrayList<>();
      LlmResponse r = client.stream(LlmRequest.of("2 + 2?"), chunks::add);
      assertThat(chunks).containsExactly("4");
      assertThat(r.message().parts())
          .first()
          .isEqualTo(new Part.Reasoning("Let me think: 2 + 2 = 4.", "EqQBCgIYAhIMs1gNaTuRe"));
      assertThat(r.content()).isEqualTo("4");
      assertThat(r.usage()).contains(Usage.of(50, 30));
    }
  }

  @Test
  void anthropic_stream_textToolInputAndUsage() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("anthropic/stream.sse"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      List<String> chunks = new ArrayList<>();
      LlmResponse r = client.stream(LlmRequest.of("Hi"), chunks::add);
      assertThat(chunks).containsExactly("Hello", "!");
      assertThat(r.content()).isEqualTo("Hello!");
      assertThat(r.toolCalls())
          .containsExactly(
              new Part.ToolCall(
                  "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                  "get_weather",
                  Map.of("location", "San Francisco, CA")));
      assertThat(r.usage()).contains(new Usage(35, 15, 10, 0, 0));
      assertThat(r.finishReason()).contains("tool_call");
      Interaction t = client.getTraces().get(0);
      assertThat(t.response().finishReason()).isEqualTo("tool_call");
      assertThat(
              f.finished()
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
          .containsExactly("tool_use");
      assertThat(t.response().timeToFirstChunkSeconds()).isPresent();
      assertThat(t.response().toolCalls()).hasSize(1);
    }
  }

  @Test
  void anthropic_overloaded529_isRetriedThenTyped() throws Exception {
    try (Fixtures f = new Fixtures()) {
      for (int i = 0; i < 3; i++) {
        f.server.enqueue(json(529, "anthropic/error_529.json"));
      }
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      assertThatThrownBy(() -> client.generate("x"))
          .isInstanceOf(LlmHttpException.Server.class)
          .hasMessageContaining("overloaded_error");
      assertThat(f.sleeps).hasSize(2);
    }
  }

  @Test
  void ollama_generate_stream_andToolCalls() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "ollama/chat.json"));
      f.server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/x-ndjson")
              .body(Fixtures.resource("ollama/stream.ndjson"))
              .build());
      f.server.enqueue(json(200, "ollama/tool_calls.json"));
      LlmClient client = f.client(LlmProviders.create("ollama", "llama3.2", f.options("").build()));
      LlmResponse r =
          client.generate(
              LlmRequest.builder().prompt("Hi").temperature(0.1).maxTokens(20).seed(3).build());
      assertThat(r.content()).isEqualTo("Hello! How are you today?");
      assertThat(r.usage()).contains(Usage.of(26, 298));
      JsonNode sent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sent.get("options").toString())
          .isEqualTo("{\"temperature\":0.1,\"seed\":3,\"num_predict\":20}");
      assertThat(sent.get("stream").asBoolean()).isFalse();

      List<String> chunks = new ArrayList<>();
      LlmResponse streamed = client.stream(LlmRequest.of("Why is the sky blue?"), chunks::add);
      assertThat(chunks).containsExactly("The", " sky", " is blue.");
      assertThat(streamed.usage()).contains(Usage.of(26, 282));
      assertThat(streamed.finishReason()).contains("stop");

      LlmResponse tools = client.generate("Weather in Paris?");
      assertThat(tools.toolCalls())
          .extracting(Part.ToolCall::name)
          .containsExactly("get_current_weather");
      assertThat(tools.toolCalls().get(0).arguments()).containsEntry("location", "Paris, FR");
      // Ollama says "stop" when it calls tools: the answer is a tool call, the span keeps "stop".
      assertThat(tools.finishReason()).contains("tool_call");
      assertThat(tools.rawFinishReason()).contains("stop");
      assertThat(client.getTraces().get(2).response().finishReason()).isEqualTo("tool_call");
      assertThat(client.getTraces()).extracting(Interaction::provider).containsOnly("ollama");
    }
  }

  @Test
  void ollama_requestFieldsAtTopLevel_optionsBelow_toolResultsNamed() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "ollama/chat.json"));
      LlmClient client = f.client(LlmProviders.create("ollama", "llama3.2", f.options("").build()));
      Part.ToolCall call =
          new Part.ToolCall("call_0", "get_current_weather", Map.of("location", "Paris, FR"));
      client.generate(
          LlmRequest.builder()
              .message(Message.user("Weather in Paris?"))
              .message(Message.of(Message.ASSISTANT, List.of(call)))
              .message(Message.toolResult("call_0", Map.of("temp_c", 21)))
              .prompt("And tomorrow?")
              .params(
                  dev.otelllm.GenerationParams.builder()
                      .frequencyPenalty(0.5)
                      .extra("format", "json")
                      .extra("keep_alive", "5m")
                      .extra("think", true)
                      .extra("num_ctx", 8192)
                      .build())
              .build());
      JsonNode sent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sent.get("think").asBoolean()).isTrue();
      assertThat(sent.get("format").asText()).isEqualTo("json");
      assertThat(sent.get("keep_alive").asText()).isEqualTo("5m");
      assertThat(sent.get("options").toString())
          .isEqualTo("{\"frequency_penalty\":0.5,\"num_ctx\":8192}");
      JsonNode tool = sent.get("messages").get(2);
      assertThat(tool.get("role").asText()).isEqualTo("tool");
      assertThat(tool.get("tool_name").asText()).isEqualTo("get_current_weather");
      assertThat(tool.get("content").asText()).isEqualTo("{\"temp_c\":21}");
      assertThat(
              sent.get("messages")
                  .get(1)
                  .get("tool_calls")
                  .get(0)
                  .get("function")
                  .get("name")
                  .asText())
          .isEqualTo("get_current_weather");

      // With think: true the reasoning streams beside the answer and is kept as a reasoning part.
      f.server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/x-ndjson")
              .body(Fixtures.resource("ollama/stream_thinking.ndjson"))
              .build());
      List<String> chunks = new ArrayList<>();
      LlmResponse thought =
          client.stream(
              LlmRequest.builder()
                  .prompt("How many r in strawberry?")
                  .params(dev.otelllm.GenerationParams.builder().extra("think", true).build())
                  .build(),
              chunks::add);
      assertThat(chunks).containsExactly("Three.");
      assertThat(thought.message().parts())
          .first()
          .isEqualTo(new Part.Reasoning("Count the r's: s-t-r-a-w-b-e-r-r-y has three."));
      assertThat(thought.usage()).contains(Usage.of(18, 41));
    }
  }

  @Test
  void ollama_toolCallIds_goBackOnTheCallsAndOnTheirResults() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "ollama/tool_calls_with_ids.json"));
      f.server.enqueue(json(200, "ollama/chat.json"));
      f.server.enqueue(json(200, "ollama/tool_calls.json"));
      f.server.enqueue(json(200, "ollama/chat.json"));
      LlmClient client = f.client(LlmProviders.create("ollama", "qwen3:8b", f.options("").build()));
      try (Session s = client.session().build()) {
        LlmResponse first = s.generate("Temperature and conditions in New York?");
        assertThat(first.toolCalls())
            .extracting(Part.ToolCall::id)
            .containsExactly("call_7sq2kd9x", "call_m4x0bq1e");
        s.generate(
            LlmRequest.builder()
                .message(
                    Message.of(
                        Message.TOOL,
                        List.of(
                            new Part.ToolCallResponse("call_7sq2kd9x", "22\u00b0C"),
                            new Part.ToolCallResponse("call_m4x0bq1e", "sunny"))))
                .build());
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      JsonNode msgs = body(f.server.takeRequest(5, TimeUnit.SECONDS)).get("messages");
      assertThat(msgs.get(1).toString())
          .isEqualTo(
              "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                  + "{\"id\":\"call_7sq2kd9x\",\"function\":{\"name\":\"get_temperature\",\"arguments\":{\"city\":\"New York\"}}},"
                  + "{\"id\":\"call_m4x0bq1e\",\"function\":{\"name\":\"get_conditions\",\"arguments\":{\"city\":\"New York\"}}}]}");
      assertThat(msgs.get(2).toString())
          .isEqualTo(
              "{\"role\":\"tool\",\"content\":\"22\u00b0C\",\"tool_name\":\"get_temperature\",\"tool_call_id\":\"call_7sq2kd9x\"}");
      assertThat(msgs.get(3).toString())
          .isEqualTo(
              "{\"role\":\"tool\",\"content\":\"sunny\",\"tool_name\":\"get_conditions\",\"tool_call_id\":\"call_m4x0bq1e\"}");

      // An answer without ids (servers before them): the call is numbered, and its result names it.
      try (Session s = client.session().build()) {
        LlmResponse first = s.generate("Weather in Paris?");
        assertThat(first.toolCalls()).extracting(Part.ToolCall::id).containsExactly("call_0");
        s.generate(LlmRequest.builder().message(Message.toolResult("call_0", "18\u00b0C")).build());
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      JsonNode numbered = body(f.server.takeRequest(5, TimeUnit.SECONDS)).get("messages");
      assertThat(numbered.get(1).get("tool_calls").get(0).get("id").asText()).isEqualTo("call_0");
      assertThat(numbered.get(2).toString())
          .isEqualTo(
              "{\"role\":\"tool\",\"content\":\"18\u00b0C\",\"tool_name\":\"get_current_weather\",\"tool_call_id\":\"call_0\"}");
    }
  }

  @Test
  void factory_namesDefaultsAndMissingKeys() {
    assertThatThrownBy(() -> LlmProviders.create("gpt", "m"))
        .hasMessage(
            "unknown provider 'gpt': use one of openai, anthropic, ollama, lmstudio, vllm, openrouter, openai-compatible, llamacpp");
    assertThatThrownBy(
            () ->
                LlmProviders.create("openai", "gpt-4o-mini", ProviderOptions.defaults(), k -> null))
        .hasMessage(
            "openai needs an API key: set OPENAI_API_KEY or pass ProviderOptions.builder().apiKey(...)");
    assertThatThrownBy(
            () -> LlmProviders.create("anthropic", "c", ProviderOptions.defaults(), k -> null))
        .hasMessage(
            "anthropic needs an API key: set ANTHROPIC_API_KEY or pass ProviderOptions.builder().apiKey(...)");
    assertThatThrownBy(
            () ->
                LlmProviders.create(
                    "openai-compatible", "m", ProviderOptions.defaults(), k -> null))
        .hasMessageStartingWith("openai-compatible needs the server's base URL");
    assertThat(
            LlmProviders.create("openai", "m", ProviderOptions.defaults(), k -> "sk-env")
                .info()
                .server())
        .contains("api.openai.com");
    assertThat(
            LlmProviders.create("ollama", "m", ProviderOptions.defaults(), k -> null)
                .info()
                .serverPort())
        .isEqualTo(11434);
    assertThat(
            LlmProviders.create("lmstudio", "m", ProviderOptions.defaults(), k -> null)
                .info()
                .serverPort())
        .isEqualTo(1234);
    assertThat(
            LlmProviders.create("vllm", "m", ProviderOptions.defaults(), k -> null)
                .info()
                .providerName())
        .isEqualTo("vllm");
    assertThat(ProviderOptions.builder().apiKey("sk-secret").build().toString())
        .doesNotContain("sk-secret");
    assertThatThrownBy(() -> ProviderOptions.builder().baseUrl("localhost:1234"))
        .hasMessage("baseUrl must start with http:// or https://, was localhost:1234");
  }
}
