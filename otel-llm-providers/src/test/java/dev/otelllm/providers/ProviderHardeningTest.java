package dev.otelllm.providers;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Part;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class ProviderHardeningTest {

  @Test
  void aKeyThatCannotBeAHeader_isRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> ProviderOptions.builder().apiKey("sk-ant-SECRET\r"))
        .hasMessage(
            "apiKey must be printable ASCII without spaces or line breaks (character 14 of 14 is not)")
        .hasMessageNotContaining("SECRET");
    assertThatThrownBy(
            () ->
                LlmProviders.create(
                    "anthropic", "c", ProviderOptions.defaults(), k -> "sk-ant-SECRET x"))
        .hasMessageNotContaining("SECRET")
        .hasMessageStartingWith("ANTHROPIC_API_KEY must be printable ASCII");
  }

  @Test
  void aKeyTheServerRepeats_inAHeaderTheReasonOrTheBody_readsAsStars() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(
          new MockResponse.Builder(Fixtures.json(401, "openai/error_401.json"))
              .status("HTTP/1.1 401 Unauthorized key " + Fixtures.KEY)
              .addHeader(
                  "WWW-Authenticate",
                  "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"key "
                      + Fixtures.KEY
                      + " is not valid\"")
              .addHeader("X-Echo-Authorization", "Bearer " + Fixtures.KEY)
              .addHeader("x-request-id", "req_7f3a")
              .build());
      LlmClient client =
          f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build()));
      LlmHttpException e =
          catchThrowableOfType(LlmHttpException.Authentication.class, () -> client.generate("Hi"));

      String body =
          "{\"error\":{\"message\":\"Incorrect API key provided: ***. You can find your API key at "
              + "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
              + "\"code\":\"invalid_api_key\"}}\n";
      assertThat(e.headers().get("www-authenticate"))
          .containsExactly(
              "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"key *** is not valid\"");
      assertThat(e.headers().get("x-echo-authorization")).containsExactly("Bearer ***");
      assertThat(e.headers().get("x-request-id")).containsExactly("req_7f3a");
      assertThat(e.body()).isEqualTo(body);
      assertThat(e.getMessage()).isEqualTo("openai: 401 Unauthorized key ***: " + body);
      assertThat(f.finished().get(0).toString()).doesNotContain(Fixtures.KEY);
    }
  }

  @Test
  void credentialsInTheBaseUrl_areScrubbedWhereverTheSettingIsReadBack() throws Exception {
    assertThat(
            ProviderOptions.builder()
                .baseUrl("https://llm.example/v1?key=Q-SECRET-42")
                .build()
                .toString())
        .isEqualTo(
            "ProviderOptions{baseUrl=https://llm.example/v1?key=***, apiKey=from environment, timeout=PT2M,"
                + " maxRetries=2}");
    assertThat(
            ProviderOptions.builder()
                .baseUrl("https://llm.example/openai?api-version=2024-10-21&api-key=A%2BSECRET")
                .apiKey("sk-1")
                .build()
                .toString())
        .isEqualTo(
            "ProviderOptions{baseUrl=https://llm.example/openai?api-version=2024-10-21&api-key=***, apiKey=***,"
                + " timeout=PT2M, maxRetries=2}");
    assertThat(
            ProviderOptions.builder()
                .baseUrl("https://me:U-SECRET-42@llm.example/v1/")
                .build()
                .toString())
        .isEqualTo(
            "ProviderOptions{baseUrl=https://me:***@llm.example/v1, apiKey=from environment, timeout=PT2M,"
                + " maxRetries=2}");
    assertThat(
            ProviderOptions.builder()
                .baseUrl("https://T-SECRET-42@llm.example/v1")
                .build()
                .toString())
        .startsWith("ProviderOptions{baseUrl=https://***@llm.example/v1,");
    assertThatThrownBy(
            () -> ProviderOptions.builder().baseUrl("ftp://me:U-SECRET-42@llm.example/v1"))
        .hasMessage("baseUrl must start with http:// or https://, was ftp://me:***@llm.example/v1");

    try (Fixtures f = new Fixtures()) {
      // A gateway that repeats the request, key and all, in its error; the decoded key is scrubbed
      // too.
      f.server.enqueue(
          new MockResponse.Builder()
              .code(403)
              .addHeader("Content-Type", "application/json")
              .addHeader("X-Denied-Url", "/v1/chat/completions?key=Q-SECRET%2F42")
              .body(
                  "{\"error\":{\"message\":\"key Q-SECRET/42 may not call /v1/chat/completions?key=Q-SECRET%2F42\"}}")
              .build());
      LlmClient client =
          f.client(
              LlmProviders.create(
                  "openai-compatible",
                  "m",
                  ProviderOptions.builder().baseUrl(f.base("/v1?key=Q-SECRET%2F42")).build(),
                  k -> null));
      LlmHttpException e =
          catchThrowableOfType(LlmHttpException.Authentication.class, () -> client.generate("Hi"));
      assertThat(e.getMessage())
          .isEqualTo(
              "127.0.0.1: 403 Client Error: {\"error\":{\"message\":\"key *** may not call /v1/chat/completions?key=***\"}}");
      assertThat(e.headers().get("x-denied-url")).containsExactly("/v1/chat/completions?key=***");
      RecordedRequest req = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(req.getUrl().encodedPath())
          .as("the path goes before the query")
          .isEqualTo("/v1/chat/completions");
      assertThat(req.getUrl().encodedQuery()).isEqualTo("key=Q-SECRET%2F42");
      SpanData span = f.finished().get(0);
      assertThat(span)
          .hasAttribute(AttributeKey.stringKey("server.address"), "127.0.0.1")
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "127.0.0.1");
      assertThat(span.toString()).doesNotContain("Q-SECRET");
    }
  }

  @Test
  void credentialsInTheBaseUrl_ofOllama_areScrubbedFromStreamErrors() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/x-ndjson")
              .body("{\"error\":\"proxy: token O-SECRET-42 has expired\"}\n")
              .build());
      String base = "http://me:O-SECRET-42@127.0.0.1:" + f.server.getPort();
      LlmClient client =
          f.client(
              LlmProviders.create(
                  "ollama", "llama3.2", ProviderOptions.builder().baseUrl(base).build()));
      assertThatThrownBy(() -> client.stream(LlmRequest.of("Hi"), c -> {}))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage("ollama: error in the stream: proxy: token *** has expired");
      assertThat(f.server.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath())
          .isEqualTo("/api/chat");
      SpanData span = f.finished().get(0);
      assertThat(span).hasAttribute(AttributeKey.stringKey("server.address"), "127.0.0.1");
      assertThat(span.toString()).doesNotContain("O-SECRET-42");
    }
  }

  @Test
  void openAiCompatible_neverSendsTheOpenAiKeyOfTheEnvironment() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(Fixtures.json(200, "openai/chat_completion.json"));
      LlmProviders.create(
              "openai-compatible",
              "m",
              ProviderOptions.builder().baseUrl(f.base("/v1")).build(),
              k -> "sk-real-openai")
          .generate(LlmRequest.of("x"));
      assertThat(f.server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
          .isNull();
    }
  }

  @Test
  void ollamaToolCallsInSeparateChunks_getDistinctIds() throws Exception {
    try (Fixtures f = new Fixtures()) {
      String body =
          "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{}}}]},\"done\":false}\n"
              + "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"b\",\"arguments\":{}}}]},\"done\":false}\n"
              + "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n";
      f.server.enqueue(new MockResponse.Builder().code(200).body(body).build());
      LlmResponse r =
          LlmProviders.create("ollama", "m", f.options("").build()).stream(
              LlmRequest.of("x"), c -> {});
      assertThat(r.toolCalls()).extracting(Part.ToolCall::id).containsExactly("call_0", "call_1");
    }
  }

  @Test
  void aStreamKeptAliveByPings_endsAtTheStreamTimeout() throws Exception {
    try (Fixtures f = new Fixtures()) {
      StringBuilder pings =
          new StringBuilder(
              "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{}}}\n\n");
      for (int i = 0; i < 40; i++) {
        pings.append("event: ping\ndata: {\"type\":\"ping\"}\n\n");
      }
      f.server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body(pings.toString())
              .throttleBody(40, 100, TimeUnit.MILLISECONDS)
              .build());
      ProviderOptions o =
          f.options("")
              .streamIdleTimeout(Duration.ofMillis(500))
              .streamTimeout(Duration.ofMillis(800))
              .build();
      // The pings would take 4 s: the message says the whole-stream timeout ended it.
      assertThatThrownBy(
              () -> LlmProviders.create("anthropic", "c", o).stream(LlmRequest.of("x"), c -> {}))
          .isInstanceOf(LlmTransportException.class)
          .hasMessageContaining("stream timeout");
    }
  }

  @Test
  void retriesStayWithinTheCallsTimeout() throws Exception {
    try (Fixtures f = new Fixtures()) {
      for (int i = 0; i < 3; i++) {
        f.server.enqueue(
            new MockResponse.Builder().code(503).addHeader("Retry-After", "2").build());
      }
      ProviderOptions o = f.options("/v1").timeout(Duration.ofSeconds(1)).build();
      assertThatThrownBy(() -> LlmProviders.create("openai", "m", o).generate(LlmRequest.of("x")))
          .isInstanceOf(LlmHttpException.Server.class);
      // A 2 s Retry-After does not fit a 1 s timeout: no wait, no retry.
      assertThat(f.sleeps).isEmpty();
    }
  }

  @Test
  void client_isUntracedByDefault_andTracedByTheTracingGiven() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(
          new mockwebserver3.MockResponse.Builder()
              .code(200)
              .body(Fixtures.resource("openai/chat_completion.json"))
              .build());
      f.server.enqueue(
          new mockwebserver3.MockResponse.Builder()
              .code(200)
              .body(Fixtures.resource("openai/chat_completion.json"))
              .build());
      ProviderOptions options = f.options("/v1").build();
      try (dev.otelllm.LlmClient plain = LlmProviders.client("openai", "gpt-4o-mini", options)) {
        plain.generate("Hi");
        assertThat(plain.isTracingEnabled()).isFalse();
      }
      dev.otelllm.LlmTracing tracing = dev.otelllm.LlmTracing.builder().maxInteractions(5).build();
      try (dev.otelllm.LlmClient traced =
          LlmProviders.client("openai", "gpt-4o-mini", options, tracing)) {
        traced.generate("Hi");
        assertThat(traced.getTraces()).hasSize(1);
        assertThat(tracing.traceBuffer().maxInteractions()).isEqualTo(5);
      }
    }
  }
}
