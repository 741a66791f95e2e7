package dev.otelllm.providers;

import static dev.otelllm.providers.Fixtures.json;
import static dev.otelllm.providers.Fixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's errors inside a stream, the parameters it takes, and how tool results are grouped.
 */
class AnthropicProviderTest {

  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private static JsonNode body(RecordedRequest r) throws Exception {
    return HttpCore.JSON.readTree(r.getBody().utf8());
  }

  /** The overloaded stream with another error of the API in place of overloaded_error. */
  private static MockResponse streamError(String type, String message) {
    String body =
        Fixtures.resource("anthropic/stream_error_overloaded.sse")
            .replace(
                "\"type\":\"overloaded_error\",\"message\":\"Overloaded\"",
                "\"type\":\"" + type + "\",\"message\":\"" + message + "\"");
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  @Test
  void streamErrorBeforeAnyText_isRetriedLikeA529_andTheRetryStartsAfresh() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("anthropic/stream_error_overloaded.sse"));
      f.server.enqueue(sse("anthropic/stream.sse"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      List<String> chunks = new ArrayList<>();
      LlmResponse r = client.stream(LlmRequest.of("Hi"), chunks::add);
      assertThat(chunks).containsExactly("Hello", "!");
      // Nothing of the failed attempt survives: its half-started tool call and its message id are
      // gone.
      assertThat(r.toolCalls())
          .containsExactly(
              new Part.ToolCall(
                  "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                  "get_weather",
                  Map.of("location", "San Francisco, CA")));
      assertThat(r.responseId()).contains("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
      assertThat(f.server.getRequestCount()).isEqualTo(2);
      assertThat(f.sleeps).containsExactly(500L);
      SpanData span = f.finished().get(0);
      assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
      assertThat(span.getEvents())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getName()).isEqualTo("otel_llm.request.retry");
                assertThat(e.getAttributes().get(AttributeKey.longKey("otel_llm.retry.attempt")))
                    .isEqualTo(1L);
                assertThat(e.getAttributes().get(ERROR_TYPE)).isEqualTo("529");
              });
    }
  }

  @Test
  void streamErrors_areTypedAndRetried_likeTheirStatusEquivalents() throws Exception {
    record Case(String type, int status, Class<?> exception, boolean retried) {}
    for (Case c :
        List.of(
            new Case("overloaded_error", 529, LlmHttpException.Server.class, true),
            new Case("api_error", 500, LlmHttpException.Server.class, true),
            new Case("rate_limit_error", 429, LlmHttpException.RateLimit.class, true),
            new Case("invalid_request_error", 400, LlmHttpException.BadRequest.class, false),
            new Case("authentication_error", 401, LlmHttpException.Authentication.class, false),
            new Case("permission_error", 403, LlmHttpException.Authentication.class, false),
            new Case("not_found_error", 404, LlmHttpException.NotFound.class, false),
            new Case("request_too_large", 413, LlmHttpException.PayloadTooLarge.class, false),
            new Case("billing_error", 402, LlmHttpException.class, false),
            new Case("timeout_error", 504, LlmHttpException.Server.class, true))) {
      try (Fixtures f = new Fixtures()) {
        for (int i = 0; i < 3; i++) {
          f.server.enqueue(streamError(c.type(), "Something about " + c.type()));
        }
        LlmClient client =
            f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
        Throwable thrown = catchThrowable(() -> client.stream(LlmRequest.of("Hi"), chunk -> {}));
        assertThat(thrown).as(c.type()).isInstanceOf(c.exception());
        LlmHttpException e = (LlmHttpException) thrown;
        assertThat(e.statusCode()).as(c.type()).isEqualTo(c.status());
        assertThat(e.getMessage())
            .as(c.type())
            .startsWith("anthropic: " + c.status())
            .contains(c.type())
            .contains("Something about " + c.type());
        // Two retries by default for what a status would retry, none for the rest.
        assertThat(f.sleeps).as(c.type()).hasSize(c.retried() ? 2 : 0);
        assertThat(f.server.getRequestCount()).as(c.type()).isEqualTo(c.retried() ? 3 : 1);
        assertThat(f.finished().get(0).getAttributes().get(ERROR_TYPE))
            .as(c.type())
            .isEqualTo(String.valueOf(c.status()));
      }
    }
  }

  @Test
  void streamErrorAfterTextWasDelivered_isTyped_butNotRetried() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("anthropic/stream_error_after_text.sse"));
      f.server.enqueue(sse("anthropic/stream.sse"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      List<String> chunks = new ArrayList<>();
      Throwable thrown = catchThrowable(() -> client.stream(LlmRequest.of("Hi"), chunks::add));
      // The caller already holds "Hello": a second answer would repeat or contradict it.
      assertThat(thrown).isInstanceOf(LlmHttpException.Server.class);
      assertThat(((LlmHttpException) thrown).statusCode()).isEqualTo(529);
      assertThat(chunks).containsExactly("Hello");
      assertThat(f.server.getRequestCount()).isEqualTo(1);
      assertThat(f.sleeps).isEmpty();
      SpanData span = f.finished().get(0);
      assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("529");
      assertThat(span.getEvents())
          .extracting(EventData::getName)
          .doesNotContain("otel_llm.request.retry");
    }
  }

  @Test
  void seed_isNeitherSentNorRecorded_asTheApiHasNone() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      client.generate(
          LlmRequest.builder()
              .prompt("Hi")
              .params(
                  GenerationParams.builder()
                      .temperature(0.5)
                      .seed(7)
                      .topK(5)
                      .maxTokens(200)
                      .build())
              .build());
      JsonNode sent = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(sent.has("seed")).isFalse();
      assertThat(sent.get("top_k").asInt()).isEqualTo(5);
      SpanData span = f.finished().get(0);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.seed"))).isNull();
      assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.request.temperature")))
          .isEqualTo(0.5);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.top_k")))
          .isEqualTo(5L);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")))
          .isEqualTo(200L);
    }
  }

  @Test
  void temperatureAndTopP_onlyTemperatureIsSentAndRecorded() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/message.json"));
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      client.generate(
          LlmRequest.builder()
              .prompt("Hi")
              .params(GenerationParams.builder().temperature(0.3).topP(0.9).build())
              .build());
      client.generate(
          LlmRequest.builder()
              .prompt("Hi")
              .params(GenerationParams.builder().topP(0.9).build())
              .build());

      JsonNode both = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(both.get("temperature").asDouble()).isEqualTo(0.3);
      assertThat(both.has("top_p")).isFalse();
      JsonNode topPOnly = body(f.server.takeRequest(5, TimeUnit.SECONDS));
      assertThat(topPOnly.get("top_p").asDouble()).isEqualTo(0.9);
      assertThat(topPOnly.has("temperature")).isFalse();

      List<SpanData> spans = f.finished();
      assertThat(
              spans
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.request.temperature")))
          .isEqualTo(0.3);
      assertThat(spans.get(0).getAttributes().get(AttributeKey.doubleKey("gen_ai.request.top_p")))
          .isNull();
      assertThat(spans.get(1).getAttributes().get(AttributeKey.doubleKey("gen_ai.request.top_p")))
          .isEqualTo(0.9);
    }
  }

  @Test
  void consecutiveToolResults_andTheTextAfterThem_goInOneUserTurn() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "anthropic/message.json"));
      LlmClient client =
          f.client(LlmProviders.create("anthropic", "claude", f.options("").build()));
      client.generate(
          LlmRequest.builder()
              .message(Message.user("Weather in Paris and London?"))
              .message(
                  Message.of(
                      Message.ASSISTANT,
                      List.of(
                          new Part.ToolCall(
                              "toolu_01Paris", "get_weather", Map.of("location", "Paris")),
                          new Part.ToolCall(
                              "toolu_01London", "get_weather", Map.of("location", "London")))))
              .message(Message.toolResult("toolu_01Paris", "18C"))
              .message(Message.toolResult("toolu_01London", "12C"))
              .prompt("And tomorrow?")
              .message(Message.assistant("Let me check."))
              .prompt("Thanks.")
              .build());
      JsonNode messages = body(f.server.takeRequest(5, TimeUnit.SECONDS)).get("messages");
      assertThat(messages).hasSize(5);
      assertThat(messages.get(2).toString())
          .isEqualTo(
              "{\"role\":\"user\",\"content\":["
                  + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01Paris\",\"content\":\"18C\"},"
                  + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01London\",\"content\":\"12C\"},"
                  + "{\"type\":\"text\",\"text\":\"And tomorrow?\"}]}");
      assertThat(messages.get(3).get("role").asText()).isEqualTo("assistant");
      assertThat(messages.get(4).toString())
          .isEqualTo("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Thanks.\"}]}");
    }
  }
}
