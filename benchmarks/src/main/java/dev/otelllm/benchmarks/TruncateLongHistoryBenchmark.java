package dev.otelllm.benchmarks;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
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
 * Caller-thread cost of a traced call whose history is 2,000 messages of 2 KB under {@code
 * ContentCapture.truncated(4096)}: the truncation must pick what fits by bisection, not by
 * serializing the history once per message (which took ~12 s per call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TruncateLongHistoryBenchmark {

  private LlmTracing tracing;
  private LlmClient client;
  private LlmRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    tracing =
        LlmTracing.builder()
            .maxInteractions(10)
            .contentCapture(ContentCapture.truncated(4096))
            .build();
    client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
    LlmRequest.Builder b = LlmRequest.builder();
    String kb2 = "h".repeat(2048);
    for (int i = 0; i < 2000; i++) {
      b.message(Message.user(kb2 + i));
    }
    request = b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracing.close();
  }

  @Benchmark
  public LlmResponse truncatedLongHistory() {
    return client.generate(request);
  }
}
