package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.internal.BufferBridge;
import dev.otelllm.trace.AgentInteractions;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading the Java agent's buffer through {@link AgentInteractions} costs next to reading a
 * buffer directly: one span id, one session (10 interactions) and the newest 100, on a buffer of
 * 1,000 interactions with short content. The agent's side is published in this JVM as the extension
 * publishes it; the extra cost is the copy into JDK types and back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AgentReadBenchmark {

  private TraceBuffer buffer;
  private AgentInteractions agent;
  private String spanId;
  private String sessionId;

  @Setup(Level.Trial)
  public void fill() {
    buffer = TraceBuffer.create(1_000);
    LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build();
    LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
    while (buffer.size() < 1_000) {
      try (Session s = client.newSession()) {
        for (int i = 0; i < 10; i++) {
          LlmResponse r = s.generate("turn " + i + " of a short conversation");
          spanId = r.spanId().orElseThrow();
        }
        sessionId = s.id();
      }
    }
    tracing.close();
    BufferBridge.publish(buffer);
    agent = AgentInteractions.require();
  }

  @TearDown(Level.Trial)
  public void withdraw() {
    BufferBridge.unpublish();
  }

  @Benchmark
  public Optional<Interaction> bySpanId_direct() {
    return buffer.getInteraction(spanId);
  }

  @Benchmark
  public Optional<Interaction> bySpanId_agent() {
    return agent.getInteraction(spanId);
  }

  @Benchmark
  public List<Interaction> session_direct() {
    return buffer.getTraces(TraceQuery.session(sessionId));
  }

  @Benchmark
  public List<Interaction> session_agent() {
    return agent.getTraces(TraceQuery.session(sessionId));
  }

  @Benchmark
  public List<Interaction> last100_direct() {
    return buffer.last(100);
  }

  @Benchmark
  public List<Interaction> last100_agent() {
    return agent.last(100);
  }
}
