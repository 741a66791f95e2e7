package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.testing.DeterministicLlmProvider;
import dev.otelllm.trace.LlmTrace;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
          pool.submit(() -> {
            onChunk.accept("a");
            onChunk.accept("b");
            onChunk.accept("c");
          }).get();
        } catch (Exception e) {
          throw new IllegalStateException(e.getCause());
        }
        return LlmResponse.builder().content("abc").finishReason("stop").usage(Usage.of(1, 3)).build();
      }
    };
  }

  @Test
  void stream_isOneSpan_withTimeToFirstChunk_andTheCallersContextOnTheChunkThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(threeChunksFromAnotherThread(pool));
      List<String> seen = new ArrayList<>();
      Baggage baggage = Baggage.builder().put("session.id", "s-1").build();
      LlmResponse r;
      try (Scope s = Context.current().with(baggage).makeCurrent()) {
        r = client.stream(LlmRequest.of("x"), chunk -> seen.add(chunk + ":" + Baggage.current().getEntryValue("session.id")));
      }
      assertThat(seen).containsExactly("a:s-1", "b:s-1", "c:s-1");
      assertThat(r.traceId()).isPresent();
      var span = t.onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
      assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"))).isPositive();
      List<String> names = t.metrics.collectAllMetrics().stream().map(MetricData::getName).toList();
      assertThat(names).contains("gen_ai.client.operation.time_to_first_chunk", "gen_ai.client.operation.time_per_output_chunk");
      MetricData perChunk = t.metrics.collectAllMetrics().stream()
          .filter(m -> m.getName().equals("gen_ai.client.operation.time_per_output_chunk")).findFirst().orElseThrow();
      // The conventions' advised boundaries, as for the other duration metrics.
      assertThat(perChunk.getHistogramData().getPoints().iterator().next().getBoundaries())
          .containsExactly(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
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
      assertThatThrownBy(() -> client.stream(LlmRequest.of("x"), c -> {
        seen.add(c);
        if (seen.size() == 2) {
          throw stop;
        }
      })).hasMessageContaining("enough");
      LlmTrace trace = client.getTraces().get(0);
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
      LlmResponse r = t.client(DeterministicLlmProvider.echo("m")).stream(LlmRequest.of("hi"), seen::add);
      assertThat(seen).containsExactly("echo: hi");
      assertThat(r.content()).isEqualTo("echo: hi");
    }
  }
}
