package dev.otelllm.providers;

import static dev.otelllm.providers.Fixtures.json;
import static dev.otelllm.providers.Fixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/**
 * The caps on what a server sends, with caps tiny enough to pass in a few bytes: the whole answer,
 * a stream's line or event, and the answer a stream assembles. (HeapCapsTest shows that the heap
 * stays bounded against bodies that never end.)
 */
class ResponseCapsTest {

  /** The start of OpenAI's whole answer, up to the text. */
  static final String OPENAI_HEAD =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";

  /** The start of a text event of OpenAI's stream, up to the text. */
  static final String OPENAI_CHUNK_HEAD =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
          + "\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";

  /** One text event of OpenAI's stream, as a server repeats it. */
  static final String OPENAI_TEXT_EVENT =
      OPENAI_CHUNK_HEAD + "All work and no play. \"},\"finish_reason\":null}]}\n\n";

  private static String tooLong(String provider, String what, long cap, String option) {
    return provider
        + ": "
        + what
        + " is longer than "
        + cap
        + " bytes (ProviderOptions.Builder."
        + option
        + "; raise it to accept more)";
  }

  private static int longestLine(String text) {
    return Arrays.stream(text.split("\n"))
        .mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length)
        .max()
        .orElseThrow();
  }

  @Test
  void caps_areGenerousByDefault_andRefuseZeroOrLess_namingTheValue() {
    ProviderOptions defaults = ProviderOptions.defaults();
    assertThat(defaults.maxResponseBytes()).isEqualTo(64 << 20);
    assertThat(defaults.maxStreamEventBytes()).isEqualTo(8 << 20);
    assertThat(defaults.maxStreamedAnswerBytes()).isEqualTo(64 << 20);
    ProviderOptions.Builder b = ProviderOptions.builder();
    assertThatThrownBy(() -> b.maxResponseBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBytes must be > 0, was 0");
    assertThatThrownBy(() -> b.maxStreamEventBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStreamEventBytes must be > 0, was -1");
    assertThatThrownBy(() -> b.maxStreamedAnswerBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStreamedAnswerBytes must be > 0, was 0");
    ProviderOptions set =
        b.maxResponseBytes(1).maxStreamEventBytes(2).maxStreamedAnswerBytes(3).build();
    assertThat(
            List.of(
                set.maxResponseBytes(), set.maxStreamEventBytes(), set.maxStreamedAnswerBytes()))
        .containsExactly(1, 2, 3);
  }

  @Test
  void aWholeAnswerPastMaxResponseBytes_isRefused_withOrWithoutItsLength() throws Exception {
    String body = Fixtures.resource("openai/chat_completion.json");
    int size = body.getBytes(StandardCharsets.UTF_8).length;
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      // Exactly at the cap: read.
      LlmResponse r =
          LlmProviders.create(
                  "openai", "gpt-4o-mini", f.options("/v1").maxResponseBytes(size).build())
              .generate(LlmRequest.of("Hi"));
      assertThat(r.content()).startsWith("Hello!");

      LlmClient client =
          f.client(
              LlmProviders.create(
                  "openai", "gpt-4o-mini", f.options("/v1").maxResponseBytes(size - 1).build()));
      String refused = tooLong("openai", "the answer", size - 1, "maxResponseBytes");
      // With a Content-Length, chunked without one, one that never ends, and one that announces 3
      // GiB.
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.server.enqueue(new MockResponse.Builder().code(200).chunkedBody(body, 64).build());
      f.server.enqueue(EndlessBody.of(OPENAI_HEAD, "a"));
      f.server.enqueue(EndlessBody.announcing(3L << 30, OPENAI_HEAD, "a"));
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> client.generate("Hi"))
            .as("answer " + i)
            .isInstanceOf(LlmTransportException.class)
            .hasMessage(refused);
      }
      assertThat(client.getTraces())
          .extracting(t -> t.error().orElseThrow().type())
          .containsExactly(
              "invalid_response", "invalid_response", "invalid_response", "invalid_response");
    }
  }

  @Test
  void aStreamLineOrEventPastMaxStreamEventBytes_failsTheStream() throws Exception {
    String stream = Fixtures.resource("openai/stream.sse");
    int line = longestLine(stream);
    try (Fixtures f = new Fixtures()) {
      Function<Integer, LlmClient> openAi =
          cap ->
              f.client(
                  LlmProviders.create(
                      "openai", "gpt-4o-mini", f.options("/v1").maxStreamEventBytes(cap).build()));
      f.server.enqueue(sse("openai/stream.sse"));
      assertThat(openAi.apply(line).stream(LlmRequest.of("Hi"), c -> {}).content())
          .isEqualTo("Hello there!");

      f.server.enqueue(sse("openai/stream.sse"));
      assertThatThrownBy(() -> openAi.apply(line - 1).stream(LlmRequest.of("Hi"), c -> {}))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage(tooLong("openai", "a stream line", line - 1, "maxStreamEventBytes"));

      // One event of short data lines (SSE joins them with line breaks, which JSON allows).
      String firstEvent = stream.substring(0, stream.indexOf("\n\n")).substring("data: ".length());
      String split = "data: " + firstEvent.replace(",", ",\ndata: ") + "\n\n";
      assertThat(longestLine(split)).isLessThan(100);
      f.server.enqueue(new MockResponse.Builder().code(200).body(split).build());
      assertThatThrownBy(() -> openAi.apply(100).stream(LlmRequest.of("Hi"), c -> {}))
          .hasMessage(tooLong("openai", "a stream event", 100, "maxStreamEventBytes"));

      // A line that never ends.
      f.server.enqueue(EndlessBody.of(OPENAI_CHUNK_HEAD, "a"));
      assertThatThrownBy(() -> openAi.apply(4096).stream(LlmRequest.of("Hi"), c -> {}))
          .hasMessage(tooLong("openai", "a stream line", 4096, "maxStreamEventBytes"));

      String ndjson = Fixtures.resource("ollama/stream.ndjson");
      f.server.enqueue(new MockResponse.Builder().code(200).body(ndjson).build());
      ProviderOptions ollama = f.options("").maxStreamEventBytes(longestLine(ndjson) - 1).build();
      assertThatThrownBy(
              () ->
                  LlmProviders.create("ollama", "llama3.2", ollama).stream(
                      LlmRequest.of("Hi"), c -> {}))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage(
              tooLong("ollama", "a stream line", longestLine(ndjson) - 1, "maxStreamEventBytes"));
    }
  }

  @Test
  void aStreamedAnswerPastMaxStreamedAnswerBytes_failsTheStream_andTheSpanKeepsWhatArrived()
      throws Exception {
    try (Fixtures f = new Fixtures()) {
      Function<Integer, LlmClient> openAi =
          cap ->
              f.client(
                  LlmProviders.create(
                      "openai",
                      "gpt-4o-mini",
                      f.options("/v1").maxStreamedAnswerBytes(cap).build()));
      // "Hello there!" is 12 bytes.
      f.server.enqueue(sse("openai/stream.sse"));
      assertThat(openAi.apply(12).stream(LlmRequest.of("Hi"), c -> {}).content())
          .isEqualTo("Hello there!");

      f.server.enqueue(sse("openai/stream.sse"));
      List<String> chunks = new ArrayList<>();
      LlmClient capped = openAi.apply(11);
      assertThatThrownBy(() -> capped.stream(LlmRequest.of("Hi"), chunks::add))
          .isInstanceOf(LlmTransportException.class)
          .hasMessage(tooLong("openai", "the streamed answer", 11, "maxStreamedAnswerBytes"));
      // The chunk past the cap never reaches the caller; what did, and the answer's id and model,
      // are on the span.
      assertThat(chunks).containsExactly("Hello", " there");
      Interaction cut = capped.getTraces().get(1);
      assertThat(cut.error().orElseThrow().type()).isEqualTo("invalid_response");
      assertThat(cut.response().content()).isEqualTo("Hello there");
      assertThat(cut.response().id()).isEqualTo("chatcmpl-123");
      assertThat(cut.response().model()).isEqualTo("gpt-4o-mini-2024-07-18");

      // An answer that never ends.
      f.server.enqueue(EndlessBody.of("", OPENAI_TEXT_EVENT));
      assertThatThrownBy(() -> openAi.apply(64 << 10).stream(LlmRequest.of("Hi"), c -> {}))
          .hasMessage(tooLong("openai", "the streamed answer", 64 << 10, "maxStreamedAnswerBytes"));
      SpanData endless = f.finished().get(2);
      assertThat(endless.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")))
          .isEqualTo("chatcmpl-1");
    }
  }

  @Test
  void reasoningAndToolCalls_countTowardsTheStreamedAnswer_inEveryProvider() throws Exception {
    record Case(String provider, String path, String resource, int size) {}
    for (Case c :
        List.of(
            // Thinking (24 bytes), its signature (21) and the text "4".
            new Case("anthropic", "", "anthropic/stream_thinking.sse", 46),
            // Text (6), a tool call's id (30) and name (11), its input (33).
            new Case("anthropic", "", "anthropic/stream.sse", 6 + 30 + 11 + 33),
            // Reasoning (25) and the text (14).
            new Case("openai", "/v1", "openai/stream_reasoning.sse", 39),
            // Thinking (45) and the text (6).
            new Case("ollama", "", "ollama/stream_thinking.ndjson", 51))) {
      try (Fixtures f = new Fixtures()) {
        f.server.enqueue(sse(c.resource()));
        f.server.enqueue(sse(c.resource()));
        LlmResponse whole =
            LlmProviders.create(
                c.provider(), "m", f.options(c.path()).maxStreamedAnswerBytes(c.size()).build())
                .stream(LlmRequest.of("Hi"), chunk -> {});
        assertThat(whole.finishReason()).as(c.resource()).isPresent();
        assertThatThrownBy(
                () ->
                    LlmProviders.create(
                        c.provider(),
                        "m",
                        f.options(c.path()).maxStreamedAnswerBytes(c.size() - 1).build())
                        .stream(LlmRequest.of("Hi"), chunk -> {}))
            .as(c.resource())
            .hasMessage(
                tooLong(
                    c.provider(), "the streamed answer", c.size() - 1, "maxStreamedAnswerBytes"));
      }
    }
  }

  @Test
  void theAnswerIsCountedInUtf8Bytes() {
    assertThat(HttpCore.utf8Length("a\u00e9\u20ac\ud83d\ude00")).isEqualTo(1 + 2 + 3 + 4);
  }
}
