package dev.otelllm;

import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** An {@link LlmTracing} whose exported spans and metrics a test can read. */
final class TestTracing implements AutoCloseable {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final LlmTracing tracing;

  TestTracing() {
    this(b -> {});
  }

  TestTracing(Consumer<LlmTracing.Builder> configure) {
    LlmTracing.Builder b =
        LlmTracing.builder()
            .addSpanExporter(exporter)
            .addMetricReader(metrics)
            .exportContentCapture(ContentCapture.full())
            .serviceName("test-service");
    configure.accept(b);
    tracing = b.build();
  }

  LlmClient client(LlmProvider provider) {
    return LlmClient.builder(provider).tracing(tracing).build();
  }

  List<SpanData> spans() {
    tracing.forceFlush(Duration.ofSeconds(5));
    return exporter.getFinishedSpanItems();
  }

  SpanData onlySpan() {
    List<SpanData> spans = spans();
    if (spans.size() != 1) {
      throw new AssertionError("expected one span, got " + spans);
    }
    return spans.get(0);
  }

  @Override
  public void close() {
    tracing.close();
  }
}
