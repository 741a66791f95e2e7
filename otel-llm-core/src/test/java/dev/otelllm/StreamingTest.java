package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StreamingTest {

  /** Streams three chunks from another thread, as an HTTP client's callback thread would. */
  static LlmProvider threeChunksFromAnotherThread(ExecutorService pool) {
    return new LlmProvider() {
      @Override
      public ProviderInfo info() {
        return ProviderInfo.remote("fake", "m", "127.0.0.1", 1);
      }

      @Override
      public LlmResponse generate(LlmRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
        try {
          pool.submit(
                  () -> {
                    onChunk.accept("a");
                    onChunk.accept("b");
                    onChunk.accept("c");
                  })
              .get();
        } catch (Exception e) {
          throw new IllegalStateException(e.getCause());
        }
        return LlmResponse.builder()
            .content("abc")
            .finishReason("stop")
            .usage(Usage.of(1, 3))
            .build();
      }
    };
  }

  @Test
  void stream_isOneSpan_withTimeToFirstChunk_andTheCallersContextOnTheChunkThread()
      throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(threeChunksFromAnotherThread(pool));
      List<String> seen = new ArrayList<>();
      Baggage baggage = Baggage.builder().put("session.id", "s-1").build();
      LlmResponse r;
      try (Scope s = Context.current().with(baggage).makeCurrent()) {
        r =
            client.stream(
                LlmRequest.of("x"),
                chunk -> seen.add(chunk + ":" + Baggage.current().getEntryValue("session.id")));
      }
      assertThat(seen).containsExactly("a:s-1", "b:s-1", "c:s-1");
      assertThat(r.traceId()).isPresent();
      var span = t.onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream")))
          .isTrue();
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isPositive();
      List<String> names = t.metrics.collectAllMetrics().stream().map(MetricData::getName).toList();
      assertThat(names)
          .contains(
              "gen_ai.client.operation.time_to_first_chunk",
              "gen_ai.client.operation.time_per_output_chunk");
      MetricData perChunk =
          t.metrics.collectAllMetrics().stream()
              .filter(m -> m.getName().equals("gen_ai.client.operation.time_per_output_chunk"))
              .findFirst()
              .orElseThrow();
      // The conventions' advised boundaries, as for the other duration metrics.
      assertThat(perChunk.getHistogramData().getPoints().iterator().next().getBoundaries())
          .containsExactly(
              0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
              81.92);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stream_stoppedByTheCaller_recordsThePartialAnswer_andRethrows() {
    IllegalStateException stop = new IllegalStateException("enough");
    try (TestTracing t = new TestTracing()) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      LlmClient client = t.client(threeChunksFromAnotherThread(pool));
      List<String> seen = new ArrayList<>();
      assertThatThrownBy(
              () ->
                  client.stream(
                      LlmRequest.of("x"),
                      c -> {
                        seen.add(c);
                        if (seen.size() == 2) {
                          throw stop;
                        }
                      }))
          .hasMessageContaining("enough");
      Interaction trace = client.getTraces().get(0);
      assertThat(trace.failed()).isTrue();
      assertThat(trace.response().content()).isEqualTo("ab");
      assertThat(trace.response().finishReason()).isEqualTo("error");
      pool.shutdownNow();
    }
  }

  @Test
  void defaultStream_deliversTheWholeAnswerAsOneChunk() {
    try (TestTracing t = new TestTracing()) {
      List<String> seen = new ArrayList<>();
      LlmResponse r = t.client(ScriptedProvider.echo("m")).stream(LlmRequest.of("hi"), seen::add);
      assertThat(seen).containsExactly("echo: hi");
      assertThat(r.content()).isEqualTo("echo: hi");
    }
  }

  private static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  private static final AttributeKey<Double> TIME_TO_FIRST_TEXT =
      AttributeKey.doubleKey("otel_llm.response.time_to_first_text");

  /**
   * A provider whose stream runs {@code body} with the tracing's listener, then answers {@code
   * answer}.
   */
  static LlmProvider reporting(
      BiConsumer<Consumer<String>, CallListener> body, LlmResponse answer) {
    return new LlmProvider() {
      @Override
      public ProviderInfo info() {
        return ProviderInfo.remote("fake", "m", "127.0.0.1", 1);
      }

      @Override
      public LlmResponse generate(LlmRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
        return stream(request, onChunk, CallListener.NONE);
      }

      @Override
      public LlmResponse stream(
          LlmRequest request, Consumer<String> onChunk, CallListener listener) {
        body.accept(onChunk, listener);
        return answer;
      }
    };
  }

  private static void pause() {
    try {
      // Only so that the two moments differ on any clock: no test reads how long this took.
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double histogramSum(TestTracing t, String name) {
    return t.metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getHistogramData()
        .getPoints()
        .iterator()
        .next()
        .getSum();
  }

  @Test
  void timeToFirstChunk_endsAtTheFirstChunkTheProviderReports_andTimeToFirstText_atTheFirstText() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(
              reporting(
                  (onChunk, listener) -> {
                    // A role-only chunk, as OpenAI's first one, before any text.
                    listener.firstChunk();
                    pause();
                    onChunk.accept("hi");
                  },
                  LlmResponse.builder().content("hi").finishReason("stop").build()));
      client.stream(LlmRequest.of("x"), c -> {});
      var span = t.onlySpan();
      double firstChunk = span.getAttributes().get(TIME_TO_FIRST_CHUNK);
      double firstText = span.getAttributes().get(TIME_TO_FIRST_TEXT);
      double duration = (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e9;
      assertThat(firstChunk).isPositive().isLessThan(firstText);
      assertThat(firstText).isLessThanOrEqualTo(duration);
      // The metric records the same figure as the span.
      assertThat(histogramSum(t, "gen_ai.client.operation.time_to_first_chunk"))
          .isEqualTo(firstChunk);
    }
  }

  @Test
  void aRetriedStreamThatFailsAgain_keepsNothingTheFailedAttemptSaidOfItsAnswer() {
    IllegalStateException second = new IllegalStateException("overloaded again");
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(
              reporting(
                  (onChunk, listener) -> {
                    listener.firstChunk();
                    listener.responseId("msg_attempt_1");
                    listener.responseModel("model-of-attempt-1");
                    listener.usage(Usage.of(10, 1));
                    listener.retrying(1, java.time.Duration.ofMillis(5), 0, "overloaded_error");
                    throw second;
                  },
                  LlmResponse.builder().content("never").build()));
      assertThatThrownBy(() -> client.stream(LlmRequest.of("x"), c -> {})).isSameAs(second);
      var span = t.onlySpan();
      assertThat(span.getEvents()).extracting(e -> e.getName()).contains("otel_llm.request.retry");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id"))).isNull();
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
          .isNull();
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
          .isNull();
    }
  }

  @Test
  void aStreamOfToolCallsOnly_hasATimeToFirstChunk_andNoTimeToFirstText() {
    try (TestTracing t = new TestTracing()) {
      Part.ToolCall call = new Part.ToolCall("call_1", "f", java.util.Map.of());
      LlmClient client =
          t.client(
              reporting(
                  (onChunk, listener) -> listener.firstChunk(),
                  LlmResponse.builder().toolCall(call).finishReason("tool_calls").build()));
      client.stream(LlmRequest.of("x"), c -> {});
      var span = t.onlySpan();
      assertThat(span.getAttributes().get(TIME_TO_FIRST_CHUNK)).isPositive();
      assertThat(span.getAttributes().get(TIME_TO_FIRST_TEXT)).isNull();
      assertThat(t.metrics.collectAllMetrics())
          .extracting(MetricData::getName)
          .contains("gen_ai.client.operation.time_to_first_chunk");
    }
  }

  @Test
  void aProviderThatReportsNoChunks_hasItsFirstTextAsFirstChunk_andALateReportIsIgnored() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TestTracing t = new TestTracing()) {
      t.client(threeChunksFromAnotherThread(pool)).stream(LlmRequest.of("x"), c -> {});
      var quiet = t.onlySpan();
      assertThat(quiet.getAttributes().get(TIME_TO_FIRST_CHUNK))
          .isPositive()
          .isEqualTo(quiet.getAttributes().get(TIME_TO_FIRST_TEXT));
      t.exporter.reset();
      // A report after text reached the caller cannot start a new attempt: the first text stays the
      // first chunk.
      t
          .client(
              reporting(
                  (onChunk, listener) -> {
                    onChunk.accept("a");
                    pause();
                    listener.firstChunk();
                  },
                  LlmResponse.builder().content("a").build()))
          .stream(LlmRequest.of("x"), c -> {});
      var late = t.onlySpan();
      assertThat(late.getAttributes().get(TIME_TO_FIRST_CHUNK))
          .isEqualTo(late.getAttributes().get(TIME_TO_FIRST_TEXT));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedStream_keepsTheResponseIdModelAndUsageItReported_andPassesTheReportsOn() {
    LlmException cut = new LlmException("fake", "invalid_response", "the stream ended early");
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(
              reporting(
                  (onChunk, listener) -> {
                    listener.firstChunk();
                    listener.responseId("resp_1");
                    listener.responseModel("m-2026");
                    listener.usage(Usage.of(25, 1));
                    onChunk.accept("Par");
                    listener.usage(Usage.of(25, 2));
                    throw cut;
                  },
                  null));
      assertThatThrownBy(() -> client.stream(LlmRequest.of("x"), c -> {})).isSameAs(cut);
      var span = t.onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")))
          .isEqualTo("resp_1");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
          .isEqualTo("m-2026");
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
          .isEqualTo(25L);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
          .isEqualTo(2L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
          .isEqualTo("invalid_response");
      assertThat(span.getAttributes().get(TIME_TO_FIRST_CHUNK))
          .isLessThanOrEqualTo(span.getAttributes().get(TIME_TO_FIRST_TEXT));
      Interaction trace = client.getTraces().get(0);
      assertThat(trace.response().id()).isEqualTo("resp_1");
      assertThat(trace.response().model()).isEqualTo("m-2026");
      assertThat(trace.response().content()).isEqualTo("Par");
      // The failed call's duration names the model that answered, and its tokens are counted.
      MetricData duration =
          t.metrics.collectAllMetrics().stream()
              .filter(m -> m.getName().equals("gen_ai.client.operation.duration"))
              .findFirst()
              .orElseThrow();
      assertThat(
              duration
                  .getHistogramData()
                  .getPoints()
                  .iterator()
                  .next()
                  .getAttributes()
                  .get(AttributeKey.stringKey("gen_ai.response.model")))
          .isEqualTo("m-2026");
      MetricData tokens =
          t.metrics.collectAllMetrics().stream()
              .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
              .findFirst()
              .orElseThrow();
      assertThat(tokens.getHistogramData().getPoints())
          .extracting(p -> p.getSum())
          .containsExactlyInAnyOrder(25.0, 2.0);

      // Reports reach a listener the caller of the traced provider passes, in order.
      List<String> passedOn = new ArrayList<>();
      CallListener outer =
          new CallListener() {
            @Override
            public void firstChunk() {
              passedOn.add("first");
            }

            @Override
            public void responseId(String id) {
              passedOn.add("id " + id);
            }

            @Override
            public void responseModel(String model) {
              passedOn.add("model " + model);
            }

            @Override
            public void usage(Usage usage) {
              passedOn.add("usage " + usage.outputTokens());
            }
          };
      LlmProvider traced =
          t.tracing.wrap(
              reporting(
                  (onChunk, listener) -> {
                    listener.firstChunk();
                    listener.responseId("resp_2");
                    listener.responseModel("m-2026");
                    listener.usage(Usage.of(3, 4));
                  },
                  LlmResponse.builder().content("").build()));
      traced.stream(LlmRequest.of("x"), c -> {}, outer);
      assertThat(passedOn).containsExactly("first", "id resp_2", "model m-2026", "usage 4");
    }
  }
}
