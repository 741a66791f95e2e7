package dev.otelllm.providers;

import static dev.otelllm.providers.Fixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.CallListener;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/**
 * What providers report while a stream runs: the server's first chunk, whatever it carries, and the
 * response id, model and usage, which the span of a stream that fails later keeps.
 */
class StreamReportsTest {

  private static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  private static final AttributeKey<Double> TIME_TO_FIRST_TEXT =
      AttributeKey.doubleKey("otel_llm.response.time_to_first_text");
  private static final AttributeKey<String> RESPONSE_ID =
      AttributeKey.stringKey("gen_ai.response.id");
  private static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");

  /** Every report and every text chunk, in the order they came. */
  private static final class Recorder implements CallListener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void firstChunk() {
      seen.add("first chunk");
    }

    @Override
    public void responseId(String id) {
      seen.add("id " + id);
    }

    @Override
    public void responseModel(String model) {
      seen.add("model " + model);
    }

    @Override
    public void usage(Usage usage) {
      seen.add("usage " + usage.inputTokens() + "/" + usage.outputTokens());
    }

    void text(String chunk) {
      seen.add("text " + chunk);
    }
  }

  /**
   * The canned stream with a pause after its first event (or NDJSON line), so that the first chunk
   * and the first text arrive at moments any clock tells apart.
   */
  private static MockResponse pausedAfterFirstChunk(String resource, String separator) {
    String body = Fixtures.resource(resource);
    int split = body.indexOf(separator) + separator.length();
    MockResponseBody paused =
        new MockResponseBody() {
          @Override
          public long getContentLength() {
            return -1;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.writeUtf8(body, 0, split).flush();
            try {
              Thread.sleep(30);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            sink.writeUtf8(body, split, body.length()).flush();
          }
        };
    return new MockResponse.Builder().code(200).body(paused).build();
  }

  @Test
  void theFirstChunk_isTheServersFirstEventOrLine_reportedBeforeAnyText() throws Exception {
    record Case(String provider, String path, String resource, List<String> expected) {}
    for (Case c :
        List.of(
            // OpenAI's first chunk carries the role and empty content.
            new Case(
                "openai",
                "/v1",
                "openai/stream.sse",
                List.of(
                    "first chunk",
                    "id chatcmpl-123",
                    "model gpt-4o-mini-2024-07-18",
                    "text Hello")),
            // Anthropic's message_start carries no text at all.
            new Case(
                "anthropic",
                "",
                "anthropic/stream.sse",
                List.of(
                    "first chunk",
                    "id msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
                    "model claude-sonnet-4-5-20250929",
                    "usage 35/1",
                    "text Hello",
                    "usage 35/15")),
            new Case(
                "ollama",
                "",
                "ollama/stream.ndjson",
                List.of("first chunk", "model llama3.2", "text The")))) {
      try (Fixtures f = new Fixtures()) {
        f.server.enqueue(sse(c.resource()));
        Recorder r = new Recorder();
        LlmProviders.create(c.provider(), "m", f.options(c.path()).build()).stream(
            LlmRequest.of("Hi"), r::text, r);
        assertThat(r.seen).as(c.provider()).first().isEqualTo("first chunk");
        assertThat(r.seen).as(c.provider()).containsSubsequence(c.expected());
        assertThat(Collections.frequency(r.seen, "first chunk")).as(c.provider()).isEqualTo(1);
      }
    }
  }

  @Test
  void theSpan_timesTheFirstChunk_beforeTheFirstText_forEveryProvider() throws Exception {
    record Case(String provider, String path, String resource, String separator) {}
    for (Case c :
        List.of(
            new Case("openai", "/v1", "openai/stream.sse", "\n\n"),
            new Case("anthropic", "", "anthropic/stream.sse", "\n\n"),
            // Its first line is thinking only: text comes with the third.
            new Case("ollama", "", "ollama/stream_thinking.ndjson", "\n"))) {
      try (Fixtures f = new Fixtures()) {
        f.server.enqueue(pausedAfterFirstChunk(c.resource(), c.separator()));
        LlmClient client =
            f.client(LlmProviders.create(c.provider(), "m", f.options(c.path()).build()));
        client.stream(LlmRequest.of("Hi"), chunk -> {});
        SpanData span = f.finished().get(0);
        double firstChunk = span.getAttributes().get(TIME_TO_FIRST_CHUNK);
        double firstText = span.getAttributes().get(TIME_TO_FIRST_TEXT);
        double duration = (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e9;
        assertThat(firstChunk).as(c.provider()).isPositive().isLessThan(firstText);
        assertThat(firstText).as(c.provider()).isLessThanOrEqualTo(duration);
        assertThat(client.getTraces().get(0).response().timeToFirstChunkSeconds())
            .as(c.provider())
            .hasValue(firstChunk);
      }
    }
  }

  @Test
  void aStreamOfToolCallsOnly_hasATimeToFirstChunk_butNoTimeToFirstText() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(sse("openai/stream_tool_calls.sse"));
      List<String> chunks = new ArrayList<>();
      f.client(LlmProviders.create("openai", "gpt-4o-mini", f.options("/v1").build())).stream(
          LlmRequest.of("Weather?"), chunks::add);
      assertThat(chunks).isEmpty();
      SpanData span = f.finished().get(0);
      assertThat(span.getAttributes().get(TIME_TO_FIRST_CHUNK))
          .isPositive()
          .isLessThanOrEqualTo((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e9);
      assertThat(span.getAttributes().get(TIME_TO_FIRST_TEXT)).isNull();
    }
  }

  @Test
  void aCutOrFailedStream_keepsTheResponseIdModelAndUsageItDelivered() throws Exception {
    record Case(
        String provider,
        String path,
        String resource,
        String message,
        String id,
        String model,
        Usage usage) {}
    for (Case c :
        List.of(
            new Case(
                "openai",
                "/v1",
                "openai/stream_cut.sse",
                "openai: the stream ended before [DONE] (14 characters received)",
                "chatcmpl-7",
                "gpt-4o-mini",
                null),
            new Case(
                "openai",
                "/v1",
                "openai/stream_cut_after_usage.sse",
                "openai: the stream ended before [DONE] (12 characters received)",
                "chatcmpl-123",
                "gpt-4o-mini-2024-07-18",
                Usage.of(9, 3)),
            new Case(
                "anthropic",
                "",
                "anthropic/stream_error_after_text.sse",
                "anthropic: 529 overloaded_error in the stream: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                "msg_01CutByOverload",
                "claude-sonnet-4-5-20250929",
                Usage.of(25, 1)),
            new Case(
                "ollama",
                "",
                "ollama/stream_cut.ndjson",
                "ollama: the stream ended before done:true (7 characters received)",
                null,
                "llama3.2",
                null))) {
      try (Fixtures f = new Fixtures()) {
        f.server.enqueue(sse(c.resource()));
        LlmProvider provider = LlmProviders.create(c.provider(), "m", f.options(c.path()).build());
        LlmClient client = f.client(provider);
        assertThatThrownBy(() -> client.stream(LlmRequest.of("Hi"), chunk -> {}))
            .as(c.resource())
            .hasMessage(c.message());
        SpanData span = f.finished().get(0);
        assertThat(span.getAttributes().get(RESPONSE_ID)).as(c.resource()).isEqualTo(c.id());
        assertThat(span.getAttributes().get(RESPONSE_MODEL)).as(c.resource()).isEqualTo(c.model());
        Interaction trace = client.getTraces().get(0);
        assertThat(trace.failed()).as(c.resource()).isTrue();
        assertThat(trace.response().id()).as(c.resource()).isEqualTo(c.id() == null ? "" : c.id());
        assertThat(trace.response().model()).as(c.resource()).isEqualTo(c.model());
        assertThat(trace.response().usage())
            .as(c.resource())
            .isEqualTo(java.util.Optional.ofNullable(c.usage()));
      }
    }
  }
}
