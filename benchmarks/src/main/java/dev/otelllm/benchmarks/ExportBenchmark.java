package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.export.TraceSummary;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSONL export of 10,000 interactions with a 2 KB prompt each into a buffered sink that discards,
 * and a summary over the same 10,000. Throughput in MB/s = bytes written / time per export.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ExportBenchmark {

  private List<Interaction> traces;

  @Setup(Level.Trial)
  public void record() {
    TraceBuffer buffer = TraceBuffer.create(10_000);
    try (LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build()) {
      LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
      for (int i = 0; i < 10_000; i++) {
        client.generate(
            LlmRequest.builder()
                .systemPrompt("You are a Python code generator.")
                .prompt(Fixtures.PROMPT_2K + i)
                .temperature(0)
                .metadata("step_type", "code_generation")
                .metadata("attempt_number", 1 + i % 3)
                .build());
      }
    }
    traces = buffer.getTraces();
    Discard sink = new Discard();
    try {
      TraceExport.writeJson(traces.iterator(), TraceFormat.JSONL, sink);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    System.out.printf(
        "%none JSONL export of %d interactions: %.1f MB%n", traces.size(), sink.count / 1048576.0);
  }

  @Benchmark
  public long jsonl10k() throws IOException {
    Discard sink = new Discard();
    try (OutputStream out = new BufferedOutputStream(sink, 1 << 16)) {
      TraceExport.writeJson(traces.iterator(), TraceFormat.JSONL, out);
    }
    return sink.count;
  }

  @Benchmark
  public TraceSummary summary10k() {
    return TraceSummary.of(traces);
  }

  /** A sink that keeps nothing. */
  static final class Discard extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
