package dev.otelllm;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.RecordGenAiSampler;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsAndJoinTest {

  @Test
  void clientMetrics_durationAndTokenUsage_withAdvisedBuckets() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(
              ScriptedProvider.builder("m")
                  .fixedUsage(Usage.of(100, 40))
                  .repeatLast()
                  .answer("a")
                  .build());
      client.generate("x");
      client.generate("y");
      Collection<MetricData> metrics = t.metrics.collectAllMetrics();
      MetricData duration =
          metrics.stream()
              .filter(m -> m.getName().equals("gen_ai.client.operation.duration"))
              .findFirst()
              .orElseThrow();
      assertThat(duration).hasUnit("s");
      HistogramPointData point = duration.getHistogramData().getPoints().iterator().next();
      assertThat(point.getCount()).isEqualTo(2);
      assertThat(point.getBoundaries())
          .containsExactly(
              0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
              81.92);
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("deterministic");
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("chat");

      MetricData tokens =
          metrics.stream()
              .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
              .findFirst()
              .orElseThrow();
      assertThat(tokens).hasUnit("{token}");
      List<HistogramPointData> points = List.copyOf(tokens.getHistogramData().getPoints());
      assertThat(points).hasSize(2);
      for (HistogramPointData p : points) {
        String type = p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"));
        assertThat(p.getSum()).isEqualTo("input".equals(type) ? 200.0 : 80.0);
        assertThat(p.getBoundaries()).startsWith(1.0, 4.0, 16.0).endsWith(67108864.0);
      }
    }
  }

  @Test
  void failedCall_recordsDurationWithErrorType() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client =
          t.client(
              ScriptedProvider.builder("m").fail(new LlmException("p", "timeout", "slow")).build());
      try {
        client.generate("x");
      } catch (LlmException expected) {
        // traced below
      }
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
                  .get(AttributeKey.stringKey("error.type")))
          .isEqualTo("timeout");
    }
  }

  @Test
  void joinsTheApplicationsSdk_buffersEverything_evenWhatItsSamplerDrops() {
    InMemorySpanExporter appExporter = InMemorySpanExporter.create();
    TraceBuffer buffer = TraceBuffer.create(50);
    SdkTracerProviderBuilder appTracing =
        SdkTracerProvider.builder()
            .setSampler(RecordGenAiSampler.wrap(Sampler.traceIdRatioBased(0.0)))
            .addSpanProcessor(SimpleSpanProcessor.create(appExporter));
    LlmTracing.addProcessors(appTracing, buffer);
    try (OpenTelemetrySdk appSdk =
        OpenTelemetrySdk.builder().setTracerProvider(appTracing.build()).build()) {
      LlmTracing tracing = LlmTracing.joining(appSdk, buffer).build();
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
      client.generate("x");
      // The application's sampler drops everything: nothing is exported, yet the buffer has it.
      assertThat(appExporter.getFinishedSpanItems()).isEmpty();
      assertThat(buffer.getTraces()).extracting(t -> t.prompt()).containsExactly("x");
      // Other spans keep the application's decision.
      appSdk.getTracer("other").spanBuilder("GET /").startSpan().end();
      assertThat(appExporter.getFinishedSpanItems()).isEmpty();
    }

    InMemorySpanExporter sampled = InMemorySpanExporter.create();
    TraceBuffer buffer2 = TraceBuffer.create(50);
    SdkTracerProviderBuilder recordOnly =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(SimpleSpanProcessor.create(sampled));
    LlmTracing.addProcessors(recordOnly, buffer2);
    try (OpenTelemetrySdk appSdk =
        OpenTelemetrySdk.builder().setTracerProvider(recordOnly.build()).build()) {
      LlmClient client =
          LlmClient.builder(ScriptedProvider.echo("m"))
              .tracing(LlmTracing.joining(appSdk, buffer2).build())
              .build();
      LlmResponse r = client.generate("y");
      assertThat(sampled.getFinishedSpanItems()).hasSize(1);
      assertThat(client.getInteraction(r.spanId().orElseThrow()).orElseThrow().prompt())
          .isEqualTo("y");
    }
  }

  @Test
  void close_isIdempotent_theSdkIsShutDownOnce() {
    java.util.logging.Logger sdkLogger =
        java.util.logging.Logger.getLogger(OpenTelemetrySdk.class.getName());
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            logged.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    sdkLogger.addHandler(handler);
    try {
      LlmTracing tracing = LlmTracing.create();
      tracing.close();
      tracing.close();
      assertThat(logged).doesNotContain("Multiple shutdown calls");
    } finally {
      sdkLogger.removeHandler(handler);
    }
  }
}
