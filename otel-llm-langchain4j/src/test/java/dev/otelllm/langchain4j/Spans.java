package dev.otelllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.internal.JsonTree;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;

/** Small readers over exported spans and collected metrics. */
final class Spans {
  private Spans() {}

  static List<SpanData> named(List<SpanData> spans, String prefix) {
    return spans.stream().filter(s -> s.getName().startsWith(prefix)).toList();
  }

  static SpanData one(List<SpanData> spans, String prefix) {
    List<SpanData> found = named(spans, prefix);
    assertThat(found).as("spans named %s* in %s", prefix, spans).hasSize(1);
    return found.get(0);
  }

  /** A structured content attribute as compact JSON, or null when absent. */
  static String content(SpanData span, String key) {
    Value<?> v = span.getAttributes().get(AttributeKey.valueKey(key));
    return v == null ? null : JsonTree.toJson(JsonTree.fromValue(v));
  }

  static List<HistogramPointData> histogram(InMemoryMetricReader reader, String name) {
    Collection<MetricData> all = reader.collectAllMetrics();
    return all.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .toList();
  }
}
