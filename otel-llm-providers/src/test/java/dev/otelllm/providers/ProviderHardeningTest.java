package dev.otelllm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Part;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

class ProviderHardeningTest {

  @Test
  void aKeyThatCannotBeAHeader_isRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> ProviderOptions.builder().apiKey("sk-ant-SECRET\r"))
        .hasMessage("apiKey must be printable ASCII without spaces or line breaks (character 14 of 14 is not)")
        .hasMessageNotContaining("SECRET");
    assertThatThrownBy(() -> LlmProviders.create("anthropic", "c", ProviderOptions.defaults(), k -> "sk-ant-SECRET x"))
        .hasMessageNotContaining("SECRET").hasMessageStartingWith("ANTHROPIC_API_KEY must be printable ASCII");
  }

  @Test
  void openAiCompatible_neverSendsTheOpenAiKeyOfTheEnvironment() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(Fixtures.json(200, "openai/chat_completion.json"));
      LlmProviders.create("openai-compatible", "m", ProviderOptions.builder().baseUrl(f.base("/v1")).build(),
          k -> "sk-real-openai").generate(LlmRequest.of("x"));
      assertThat(f.server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isNull();
    }
  }

  @Test
  void ollamaToolCallsInSeparateChunks_getDistinctIds() throws Exception {
    try (Fixtures f = new Fixtures()) {
      String body = "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{}}}]},\"done\":false}\n"
          + "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"b\",\"arguments\":{}}}]},\"done\":false}\n"
          + "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n";
      f.server.enqueue(new MockResponse.Builder().code(200).body(body).build());
      LlmResponse r = LlmProviders.create("ollama", "m", f.options("").build()).stream(LlmRequest.of("x"), c -> {});
      assertThat(r.toolCalls()).extracting(Part.ToolCall::id).containsExactly("call_0", "call_1");
    }
  }

  @Test
  void aStreamKeptAliveByPings_endsAtTheStreamTimeout() throws Exception {
    try (Fixtures f = new Fixtures()) {
      StringBuilder pings = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{}}}\n\n");
      for (int i = 0; i < 40; i++) {
        pings.append("event: ping\ndata: {\"type\":\"ping\"}\n\n");
      }
      f.server.enqueue(new MockResponse.Builder().code(200).body(pings.toString())
          .throttleBody(40, 100, TimeUnit.MILLISECONDS).build());
      ProviderOptions o = f.options("").streamIdleTimeout(Duration.ofMillis(500)).streamTimeout(Duration.ofMillis(800)).build();
      // The pings would take 4 s: the message says the whole-stream timeout ended it.
      assertThatThrownBy(() -> LlmProviders.create("anthropic", "c", o).stream(LlmRequest.of("x"), c -> {}))
          .isInstanceOf(LlmTransportException.class).hasMessageContaining("stream timeout");
    }
  }

  @Test
  void retriesStayWithinTheCallsTimeout() throws Exception {
    try (Fixtures f = new Fixtures()) {
      for (int i = 0; i < 3; i++) {
        f.server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "2").build());
      }
      ProviderOptions o = f.options("/v1").timeout(Duration.ofSeconds(1)).build();
      assertThatThrownBy(() -> LlmProviders.create("openai", "m", o).generate(LlmRequest.of("x")))
          .isInstanceOf(LlmHttpException.Server.class);
      // A 2 s Retry-After does not fit a 1 s timeout: no wait, no retry.
      assertThat(f.sleeps).isEmpty();
    }
  }
}
