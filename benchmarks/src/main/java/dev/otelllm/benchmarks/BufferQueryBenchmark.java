package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Queries on a full buffer: last 100, one span id, one trace id (a workflow of 4 interactions) and
 * one session (10 interactions), for buffers of 1,000 / 10,000 / 100,000 interactions, to show that
 * indexed lookups stay flat as the buffer grows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class BufferQueryBenchmark {

  @Param({"1000", "10000", "100000"})
  public int size;

  private TraceBuffer buffer;
  private List<String> spanIds;
  private List<String> traceIds;
  private List<String> sessionIds;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    buffer = TraceBuffer.builder().maxInteractions(size).maxBytes(Long.MAX_VALUE).build();
    LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build();
    LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
    spanIds = new ArrayList<>();
    traceIds = new ArrayList<>();
    sessionIds = new ArrayList<>();
    LlmRequest request = LlmRequest.builder().prompt("short prompt").build();
    while (buffer.size() < size) {
      try (Session s = client.newSession();
          var run = client.workflow("w")) {
        for (int i = 0; i < 10 && buffer.size() < size; i++) {
          LlmResponse r = s.generate("turn " + i);
          spanIds.add(r.spanId().orElseThrow());
        }
        sessionIds.add(s.id());
        traceIds.add(run.traceId());
      }
      client.generate(request);
    }
    tracing.close();
  }

  private int nextIndex(int bound) {
    next = (next + 7919) % bound;
    return next;
  }

  @Benchmark
  public List<Interaction> last100() {
    return buffer.last(100);
  }

  @Benchmark
  public Optional<Interaction> bySpanId() {
    return buffer.getInteraction(spanIds.get(nextIndex(spanIds.size() / 2) + spanIds.size() / 2));
  }

  @Benchmark
  public List<Interaction> byTraceId() {
    return buffer.getTraces(
        TraceQuery.traceId(traceIds.get(nextIndex(traceIds.size() / 2) + traceIds.size() / 2)));
  }

  @Benchmark
  public List<Interaction> bySession() {
    return buffer.getTraces(
        TraceQuery.session(
            sessionIds.get(nextIndex(sessionIds.size() / 2) + sessionIds.size() / 2)));
  }

  @Benchmark
  public void lastTraceFieldAccess(Blackhole bh) {
    for (Interaction t : buffer.last(100)) {
      bh.consume(t.response().content());
    }
  }
}
