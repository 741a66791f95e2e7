package dev.otelllm.export;

import dev.otelllm.Usage;
import dev.otelllm.internal.Timestamps;
import dev.otelllm.trace.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Figures over a list of interactions. Immutable; {@link #of} computes it in one pass plus a sort
 * of the durations. An empty list gives zeros and empty breakdowns.
 *
 * <p>Percentiles use the nearest-rank method: the p-th percentile is the smallest duration with at
 * least p% of the durations at or below it. Tokens per second is output tokens divided by the total
 * generation time. Breakdowns group by provider, model, session, {@code step_type} metadata and
 * finish reason; interactions without a session or step type fall in {@value #NONE}.
 *
 * @param count interactions
 * @param errors failed interactions
 * @param inputTokens sum of input tokens
 * @param outputTokens sum of output tokens
 * @param totalTimeMs sum of generation times
 * @param p50TimeMs median generation time
 * @param p95TimeMs 95th percentile
 * @param p99TimeMs 99th percentile
 * @param streamed interactions that report a time to first chunk
 * @param meanTimeToFirstChunkMs mean time to first chunk of those, 0 when none
 * @param first start of the earliest interaction
 * @param last start of the latest interaction
 * @param byProvider breakdown by provider
 * @param byModel breakdown by requested model
 * @param bySession breakdown by session id
 * @param byStepType breakdown by step type
 * @param byFinishReason breakdown by finish reason
 * @param byOperation breakdown by operation ({@code chat}, {@code embeddings}, ...)
 */
public record TraceSummary(
    long count,
    long errors,
    long inputTokens,
    long outputTokens,
    double totalTimeMs,
    double p50TimeMs,
    double p95TimeMs,
    double p99TimeMs,
    long streamed,
    double meanTimeToFirstChunkMs,
    Optional<Instant> first,
    Optional<Instant> last,
    Map<String, Group> byProvider,
    Map<String, Group> byModel,
    Map<String, Group> bySession,
    Map<String, Group> byStepType,
    Map<String, Group> byFinishReason,
    Map<String, Group> byOperation) {

  /** The breakdown key of interactions without a session, step type or finish reason. */
  public static final String NONE = "(none)";

  public TraceSummary {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    byProvider = Collections.unmodifiableMap(new TreeMap<>(byProvider));
    byModel = Collections.unmodifiableMap(new TreeMap<>(byModel));
    bySession = Collections.unmodifiableMap(new TreeMap<>(bySession));
    byStepType = Collections.unmodifiableMap(new TreeMap<>(byStepType));
    byFinishReason = Collections.unmodifiableMap(new TreeMap<>(byFinishReason));
    byOperation = Collections.unmodifiableMap(new TreeMap<>(byOperation));
  }

  /**
   * Figures of one breakdown group.
   *
   * @param count interactions
   * @param errors failed ones
   * @param inputTokens sum of input tokens
   * @param outputTokens sum of output tokens
   * @param totalTimeMs sum of generation times
   */
  public record Group(
      long count, long errors, long inputTokens, long outputTokens, double totalTimeMs) {
    Group plus(Interaction t, Usage u) {
      return new Group(
          count + 1,
          errors + (t.failed() ? 1 : 0),
          inputTokens + (u == null ? 0 : u.inputTokens()),
          outputTokens + (u == null ? 0 : u.outputTokens()),
          totalTimeMs + t.generationTimeMs());
    }

    public long totalTokens() {
      return inputTokens + outputTokens;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", count);
      m.put("errors", errors);
      m.put("input_tokens", inputTokens);
      m.put("output_tokens", outputTokens);
      m.put("total_tokens", totalTokens());
      m.put("total_time_ms", totalTimeMs);
      return m;
    }
  }

  private static final Group EMPTY_GROUP = new Group(0, 0, 0, 0, 0);

  /** Computes the figures of these interactions. */
  public static TraceSummary of(Collection<Interaction> traces) {
    Objects.requireNonNull(traces, "traces");
    Accumulator a = new Accumulator(traces.size());
    for (Interaction t : traces) {
      a.add(t);
    }
    return a.summary();
  }

  /** An empty accumulator, for summing interactions one at a time (e.g. while streaming a file). */
  public static Accumulator accumulator() {
    return new Accumulator(64);
  }

  /**
   * Adds interactions one at a time, keeping only their figures (eight bytes of duration each for
   * the percentiles), not the interactions. Not thread-safe.
   */
  public static final class Accumulator {
    private double[] times;
    private int n;
    private long errors;
    private long in;
    private long out;
    private double total;
    private long streamed;
    private double ttfc;
    private long firstNanos = Long.MAX_VALUE;
    private long lastNanos = Long.MIN_VALUE;
    private final Map<String, Group> byProvider = new LinkedHashMap<>();
    private final Map<String, Group> byModel = new LinkedHashMap<>();
    private final Map<String, Group> bySession = new LinkedHashMap<>();
    private final Map<String, Group> byStep = new LinkedHashMap<>();
    private final Map<String, Group> byFinish = new LinkedHashMap<>();
    private final Map<String, Group> byOperation = new LinkedHashMap<>();

    private Accumulator(int capacity) {
      this.times = new double[Math.max(16, capacity)];
    }

    public Accumulator add(Interaction t) {
      Objects.requireNonNull(t, "trace");
      double ms = t.generationTimeMs();
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
      }
      times[n++] = ms;
      total += ms;
      if (t.failed()) {
        errors++;
      }
      Usage u = t.response().usage().orElse(null);
      if (u != null) {
        in += u.inputTokens();
        out += u.outputTokens();
      }
      var first = t.response().timeToFirstChunkSeconds();
      if (first.isPresent()) {
        streamed++;
        ttfc += first.getAsDouble() * 1000.0;
      }
      firstNanos = Math.min(firstNanos, t.startEpochNanos());
      lastNanos = Math.max(lastNanos, t.startEpochNanos());
      TraceSummary.add(byProvider, t.provider(), t, u);
      TraceSummary.add(byModel, t.model(), t, u);
      TraceSummary.add(bySession, t.sessionId(), t, u);
      Object step = t.metadata().get("step_type");
      TraceSummary.add(byStep, step == null ? "" : String.valueOf(step), t, u);
      TraceSummary.add(byFinish, t.response().finishReason(), t, u);
      TraceSummary.add(byOperation, t.operation(), t, u);
      return this;
    }

    /** The figures of what was added so far. */
    public TraceSummary summary() {
      double[] sorted = Arrays.copyOf(times, n);
      Arrays.sort(sorted);
      return new TraceSummary(
          n,
          errors,
          in,
          out,
          total,
          percentile(sorted, 50),
          percentile(sorted, 95),
          percentile(sorted, 99),
          streamed,
          streamed == 0 ? 0 : ttfc / streamed,
          n == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(0, firstNanos)),
          n == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(0, lastNanos)),
          byProvider,
          byModel,
          bySession,
          byStep,
          byFinish,
          byOperation);
    }
  }

  private static void add(Map<String, Group> groups, String key, Interaction t, Usage u) {
    String k = key == null || key.isEmpty() ? NONE : key;
    groups.put(k, groups.getOrDefault(k, EMPTY_GROUP).plus(t, u));
  }

  /** Nearest rank over sorted values; 0 for none. */
  static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** Failed over all, 0 when empty. */
  public double errorRate() {
    return count == 0 ? 0 : errors / (double) count;
  }

  /** Mean generation time, 0 when empty. */
  public double meanTimeMs() {
    return count == 0 ? 0 : totalTimeMs / count;
  }

  /** Output tokens per second of generation time, 0 when there was none. */
  public double tokensPerSecond() {
    return totalTimeMs <= 0 ? 0 : outputTokens / (totalTimeMs / 1000.0);
  }

  /**
   * The figures as a plain map with stable keys and types: counts are longs, times doubles,
   * timestamps ISO-8601 strings ({@code ""} when empty), breakdowns maps of group maps. {@code
   * total_tokens} and {@code avg_time_ms} are named as in the reference's summary.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    // The reference's keys first, then this library's.
    m.put("total_interactions", count);
    m.put("total_tokens", totalTokens());
    m.put("total_time_ms", totalTimeMs);
    m.put("avg_tokens_per_interaction", count == 0 ? 0.0 : (double) totalTokens() / count);
    m.put("avg_time_ms", meanTimeMs());
    m.put("providers", new ArrayList<>(byProvider.keySet()));
    m.put("models", new ArrayList<>(byModel.keySet()));
    if (first.isPresent() && last.isPresent()) {
      Map<String, Object> range = new LinkedHashMap<>();
      range.put("first", Timestamps.iso(first.get()));
      range.put("last", Timestamps.iso(last.get()));
      m.put("date_range", range);
    } else {
      m.put("date_range", null);
    }
    m.put("count", count);
    m.put("errors", errors);
    m.put("error_rate", errorRate());
    m.put("input_tokens", inputTokens);
    m.put("output_tokens", outputTokens);
    m.put("p50_time_ms", p50TimeMs);
    m.put("p95_time_ms", p95TimeMs);
    m.put("p99_time_ms", p99TimeMs);
    m.put("tokens_per_second", tokensPerSecond());
    m.put("streamed", streamed);
    m.put("avg_time_to_first_chunk_ms", meanTimeToFirstChunkMs);
    m.put("first_timestamp", first.map(Timestamps::iso).orElse(""));
    m.put("last_timestamp", last.map(Timestamps::iso).orElse(""));
    m.put("by_provider", groups(byProvider));
    m.put("by_model", groups(byModel));
    m.put("by_session", groups(bySession));
    m.put("by_step_type", groups(byStepType));
    m.put("by_finish_reason", groups(byFinishReason));
    m.put("by_operation", groups(byOperation));
    return m;
  }

  private static Map<String, Object> groups(Map<String, Group> groups) {
    Map<String, Object> out = new LinkedHashMap<>();
    groups.forEach((k, g) -> out.put(k, g.toMap()));
    return out;
  }
}
