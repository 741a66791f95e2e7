package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.otlp.OtlpFileReader;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Converting a ~100 MB OTLP JSON file (the Collector file exporter's format, batches of 512 spans
 * with 2 KB prompts, one non-GenAI span in ten) to JSONL into a discarding sink. The fork runs with
 * a 96 MB heap, well under the file's size: the conversion streams. MB/s = file size / time.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms96m", "-Xmx96m"})
@State(Scope.Benchmark)
public class ConvertBenchmark {

  private Path file;

  @Setup(Level.Trial)
  public void writeFile() throws IOException {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    List<SpanData> batch;
    try (LlmTracing tracing =
        LlmTracing.builder()
            .addSpanExporter(spans)
            .maxInteractions(0)
            .exportContentCapture(dev.otelllm.ContentCapture.full())
            .build()) {
      LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
      for (int i = 0; i < 461; i++) {
        client.generate(
            LlmRequest.builder()
                .systemPrompt("You are a Python code generator.")
                .prompt(Fixtures.PROMPT_2K + i)
                .temperature(0)
                .metadata("step_type", "code_generation")
                .build());
      }
      for (int i = 0; i < 51; i++) {
        tracing.openTelemetry().getTracer("http").spanBuilder("GET /health " + i).startSpan().end();
      }
      tracing.forceFlush(java.time.Duration.ofSeconds(10));
      batch = new ArrayList<>(spans.getFinishedSpanItems());
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(batch).writeJsonTo(line);
    line.write('\n');
    byte[] bytes = line.toByteArray();
    file = Files.createTempFile("otlp-", ".json");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long written = 0; written < 100L * 1024 * 1024; written += bytes.length) {
        out.write(bytes);
      }
    }
    System.out.printf(
        "%nfile: %.1f MB, %d B per line of %d spans%n",
        Files.size(file) / 1048576.0, bytes.length, batch.size());
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  public long convertToJsonl() throws IOException {
    ExportBenchmark.Discard sink = new ExportBenchmark.Discard();
    try (OutputStream out = new BufferedOutputStream(sink, 1 << 16);
        TraceExport.JsonStream jsonl = TraceExport.openJson(out, TraceFormat.JSONL)) {
      // One streaming generator for the whole file, fed as the reader delivers.
      OtlpFileReader.create()
          .read(
              file,
              t -> {
                try {
                  jsonl.write(t);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
    return sink.count;
  }

  @Benchmark
  public long readOnly() throws IOException {
    long[] n = new long[1];
    OtlpFileReader.create().read(file, t -> n[0]++);
    return n[0];
  }
}
