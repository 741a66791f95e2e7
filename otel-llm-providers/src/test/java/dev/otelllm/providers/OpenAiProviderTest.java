package dev.otelllm.providers;

import static dev.otelllm.providers.Fixtures.json;
import static dev.otelllm.providers.Fixtures.sse;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {

  private static JsonNode body(RecordedRequest r) throws Exception {
    return HttpCore.JSON.readTree(r.getBody().utf8());
  }

  @Test
  void generate_sendsTheChatCompletionsRequest_andReadsTheAnswer() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmProvider p = LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build());
      LlmResponse r =
          f.client(p)
              .generate(
                  LlmRequest.builder()
                      .systemPrompt("Be nice.")
                      .prompt("Hi")
                      .params(
                          GenerationParams.builder()
                              .temperature(0.2)
                              .maxTokens(50)
                              .seed(7)
                              .topK(5)
                              .stopSequences(List.of("END"))
                              .build())
                      .metadata("step_type", "greet")
                      .build());

      assertThat(r.content()).isEqualTo("Hello! How can I assist you today?");
      assertThat(r.finishReason()).contains("stop");
      assertThat(r.model()).contains("gpt-4o-mini-2024-07-18");
      assertThat(r.responseId()).contains("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
      assertThat(r.usage()).contains(new Usage(19, 10, 4, 0, 2));

      RecordedRequest req = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(req.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
      assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + Fixtures.KEY);
      assertThat(req.getHeaders().get("traceparent"))
          .matches("00-" + r.traceId().orElseThrow() + "-[0-9a-f]{16}-0[0-9a-f]");
      JsonNode sent = body(req);
      assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(sent.get("messages").toString())
          .isEqualTo(
              "[{\"role\":\"system\",\"content\":\"Be nice.\"},{\"role\":\"user\",\"content\":\"Hi\"}]");
      assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
      assertThat(sent.get("max_completion_tokens").asInt())
          .as("OpenAI takes max_completion_tokens")
          .isEqualTo(50);
      assertThat(sent.has("max_tokens")).isFalse();
      assertThat(sent.get("seed").asInt()).isEqualTo(7);
      assertThat(sent.has("top_k")).as("OpenAI refuses top_k").isFalse();
      assertThat(sent.get("stop").toString()).isEqualTo("[\"END\"]");

      SpanData span = f.finished().get(0);
      assertThat(span)
          .hasName("chat gpt-4o-mini")
          .hasKind(SpanKind.CLIENT)
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "openai")
          .hasAttribute(AttributeKey.stringKey("server.address"), "127.0.0.1")
          .hasAttribute(AttributeKey.longKey("server.port"), (long) f.server.getPort())
          .hasAttribute(AttributeKey.stringKey("gen_ai.response.model"), "gpt-4o-mini-2024-07-18")
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 19L)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens"), 4L);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.top_k")))
          .as("not sent, not recorded")
          .isNull();
      assertThat(span.getAttributes().toString()).doesNotContain(Fixtures.KEY);
    }
  }

  @Test
  void toolCalls_roundTrip_throughASessionInTheWireFormat() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/tool_calls.json"));
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmClient client =
          f.client(LlmProviders.create("lmstudio", "qwen", f.options("/v1").build()));
      ToolDefinition weather =
          new ToolDefinition(
              "get_current_weather",
              "Weather",
              Map.of("type", "object", "properties", Map.of("location", Map.of("type", "string"))));
      try (Session s = client.session().systemPrompt("sys").build()) {
        LlmResponse first =
            s.generate(LlmRequest.builder().prompt("Weather in Boston?").tool(weather).build());
        Part.ToolCall call = first.toolCalls().get(0);
        assertThat(call)
            .isEqualTo(
                new Part.ToolCall(
                    "call_abc123",
                    "get_current_weather",
                    Map.of("location", "Boston, MA"),
                    "{\n\"location\": \"Boston, MA\"\n}"));
        assertThat(first.finishReason()).contains("tool_call");
        assertThat(first.rawFinishReason()).contains("tool_calls");
        s.generate(
            LlmRequest.builder()
                .message(Message.toolResult("call_abc123", Map.of("temp_c", 21)))
                .tool(weather)
                .build());
        s.generate("Thanks");
        assertThat(s.getInteractionHistory()).hasSize(3);
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      JsonNode second = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(second.get("tools").get(0).get("function").get("name").asText())
          .isEqualTo("get_current_weather");
      JsonNode msgs = second.get("messages");
      assertThat(msgs.get(2).get("role").asText()).isEqualTo("assistant");
      assertThat(msgs.get(2).get("content").isNull()).isTrue();
      assertThat(msgs.get(2).get("tool_calls").get(0).get("function").get("arguments").asText())
          .isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
      assertThat(msgs.get(3).toString())
          .isEqualTo(
              "{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"content\":\"{\\\"temp_c\\\":21}\"}");
      JsonNode third = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(third.get("messages").size()).isEqualTo(6);
      Interaction firstTrace =
          f.client(LlmProviders.create("lmstudio", "qwen", f.options("/v1").build()))
              .getTraces()
              .get(0);
      assertThat(firstTrace.response().toolCalls()).hasSize(1);
    }
  }

  @Test
  void stream_deliversChunksAsTheyArrive_andEndsWithUsageFromTheFinalChunk() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream.sse"));
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      List<String> chunks = new ArrayList<>();
      LlmResponse r = client.stream(LlmRequest.of("Hi"), chunks::add);
      assertThat(chunks).containsExactly("Hello", " there", "!");
      assertThat(r.content()).isEqualTo("Hello there!");
      assertThat(r.usage()).contains(Usage.of(9, 3));
      assertThat(r.finishReason()).contains("stop");
      JsonNode sent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sent.get("stream").asBoolean()).isTrue();
      assertThat(sent.get("stream_options").get("include_usage").asBoolean()).isTrue();
      SpanData span = f.finished().get(0);
      assertThat(span)
          .hasAttribute(AttributeKey.booleanKey("gen_ai.request.stream"), true)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 3L);
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isPositive();
      Interaction t = client.getTraces().get(0);
      assertThat(t.response().content()).isEqualTo("Hello there!");
      assertThat(t.response().timeToFirstChunkSeconds()).isPresent();
      assertThat(t.parameters()).containsEntry("stream", true);
    }
  }

  @Test
  void stream_assemblesToolCallsFromDeltas() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream_tool_calls.sse"));
      LlmResponse r =
          f.client(LlmProviders.create("vllm", "m", f.options("/v1").build())).stream(
              LlmRequest.of("Weather?"), c -> {});
      assertThat(r.toolCalls())
          .containsExactly(
              new Part.ToolCall(
                  "call_1", "get_weather", Map.of("city", "Paris"), "{\"city\":\"Paris\"}"));
      assertThat(r.usage()).contains(Usage.of(40, 12));
    }
  }

  /** The assistant turn of the follow-up: the calls' argument texts as sent back. */
  private static List<String> sentArguments(JsonNode followUp) {
    List<String> out = new ArrayList<>();
    followUp
        .get("messages")
        .get(1)
        .get("tool_calls")
        .forEach(c -> out.add(c.get("function").get("arguments").asText()));
    return out;
  }

  private static Message twoResults() {
    return Message.of(
        Message.TOOL,
        List.of(
            new Part.ToolCallResponse("call_Qm3vT8pLx2nR7kWc1yZb5sJd", "14 C"),
            new Part.ToolCallResponse("call_H6dN0aFe4gUo9iKr2tVx8wBm", "rain")));
  }

  @Test
  void toolCallArguments_goBackAsTheServerWroteThem_notParsedAndWrittenAnew() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/tool_calls_parallel.json"));
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      try (Session s = client.session().build()) {
        LlmResponse first = s.generate("Weather in Zurich, and the forecast?");
        // Readers get the parsed arguments; the server's text rides beside them.
        assertThat(first.toolCalls())
            .extracting(Part.ToolCall::arguments)
            .containsExactly(
                Map.of("location", "Z\u00fcrich", "unit", "celsius"),
                Map.of("location", "Z\u00fcrich", "days", 3L, "rain_mm", 1.5));
        s.generate(LlmRequest.builder().message(twoResults()).build());
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      JsonNode followUp = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sentArguments(followUp))
          .containsExactly(
              "{\"location\": \"Z\\u00fcrich\", \"unit\": \"celsius\"}",
              "{\"location\": \"Z\\u00fcrich\", \"days\": 3, \"rain_mm\": 1.50}");
      assertThat(followUp.get("messages").get(2).toString())
          .isEqualTo(
              "{\"role\":\"tool\",\"tool_call_id\":\"call_Qm3vT8pLx2nR7kWc1yZb5sJd\",\"content\":\"14 C\"}");
    }
  }

  @Test
  void streamedToolCallArguments_goBackAsTheyWereStreamed() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream_parallel_tool_calls.sse"));
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      try (Session s = client.session().build()) {
        LlmResponse first = s.stream("Weather in Zurich, and the forecast?", c -> {});
        assertThat(first.toolCalls())
            .extracting(Part.ToolCall::rawArguments)
            .containsExactly(
                "{\"location\": \"Z\\u00fcrich\", \"unit\": \"celsius\"}",
                "{\"location\": \"Z\\u00fcrich\", \"days\": 3, \"rain_mm\": 1.50}");
        s.generate(LlmRequest.builder().message(twoResults()).build());
      }
      f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(sentArguments(body(f.server.takeRequest(5, TimeUnit.SECONDS))))
          .containsExactly(
              "{\"location\": \"Z\\u00fcrich\", \"unit\": \"celsius\"}",
              "{\"location\": \"Z\\u00fcrich\", \"days\": 3, \"rain_mm\": 1.50}");
    }
  }

  @Test
  void serviceTierAndSystemFingerprint_areTheConventionsOpenAiAttributes() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.server.enqueue(sse("openai/stream.sse"));
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      client.generate(
          LlmRequest.builder()
              .prompt("Hi")
              .params(
                  GenerationParams.builder()
                      .extra("service_tier", "auto")
                      .extra("logprobs", true)
                      .build())
              .build());
      client.stream(LlmRequest.of("Hi"), c -> {});

      JsonNode sent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sent.get("service_tier").asText()).isEqualTo("auto");
      List<SpanData> spans = f.finished();
      assertThat(spans.get(0))
          .hasAttribute(AttributeKey.stringKey("openai.request.service_tier"), "auto")
          .hasAttribute(AttributeKey.stringKey("openai.response.service_tier"), "default")
          .hasAttribute(
              AttributeKey.stringKey("openai.response.system_fingerprint"), "fp_06737a9306")
          .hasAttribute(AttributeKey.booleanKey("otel_llm.request.extra.logprobs"), true);
      assertThat(
              spans
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.stringKey("otel_llm.request.extra.service_tier")))
          .as("recorded under the conventions' name instead")
          .isNull();
      // Read back, it is one of the call's parameters again.
      assertThat(client.getTraces().get(0).parameters()).containsEntry("service_tier", "auto");
      assertThat(spans.get(1))
          .hasAttribute(AttributeKey.stringKey("openai.response.service_tier"), "default")
          .hasAttribute(
              AttributeKey.stringKey("openai.response.system_fingerprint"), "fp_44709d6fcb");
      assertThat(
              spans
                  .get(1)
                  .getAttributes()
                  .get(AttributeKey.stringKey("openai.request.service_tier")))
          .as("the request sent none")
          .isNull();
    }
  }

  @Test
  void stream_keepsTheReasoningStreamedBesideTheAnswer() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream_reasoning.sse"));
      LlmClient client =
          f.client(
              LlmProviders.create(
                  "openai-compatible", "deepseek-reasoner", f.options("/v1").build()));
      List<String> chunks = new ArrayList<>();
      LlmResponse r = client.stream(LlmRequest.of("Which is larger, 9.11 or 9.9?"), chunks::add);
      assertThat(chunks).containsExactly("9.9 is larger.");
      assertThat(r.content()).isEqualTo("9.9 is larger.");
      assertThat(r.message().parts())
          .first()
          .isEqualTo(new Part.Reasoning("9.11 vs 9.9: 0.90 > 0.11."));
      assertThat(r.usage()).contains(new Usage(15, 40, 0, 0, 30));
      Interaction t = client.getTraces().get(0);
      assertThat(t.response().otherParts())
          .containsExactly(new Part.Reasoning("9.11 vs 9.9: 0.90 > 0.11."));
    }
  }

  @Test
  void streamCutShort_isOneFailedSpan_withThePartialAnswer() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream_cut.sse"));
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      List<String> chunks = new ArrayList<>();
      assertThatThrownBy(() -> client.stream(LlmRequest.of("Hi"), chunks::add))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage("openai: the stream ended before [DONE] (14 characters received)");
      assertThat(chunks).containsExactly("Partial ", "answer");
      Interaction t = client.getTraces().get(0);
      assertThat(t.error().orElseThrow().type()).isEqualTo("invalid_response");
      assertThat(t.response().finishReason()).isEqualTo("error");
      assertThat(t.response().content()).isEqualTo("Partial answer");
      assertThat(f.finished()).hasSize(1);
    }
  }

  @Test
  void rateLimit_isRetried_honouringRetryAfter_eachAttemptOnTheSpan() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(
          new MockResponse.Builder(json(429, "openai/error_429.json"))
              .addHeader("Retry-After", "2")
              .build());
      f.server.enqueue(
          new MockResponse.Builder(json(503, "openai/error_400.json"))
              .addHeader("Retry-After-Ms", "150")
              .build());
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmResponse r =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()))
              .generate("Hi");
      assertThat(r.content()).startsWith("Hello!");
      assertThat(f.sleeps).containsExactly(2000L, 150L);
      SpanData span = f.finished().get(0);
      assertThat(span.getEvents())
          .extracting(e -> e.getName())
          .containsExactly("otel_llm.request.retry", "otel_llm.request.retry");
      assertThat(
              span.getEvents()
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.longKey("http.response.status_code")))
          .isEqualTo(429L);
    }
  }

  @Test
  void retries_areReportedToTheCallersListener_withoutAnySpan() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(
          new MockResponse.Builder(json(429, "openai/error_429.json"))
              .addHeader("Retry-After", "1")
              .build());
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      List<String> reports = new java.util.ArrayList<>();
      dev.otelllm.CallListener listener =
          new dev.otelllm.CallListener() {
            @Override
            public void retrying(
                int failedAttempt, java.time.Duration delay, int status, String errorType) {
              reports.add(failedAttempt + " " + delay.toMillis() + " " + status + " " + errorType);
            }
          };
      LlmResponse r =
          LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build())
              .generate(dev.otelllm.LlmRequest.of("Hi"), listener);
      assertThat(r.content()).startsWith("Hello!");
      assertThat(reports).containsExactly("1 1000 429 ");
    }
  }

  @Test
  void serverErrors_retriedWithBackoff_thenTyped() throws Exception {
    try (Fixtures f = new Fixtures()) {
      for (int i = 0; i < 3; i++) {
        f.server.enqueue(
            new MockResponse.Builder()
                .code(500)
                .body("{\"error\":{\"message\":\"boom\"}}")
                .build());
      }
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      assertThatThrownBy(() -> client.generate("Hi"))
          .isInstanceOf(LlmHttpException.Server.class)
          .hasMessage("openai: 500 Server Error: {\"error\":{\"message\":\"boom\"}}");
      // Backoff without Retry-After: 500 ms, then 1,000 ms (jitter fixed at 1 here).
      assertThat(f.sleeps).containsExactly(500L, 1000L);
      assertThat(client.getTraces().get(0).error().orElseThrow().type()).isEqualTo("500");
    }
  }

  @Test
  void clientErrors_areTyped_notRetried_andNeverShowTheKey() throws Exception {
    record Case(int code, Class<?> type) {}
    for (Case c :
        List.of(
            new Case(400, LlmHttpException.BadRequest.class),
            new Case(401, LlmHttpException.Authentication.class),
            new Case(403, LlmHttpException.Authentication.class),
            new Case(404, LlmHttpException.NotFound.class),
            new Case(413, LlmHttpException.PayloadTooLarge.class))) {
      try (Fixtures f = new Fixtures()) {
        f.server.enqueue(json(c.code(), "openai/error_401.json"));
        LlmClient client =
            f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
        Throwable thrown =
            org.assertj.core.api.Assertions.catchThrowable(() -> client.generate("Hi"));
        assertThat(thrown).as("status " + c.code()).isInstanceOf(c.type());
        LlmHttpException e = (LlmHttpException) thrown;
        assertThat(e.statusCode()).isEqualTo(c.code());
        assertThat(e.getMessage())
            .startsWith("openai: " + c.code())
            .contains("Incorrect API key provided: ***")
            .doesNotContain(Fixtures.KEY);
        assertThat(e.body()).doesNotContain(Fixtures.KEY);
        assertThat(f.sleeps).isEmpty();
        assertThat(f.finished().get(0).toString()).doesNotContain(Fixtures.KEY);
      }
    }
  }

  @Test
  void notJson_wrongShape_timeout_andConnectionRefused_areTyped() throws Exception {
    try (Fixtures f = new Fixtures()) {
      LlmClient client =
          f.client(
              LlmProviders.create(
                  "openai",
                  "gpt-4o-mini",
                  f.options("/v1").timeout(Duration.ofMillis(400)).build()));
      f.server.enqueue(new MockResponse.Builder().code(200).body("<html>gateway</html>").build());
      assertThatThrownBy(() -> client.generate("a"))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage("openai: the answer is not JSON: <html>gateway</html>");
      f.server.enqueue(
          new MockResponse.Builder().code(200).body("{\"object\":\"list\",\"data\":[]}").build());
      assertThatThrownBy(() -> client.generate("b"))
          .hasMessageStartingWith("openai: the answer has no choices[0].message");
      f.server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body("{}")
              .headersDelay(3, TimeUnit.SECONDS)
              .build());
      assertThatThrownBy(() -> client.generate("c"))
          .isInstanceOf(LlmTransportException.class)
          .hasMessageStartingWith("openai: no answer within PT0.4S");
      assertThat(client.getTraces())
          .extracting(t -> t.error().orElseThrow().type())
          .containsExactly("invalid_response", "invalid_response", "timeout");
    }
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    LlmProvider refused =
        LlmProviders.create(
            "openai",
            "m",
            ProviderOptions.builder()
                .baseUrl("http://127.0.0.1:" + closed + "/v1")
                .apiKey("k")
                .build());
    assertThatThrownBy(() -> refused.generate(LlmRequest.of("x")))
        .isInstanceOf(LlmTransportException.class)
        .hasMessageStartingWith("openai: cannot connect to 127.0.0.1:" + closed)
        .extracting(e -> ((LlmTransportException) e).errorType())
        .isEqualTo("connection");
  }

  @Test
  void onlyTheAllowedBaggageLeavesTheProcess_andPropagationCanBeTurnedOff() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      LlmClient client = f.client(LlmProviders.create("openai", "m", f.options("/v1").build()));
      io.opentelemetry.api.baggage.Baggage upstream =
          io.opentelemetry.api.baggage.Baggage.builder().put("user.email", "a@b.c").build();
      try (var s1 = io.opentelemetry.context.Context.current().with(upstream).makeCurrent();
          Session s = client.session().id("sess-9").build()) {
        s.generate("x");
      }
      RecordedRequest req = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(req.getHeaders().get("baggage"))
          .contains("session.id=sess-9")
          .doesNotContain("user.email");
      LlmClient quiet =
          f.client(
              LlmProviders.create("openai", "m", f.options("/v1").propagateContext(false).build()));
      quiet.generate("y");
      assertThat(f.server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("traceparent"))
          .isNull();
    }
  }
}
