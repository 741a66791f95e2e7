package dev.otelllm.benchmarks;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
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
 * Caller-thread cost of one generate() (~2 KB prompt, ~2 KB answer, a provider that answers at
 * once): undecorated, through a client with tracing off, and traced with content off and with full
 * content (the default). The difference to {@code undecorated} is what tracing adds; it includes
 * the span, its attributes, the metrics and the in-memory buffer's mapping and insertion.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class GenerateOverheadBenchmark {

  private LlmProvider undecorated;
  private LlmClient tracingOff;
  private LlmClient contentOff;
  private LlmClient fullContent;
  private LlmTracing contentOffTracing;
  private LlmTracing fullContentTracing;
  private LlmRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    undecorated = new Fixtures.InstantProvider();
    request = Fixtures.request();
    tracingOff = LlmClient.create(undecorated);
    contentOffTracing = LlmTracing.builder().contentCapture(ContentCapture.none()).build();
    fullContentTracing = LlmTracing.builder().build();
    contentOff = LlmClient.builder(undecorated).tracing(contentOffTracing).build();
    fullContent = LlmClient.builder(undecorated).tracing(fullContentTracing).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    contentOffTracing.close();
    fullContentTracing.close();
  }

  @Benchmark
  public LlmResponse undecorated() {
    return undecorated.generate(request);
  }

  @Benchmark
  public LlmResponse tracingOff() {
    return tracingOff.generate(request);
  }

  @Benchmark
  public LlmResponse tracedContentOff() {
    return contentOff.generate(request);
  }

  @Benchmark
  public LlmResponse tracedFullContent() {
    return fullContent.generate(request);
  }
}
