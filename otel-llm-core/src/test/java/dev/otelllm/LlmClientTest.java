package dev.otelllm;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.internal.GenAiKeys;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmClientTest {

  /** A remote-looking provider, so the span is CLIENT with server attributes. */
  static LlmProvider remote(LlmProvider inner) {
    return new LlmProvider() {
      @Override
      public ProviderInfo info() {
        return ProviderInfo.remote("openai", "gpt-4o-mini", "api.example.test", 443);
      }

      @Override
      public LlmResponse generate(LlmRequest request) {
        return inner.generate(request);
      }
    };
  }

  @Test
  void tracingIsOffByDefault_andTheProviderIsCalledDirectly() {
    ScriptedProvider provider = ScriptedProvider.echo("m");
    try (LlmClient client = LlmClient.create(provider)) {
      LlmResponse response = client.generate("hi");
      assertThat(response.content()).isEqualTo("echo: hi");
      assertThat(response.traceId()).isEmpty();
      assertThat(response.spanId()).isEmpty();
      assertThat(client.isTracingEnabled()).isFalse();
      assertThat(client.getTraces()).isEmpty();
      assertThat(client.traceBuffer()).isEmpty();
      assertThat(client.provider()).isSameAs(provider);
    }
  }

  @Test
  void tracingOn_keepsFullContentInMemoryByDefault() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build()) {
      LlmResponse response =
          client.generate(
              LlmRequest.builder().systemPrompt("You are terse.").prompt("What is 2+2?").build());
      Interaction trace = client.getInteraction(response.spanId().orElseThrow()).orElseThrow();
      assertThat(trace.systemPrompt()).isEqualTo("You are terse.");
      assertThat(trace.prompt()).isEqualTo("What is 2+2?");
      assertThat(trace.response().content()).isEqualTo("echo: What is 2+2?");
      assertThat(trace.contentCapture()).isEqualTo("full");
      assertThat(client.tracing().orElseThrow().exportContentCapture().mode())
          .isEqualTo(ContentCapture.Mode.NONE);
      assertThat(client.traceBuffer().orElseThrow().maxInteractions()).isEqualTo(100);
    }
  }

  @Test
  void span_followsTheGenAiConventions() {
    try (TestTracing t = new TestTracing()) {
      LlmProvider provider =
          remote(
              ScriptedProvider.builder("gpt-4o-mini")
                  .answer(
                      r ->
                          LlmResponse.builder()
                              .content("4")
                              .finishReason("stop")
                              .model("gpt-4o-mini-2024")
                              .responseId("chatcmpl-1")
                              .usage(new Usage(150, 400, 20, 5, 30))
                              .build())
                  .build());
      LlmClient client = t.client(provider);
      LlmResponse response =
          client.generate(
              LlmRequest.builder()
                  .systemPrompt("sys")
                  .prompt("2+2?")
                  .params(
                      GenerationParams.builder()
                          .temperature(0.2)
                          .maxTokens(800)
                          .topP(0.9)
                          .topK(40)
                          .seed(42)
                          .stopSequences(List.of("END"))
                          .frequencyPenalty(0.5)
                          .presencePenalty(-0.5)
                          .choiceCount(2)
                          .outputType("text")
                          .extra("logprobs", true)
                          .build())
                  .metadata("step_type", "code_generation")
                  .metadata("attempt_number", 2)
                  .metadata("score", 0.75)
                  .metadata("tags", List.of("a", "b"))
                  .build());

      SpanData span = t.onlySpan();
      assertThat(span)
          .hasName("chat gpt-4o-mini")
          .hasKind(SpanKind.CLIENT)
          .hasTraceId(response.traceId().orElseThrow())
          .hasSpanId(response.spanId().orElseThrow())
          .hasAttributesSatisfying(
              equalTo(GEN_AI_OPERATION_NAME, "chat"),
              equalTo(GEN_AI_PROVIDER_NAME, "openai"),
              equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
              equalTo(ServerAttributes.SERVER_ADDRESS, "api.example.test"),
              equalTo(ServerAttributes.SERVER_PORT, 443L),
              equalTo(GEN_AI_REQUEST_TEMPERATURE, 0.2),
              equalTo(GEN_AI_REQUEST_MAX_TOKENS, 800L),
              equalTo(GEN_AI_REQUEST_TOP_P, 0.9),
              equalTo(GenAiKeys.REQUEST_TOP_K, 40L),
              equalTo(GEN_AI_REQUEST_SEED, 42L),
              equalTo(GEN_AI_REQUEST_STOP_SEQUENCES, List.of("END")),
              equalTo(GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.5),
              equalTo(GEN_AI_REQUEST_PRESENCE_PENALTY, -0.5),
              equalTo(GEN_AI_REQUEST_CHOICE_COUNT, 2L),
              equalTo(GEN_AI_OUTPUT_TYPE, "text"),
              equalTo(GEN_AI_RESPONSE_ID, "chatcmpl-1"),
              equalTo(GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024"),
              equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
              equalTo(GEN_AI_USAGE_INPUT_TOKENS, 150L),
              equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 400L),
              equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 20L),
              equalTo(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 5L),
              equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 30L),
              equalTo(AttributeKey.stringKey("otel_llm.metadata.step_type"), "code_generation"),
              equalTo(AttributeKey.longKey("otel_llm.metadata.attempt_number"), 2L),
              equalTo(AttributeKey.doubleKey("otel_llm.metadata.score"), 0.75),
              equalTo(AttributeKey.stringArrayKey("otel_llm.metadata.tags"), List.of("a", "b")),
              equalTo(AttributeKey.booleanKey("otel_llm.request.extra.logprobs"), true));
      assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name")))
          .isEqualTo("test-service");

      Value<?> input = span.getAttributes().get(GenAiKeys.INPUT_MESSAGES_VALUE);
      assertThat(JsonTree.toJson(JsonTree.fromValue(input)))
          .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"2+2?\"}]}]");
      assertThat(
              JsonTree.toJson(
                  JsonTree.fromValue(
                      span.getAttributes().get(GenAiKeys.SYSTEM_INSTRUCTIONS_VALUE))))
          .isEqualTo("[{\"type\":\"text\",\"content\":\"sys\"}]");
      assertThat(
              JsonTree.toJson(
                  JsonTree.fromValue(span.getAttributes().get(GenAiKeys.OUTPUT_MESSAGES_VALUE))))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"4\"}],\"finish_reason\":\"stop\"}]");

      Interaction trace = client.getTraces().get(0);
      assertThat(trace.parameters())
          .containsEntry("temperature", 0.2)
          .containsEntry("max_tokens", 800L)
          .containsEntry("top_k", 40L)
          .containsEntry("seed", 42L)
          .containsEntry("stop", List.of("END"))
          .containsEntry("n", 2L)
          .containsEntry("logprobs", true);
      assertThat(trace.metadata())
          .containsEntry("attempt_number", 2L)
          .containsEntry("score", 0.75)
          .containsEntry("step_type", "code_generation")
          .containsEntry("tags", List.of("a", "b"));
      assertThat(trace.response().usage().orElseThrow()).isEqualTo(new Usage(150, 400, 20, 5, 30));
      assertThat(trace.response().model()).isEqualTo("gpt-4o-mini-2024");
      assertThat(trace.response().id()).isEqualTo("chatcmpl-1");
      assertThat(trace.server()).isEqualTo(new Interaction.Server("api.example.test", 443));
    }
  }

  @Test
  void inProcessModel_isAnInternalSpanWithoutServerAttributes() {
    try (TestTracing t = new TestTracing()) {
      t.client(ScriptedProvider.echo("tiny")).generate("x");
      SpanData span = t.onlySpan();
      assertThat(span).hasKind(SpanKind.INTERNAL).hasName("chat tiny");
      assertThat(span.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isNull();
      assertThat(span.getAttributes().get(ServerAttributes.SERVER_PORT)).isNull();
    }
  }

  @Test
  void failedCall_isKeptWithErrorType_andTheExceptionReachesTheCallerUnchanged() {
    LlmException boom =
        new LlmException("openai", "429", "openai: 429 Too Many Requests: slow down");
    IllegalStateException plain = new IllegalStateException("socket closed");
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(remote(ScriptedProvider.builder("gpt").fail(boom).fail(plain).build()));
      assertThatThrownBy(() -> client.generate("a")).isSameAs(boom);
      assertThatThrownBy(() -> client.generate("b")).isSameAs(plain);

      List<Interaction> failed = client.getTraces(TraceQuery.errorsOnly());
      assertThat(failed).hasSize(2);
      assertThat(failed.get(0).error().orElseThrow().type()).isEqualTo("429");
      assertThat(failed.get(0).error().orElseThrow().message())
          .isEqualTo("openai: 429 Too Many Requests: slow down");
      assertThat(failed.get(0).response().finishReason()).isEqualTo("error");
      assertThat(failed.get(0).prompt()).isEqualTo("a");
      assertThat(failed.get(1).error().orElseThrow().type())
          .isEqualTo("java.lang.IllegalStateException");

      SpanData span = t.spans().get(0);
      assertThat(span)
          .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
          .hasAttributesSatisfying(
              equalTo(ErrorAttributes.ERROR_TYPE, "429"),
              equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("error")))
          .hasEventsSatisfyingExactly(e -> e.hasName("exception"));
    }
  }

  @Test
  void tracingFailure_neverReachesTheApplication() {
    ContentCapture throwing =
        ContentCapture.full()
            .withRedactor(
                s -> {
                  throw new IllegalArgumentException("redactor bug");
                });
    try (TestTracing t = new TestTracing(b -> b.contentCapture(throwing))) {
      LlmResponse response = t.client(ScriptedProvider.echo("m")).generate("hello");
      assertThat(response.content()).isEqualTo("echo: hello");
      // The span still ends, with what could be recorded.
      assertThat(t.onlySpan()).hasName("chat m");
    }
  }

  @Test
  void mapForm_hasExactlyTheReferenceKeys_keyByKey() {
    ScriptedProvider provider =
        ScriptedProvider.builder("m").answer("first").answer("second").build();
    ToolDefinition tool =
        new ToolDefinition("get_weather", "Weather by city", Map.of("type", "object"));
    try (LlmClient client = LlmClient.builder(provider).tracing(true).build();
        Session session = client.session().systemPrompt("sys").build()) {
      session.generate("Hello");
      session.generate(
          LlmRequest.builder()
              .prompt("Create a histogram")
              .tool(tool)
              .params(GenerationParams.builder().temperature(0).seed(42).topP(0.9).build())
              .metadata("user_id", "analyst_123")
              .build());
      List<Map<String, Object>> maps = session.getInteractionHistoryMaps();
      Map<String, Object> map = maps.get(1);
      assertThat(map.keySet())
          .containsExactly(
              "trace_id",
              "timestamp",
              "provider",
              "model",
              "system_prompt",
              "prompt",
              "messages",
              "tools",
              "parameters",
              "response",
              "metadata");
      // As in the reference, trace_id names this one interaction (its span id); the OpenTelemetry
      // trace id, shared by the session's calls, is metadata.otel_trace_id.
      Interaction second = session.getInteractionHistory().get(1);
      assertThat(map.get("trace_id")).isEqualTo(second.spanId());
      assertThat(maps.get(0).get("trace_id")).isNotEqualTo(map.get("trace_id"));
      assertThat((String) map.get("timestamp"))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      assertThat(map.get("provider")).isEqualTo("deterministic");
      assertThat(map.get("model")).isEqualTo("m");
      assertThat(map.get("system_prompt")).isEqualTo("sys");
      assertThat(map.get("prompt")).isEqualTo("Create a histogram");
      // The history sent before the prompt, not the prompt itself.
      assertThat(map.get("messages"))
          .isEqualTo(
              List.of(
                  Map.of("role", "user", "content", "Hello"),
                  Map.of("role", "assistant", "content", "first")));
      assertThat(maps.get(0).get("messages")).isEqualTo(List.of());
      assertThat(map.get("tools"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "name",
                      "get_weather",
                      "description",
                      "Weather by city",
                      "parameters",
                      Map.of("type", "object"))));
      assertThat(maps.get(0).get("tools")).isNull();
      @SuppressWarnings("unchecked")
      Map<String, Object> parameters = (Map<String, Object>) map.get("parameters");
      assertThat(parameters.keySet())
          .startsWith("temperature", "max_tokens", "max_output_tokens")
          .contains("seed", "top_p")
          .doesNotContain("top_k");
      assertThat(parameters)
          .containsEntry("temperature", 0.0)
          .containsEntry("max_tokens", null)
          .containsEntry("max_output_tokens", null)
          .containsEntry("seed", 42L)
          .containsEntry("top_p", 0.9);
      @SuppressWarnings("unchecked")
      Map<String, Object> firstParameters = (Map<String, Object>) maps.get(0).get("parameters");
      assertThat(firstParameters.keySet())
          .containsExactly("temperature", "max_tokens", "max_output_tokens");
      @SuppressWarnings("unchecked")
      Map<String, Object> response = (Map<String, Object>) map.get("response");
      assertThat(response.keySet())
          .containsExactly(
              "content",
              "raw_response",
              "tool_calls",
              "finish_reason",
              "usage",
              "generation_time_ms");
      assertThat(response.get("content")).isEqualTo("second");
      assertThat(response.get("raw_response")).isNull();
      assertThat(response.get("tool_calls")).isEqualTo(List.of());
      assertThat(response.get("finish_reason")).isEqualTo("stop");
      assertThat(response.get("generation_time_ms")).isInstanceOf(Double.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> usage = (Map<String, Object>) response.get("usage");
      assertThat(usage.keySet())
          .containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
      assertThat(usage.get("total_tokens"))
          .isEqualTo((Long) usage.get("prompt_tokens") + (Long) usage.get("completion_tokens"));
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) map.get("metadata");
      assertThat(metadata)
          .containsEntry("session_id", session.id())
          .containsEntry("step_type", "chat")
          .containsEntry("attempt_number", 1L)
          .containsEntry("user_id", "analyst_123")
          .containsEntry("otel_trace_id", second.traceId())
          .doesNotContainKey("span_id");
    }
  }

  @Test
  void mapForm_usageIsNull_whenTheProviderReportedNone() {
    LlmProvider noUsage =
        new LlmProvider() {
          @Override
          public ProviderInfo info() {
            return ProviderInfo.inProcess("p", "m");
          }

          @Override
          public LlmResponse generate(LlmRequest request) {
            return LlmResponse.builder().content("ok").build();
          }
        };
    try (LlmClient client = LlmClient.builder(noUsage).tracing(true).build()) {
      client.generate("x");
      @SuppressWarnings("unchecked")
      Map<String, Object> response =
          (Map<String, Object>) client.getTraces().get(0).toMap().get("response");
      assertThat(response).containsEntry("usage", null);
      assertThat(TraceExport.toString(client.getTraces(), TraceFormat.JSONL))
          .contains("\"usage\":null");
    }
  }

  @Test
  void toolCallsAndToolResults_areRecordedAsParts() {
    Part.ToolCall call = new Part.ToolCall("call_1", "get_weather", Map.of("city", "Paris"));
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(ScriptedProvider.builder("m").toolCall(call).answer("Sunny").build());
      ToolDefinition tool =
          new ToolDefinition(
              "get_weather",
              "Weather by city",
              Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));
      LlmResponse first =
          client.generate(LlmRequest.builder().prompt("Weather in Paris?").tool(tool).build());
      assertThat(first.toolCalls()).containsExactly(call);
      assertThat(first.finishReason()).contains("tool_call");
      assertThat(first.rawFinishReason()).contains("tool_calls");
      client.generate(
          LlmRequest.builder()
              .prompt("Weather in Paris?")
              .message(first.message())
              .message(Message.toolResult("call_1", Map.of("temp_c", 21)))
              .tool(tool)
              .build());

      List<Interaction> traces = client.getTraces();
      assertThat(traces.get(0).response().toolCalls()).containsExactly(call);
      assertThat(traces.get(0).tools()).containsExactly(tool);
      assertThat(traces.get(1).messages()).hasSize(3);
      assertThat(traces.get(1).messages().get(2).parts())
          .containsExactly(new Part.ToolCallResponse("call_1", Map.of("temp_c", 21L)));
      SpanData firstSpan = t.spans().get(0);
      assertThat(
              JsonTree.toJson(
                  JsonTree.fromValue(
                      firstSpan.getAttributes().get(GenAiKeys.OUTPUT_MESSAGES_VALUE))))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"get_weather\","
                  + "\"arguments\":{\"city\":\"Paris\"}}],\"finish_reason\":\"tool_call\"}]");
      assertThat(
              JsonTree.toJson(
                  JsonTree.fromValue(
                      firstSpan.getAttributes().get(GenAiKeys.TOOL_DEFINITIONS_VALUE))))
          .startsWith(
              "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather by city\"");
      Map<String, Object> map = traces.get(1).toMap();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> messages = (List<Map<String, Object>>) map.get("messages");
      assertThat(messages.get(1)).containsEntry("role", "assistant").containsKey("tool_calls");
      assertThat(messages.get(2))
          .containsEntry("tool_call_id", "call_1")
          .containsEntry("content", "{\"temp_c\":21}");
    }
  }

  @Test
  void providerAttributes_areRecordedUnderTheirOwnNames_rawArgumentsNever() {
    Part.ToolCall call =
        new Part.ToolCall(
            "call_1", "get_weather", Map.of("city", "Paris"), "{\"city\": \"Paris\"}");
    try (TestTracing t = new TestTracing()) {
      LlmProvider provider =
          remote(
              ScriptedProvider.builder("gpt-4o-mini")
                  .answer(
                      r ->
                          LlmResponse.builder()
                              .toolCall(call)
                              .finishReason("tool_calls")
                              .providerAttribute("openai.response.service_tier", "default")
                              .providerAttribute("openai.response.system_fingerprint", "fp_1")
                              .providerAttribute("acme.response.cached", true)
                              .providerAttribute("acme.response.shard", 3)
                              .build())
                  .build());
      LlmResponse response = t.client(provider).generate("Weather in Paris?");

      assertThat(response.toolCalls()).containsExactly(call);
      assertThat(response.providerAttributes())
          .containsExactly(
              Map.entry("openai.response.service_tier", "default"),
              Map.entry("openai.response.system_fingerprint", "fp_1"),
              Map.entry("acme.response.cached", true),
              Map.entry("acme.response.shard", 3L));
      SpanData span = t.onlySpan();
      assertThat(span)
          .hasAttributesSatisfying(
              equalTo(AttributeKey.stringKey("openai.response.service_tier"), "default"),
              equalTo(AttributeKey.stringKey("openai.response.system_fingerprint"), "fp_1"),
              equalTo(AttributeKey.booleanKey("acme.response.cached"), true),
              equalTo(AttributeKey.longKey("acme.response.shard"), 3L));
      // The span holds the parsed arguments, which the content policy governs; the wire text stays
      // out.
      assertThat(
              JsonTree.toJson(
                  JsonTree.fromValue(span.getAttributes().get(GenAiKeys.OUTPUT_MESSAGES_VALUE))))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"get_weather\","
                  + "\"arguments\":{\"city\":\"Paris\"}}],\"finish_reason\":\"tool_call\"}]");
      assertThat(span.getAttributes().toString()).doesNotContain("{\"city\": \"Paris\"}");
    }
  }

  @Test
  void providerAttributes_stayOutOfTheTracingsNamespaces() {
    assertThatThrownBy(() -> LlmResponse.builder().providerAttribute("gen_ai.response.id", "x"))
        .hasMessage(
            "provider attribute gen_ai.response.id is in the gen_ai namespace, which the tracing writes itself");
    assertThatThrownBy(() -> LlmResponse.builder().providerAttribute("otel_llm.error.message", "x"))
        .hasMessage(
            "provider attribute otel_llm.error.message is in the otel_llm namespace, which the tracing writes itself");
    assertThatThrownBy(() -> LlmResponse.builder().providerAttribute("service_tier", "x"))
        .hasMessage(
            "provider attribute names are lowercase and namespaced, like openai.response.service_tier; was service_tier");
    assertThatThrownBy(() -> LlmResponse.builder().providerAttribute("OpenAI.Response.Tier", "x"))
        .hasMessage(
            "provider attribute names are lowercase and namespaced, like openai.response.service_tier; was OpenAI.Response.Tier");
    assertThatThrownBy(
            () -> LlmResponse.builder().providerAttribute("acme.response.tier", new Object()))
        .hasMessageStartingWith("acme.response.tier must be a JSON-like value");
  }

  @Test
  void builders_rejectBadValuesWithMessagesThatNameThem() {
    assertThatThrownBy(() -> LlmTracing.builder().maxInteractions(-3))
        .hasMessage("maxInteractions must be >= 0, was -3");
    assertThatThrownBy(() -> GenerationParams.builder().temperature(-1))
        .hasMessage("temperature must be a finite number >= 0, was -1.0");
    assertThatThrownBy(() -> GenerationParams.builder().topP(1.5))
        .hasMessage("topP must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> GenerationParams.builder().maxTokens(0))
        .hasMessage("maxTokens must be > 0, was 0");
    assertThatThrownBy(() -> LlmRequest.builder().build())
        .hasMessage("a request needs at least one message; call prompt(...) or message(...)");
    assertThatThrownBy(() -> LlmRequest.builder().metadata("k", new Object()))
        .hasMessageStartingWith("k must be a JSON-like value");
    assertThatThrownBy(() -> ContentCapture.truncated(10))
        .hasMessage("maxBytes must be >= 64, was 10");
    assertThatThrownBy(() -> LlmClient.builder(null)).hasMessage("provider");
  }

  @Test
  void sneakyCheckedException_endsTheSpanAndReachesTheCaller() {
    java.io.IOException io = new java.io.IOException("socket reset");
    LlmProvider sneaky =
        new LlmProvider() {
          @Override
          public ProviderInfo info() {
            return ProviderInfo.inProcess("p", "m");
          }

          @Override
          public LlmResponse generate(LlmRequest request) {
            return LlmClientTest.<RuntimeException>sneak(io);
          }
        };
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(sneaky);
      assertThatThrownBy(() -> client.generate("x")).isSameAs(io);
      assertThat(client.getTraces()).hasSize(1);
      assertThat(client.getTraces().get(0).error().orElseThrow().type())
          .isEqualTo("java.io.IOException");
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> LlmResponse sneak(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void providerReturningNull_returnsNullAndTracesAFailure() {
    LlmProvider nulls =
        new LlmProvider() {
          @Override
          public ProviderInfo info() {
            return ProviderInfo.inProcess("p", "m");
          }

          @Override
          public LlmResponse generate(LlmRequest request) {
            return null;
          }
        };
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(nulls);
      assertThat(client.generate("x")).isNull();
      assertThat(client.getTraces().get(0).error().orElseThrow().type())
          .isEqualTo("java.lang.NullPointerException");
    }
  }

  @Test
  void tracingSetters_theLastOneWins_andOnlyAnOwnSetupIsClosedWithTheClient() {
    try (LlmTracing shared = LlmTracing.create()) {
      LlmClient usesShared =
          LlmClient.builder(ScriptedProvider.echo("m"))
              .tracing(LlmTracing.builder().maxInteractions(5))
              .tracing(shared)
              .build();
      assertThat(usesShared.tracing()).containsSame(shared);
      usesShared.close();
      // Not the client's to close: the shared setup still records.
      LlmClient.builder(ScriptedProvider.echo("m")).tracing(shared).build().generate("still on");
      assertThat(shared.traceBuffer().size()).isEqualTo(1);
    }
    LlmClient own =
        LlmClient.builder(ScriptedProvider.echo("m"))
            .tracing(LlmTracing.builder().maxInteractions(5).maxSessions(2))
            .build();
    assertThat(own.traceBuffer().orElseThrow().maxInteractions()).isEqualTo(5);
    assertThat(own.traceBuffer().orElseThrow().maxSessions()).isEqualTo(2);
    own.close();
    assertThat(
            LlmClient.builder(ScriptedProvider.echo("m"))
                .tracing(LlmTracing.builder())
                .tracing(false)
                .build()
                .isTracingEnabled())
        .isFalse();
  }

  @Test
  void givenBuffer_andBoundsForABufferBuiltHere_areRefusedAtOnce() {
    assertThatThrownBy(
            () -> LlmTracing.builder().maxInteractions(5).traceBuffer(TraceBuffer.create(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "maxInteractions bounds the buffer built here; a given traceBuffer has its own bounds: set them on TraceBuffer.builder()");
    assertThatThrownBy(
            () -> LlmTracing.builder().traceBuffer(TraceBuffer.create(10)).maxInteractionBytes(9))
        .hasMessage(
            "maxInteractionBytes bounds the buffer built here; a given traceBuffer has its own bounds: set them on TraceBuffer.builder()");
    assertThatThrownBy(() -> LlmTracing.builder().maxSessions(-1))
        .hasMessage("maxSessions must be >= 0, was -1");
  }

  @Test
  void reservedMetadataKeys_areRejected() {
    assertThatThrownBy(() -> LlmRequest.builder().metadata("span_id", "x"))
        .hasMessage(
            "metadata key 'span_id' is reserved for the interaction's own [error_message, error_type, otel_trace_id, parent_span_id, session_id, span_id]");
  }
}
