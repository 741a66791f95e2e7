package dev.otelllm.export;

import static dev.otelllm.export.SampleTraces.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.trace.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceSummaryTest {

  @Test
  void figures_matchHandComputedValues() {
    List<Interaction> traces =
        List.of(
            trace("0000000000000001", 1000, 100, 10L, 20L, false, "s1", "code_generation", "stop"),
            trace("0000000000000002", 2000, 300, 30L, 40L, false, "s1", "code_generation", "stop"),
            trace(
                "0000000000000003",
                3000,
                200,
                null,
                null,
                true,
                "s2",
                "methodology_generation",
                "error"),
            trace("0000000000000004", 4000, 400, 5L, 40L, false, "", null, "length"));
    TraceSummary s = TraceSummary.of(traces);
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.errorRate()).isEqualTo(0.25);
    assertThat(s.inputTokens()).isEqualTo(45);
    assertThat(s.outputTokens()).isEqualTo(100);
    assertThat(s.totalTokens()).isEqualTo(145);
    assertThat(s.totalTimeMs()).isEqualTo(1000.0);
    assertThat(s.meanTimeMs()).isEqualTo(250.0);
    // Nearest rank over [100, 200, 300, 400]: p50 = 2nd, p95 = p99 = 4th.
    assertThat(s.p50TimeMs()).isEqualTo(200.0);
    assertThat(s.p95TimeMs()).isEqualTo(400.0);
    assertThat(s.p99TimeMs()).isEqualTo(400.0);
    assertThat(s.tokensPerSecond()).isEqualTo(100.0);
    assertThat(s.first()).contains(Instant.ofEpochMilli(1000));
    assertThat(s.last()).contains(Instant.ofEpochMilli(4000));
    assertThat(s.bySession()).containsOnlyKeys("s1", "s2", "(none)");
    assertThat(s.bySession().get("s1")).isEqualTo(new TraceSummary.Group(2, 0, 40, 60, 400.0));
    assertThat(s.byStepType().get("code_generation").count()).isEqualTo(2);
    assertThat(s.byStepType().get("(none)").count()).isEqualTo(1);
    assertThat(s.byFinishReason()).containsOnlyKeys("stop", "error", "length");
    assertThat(s.byProvider().get("openai").count()).isEqualTo(4);
    assertThat(s.byModel().get("gpt").totalTokens()).isEqualTo(145);
    assertThat(s.toMap())
        .containsEntry("total_tokens", 145L)
        .containsEntry("avg_time_ms", 250.0)
        .containsEntry("first_timestamp", "1970-01-01T00:00:01.000000Z");
    // The reference's keys, with the same meaning.
    assertThat(s.toMap())
        .containsEntry("total_interactions", 4L)
        .containsEntry("total_time_ms", 1000.0)
        .containsEntry("avg_tokens_per_interaction", 36.25)
        .containsEntry("providers", List.of("openai"))
        .containsEntry("models", List.of("gpt"))
        .containsEntry(
            "date_range",
            Map.of("first", "1970-01-01T00:00:01.000000Z", "last", "1970-01-01T00:00:04.000000Z"));
    assertThat(s.toMap().keySet())
        .startsWith(
            "total_interactions",
            "total_tokens",
            "total_time_ms",
            "avg_tokens_per_interaction",
            "avg_time_ms",
            "providers",
            "models",
            "date_range");
  }

  @Test
  void percentiles_overAHundred() {
    List<Interaction> traces = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      traces.add(trace(String.format("%016x", i), i, i, 1L, 1L, false, "", null, "stop"));
    }
    TraceSummary s = TraceSummary.of(traces);
    assertThat(s.p50TimeMs()).isEqualTo(50.0);
    assertThat(s.p95TimeMs()).isEqualTo(95.0);
    assertThat(s.p99TimeMs()).isEqualTo(99.0);
  }

  @Test
  void empty_givesZerosAndEmptyBreakdowns_withTheSameTypes() {
    TraceSummary s = TraceSummary.of(List.of());
    Map<String, Object> empty = s.toMap();
    Map<String, Object> full =
        TraceSummary.of(List.of(trace("0000000000000001", 1, 1, 1L, 1L, false, "", null, "stop")))
            .toMap();
    assertThat(empty.keySet()).isEqualTo(full.keySet());
    for (String key : empty.keySet()) {
      if (!key.equals("date_range")) {
        assertThat(empty.get(key).getClass()).as(key).isEqualTo(full.get(key).getClass());
      }
    }
    assertThat(empty)
        .containsEntry("date_range", null)
        .containsEntry("providers", List.of())
        .containsEntry("avg_tokens_per_interaction", 0.0);
    assertThat(empty)
        .containsEntry("count", 0L)
        .containsEntry("error_rate", 0.0)
        .containsEntry("p99_time_ms", 0.0)
        .containsEntry("tokens_per_second", 0.0)
        .containsEntry("first_timestamp", "");
    assertThat(s.byProvider()).isEmpty();
  }

  @Test
  void accumulator_givesTheSameFiguresAsOf() {
    SampleTraces samples = new SampleTraces();
    try (samples) {
      TraceSummary.Accumulator a = TraceSummary.accumulator();
      samples.traces().forEach(a::add);
      assertThat(a.summary()).isEqualTo(TraceSummary.of(samples.traces()));
    }
  }
}
