package dev.otelllm.benchmarks;

import dev.otelllm.ContentCapture;
import dev.otelllm.ExportStats;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bounded load program: N generations (1 KB prompt + 1 KB answer = 2 KB content, exported in
 * full) on T threads, spans shipped over OTLP/HTTP protobuf to a loopback receiver that decodes
 * them. Two pipelines in one run, the same spans and the same queue and batch settings: this
 * library's ({@code exportOtlp}: the export policy and byte bound in front of the SDK's batch
 * processor) and the SDK's own {@code BatchSpanProcessor} with its OTLP exporter, joined. Reports
 * spans/s received, drops, and the caller-thread cost (p50/p99 of generate()). Run: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.otelllm.benchmarks.ExportThroughput [N] [T] [json]}.
 */
public final class ExportThroughput {
  private ExportThroughput() {}

  private static final int QUEUE = 65_536;
  private static final int BATCH = 2048;
  private static final Duration DELAY = Duration.ofMillis(50);

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    boolean jsonString = args.length > 2 && args[2].equals("json");
    ContentCapture content =
        jsonString ? ContentCapture.full().asJsonString() : ContentCapture.full();
    run(
        "otel-llm exportOtlp",
        n,
        threads,
        endpoint ->
            LlmTracing.builder()
                .maxInteractions(1000)
                .exportContentCapture(content)
                .exportOtlp(
                    OtlpExport.builder()
                        .endpoint(endpoint)
                        .metrics(false)
                        .maxQueueSize(QUEUE)
                        .maxQueueBytes(1L << 30)
                        .maxBatchSize(BATCH)
                        .scheduleDelay(DELAY)
                        .build())
                .build());
    run(
        "SDK BatchSpanProcessor",
        n,
        threads,
        endpoint -> {
          TraceBuffer buffer = TraceBuffer.create(1000);
          SdkTracerProviderBuilder tp =
              SdkTracerProvider.builder()
                  .addSpanProcessor(
                      BatchSpanProcessor.builder(
                              OtlpHttpSpanExporter.builder()
                                  .setEndpoint(endpoint + "/v1/traces")
                                  .build())
                          .setMaxQueueSize(QUEUE)
                          .setMaxExportBatchSize(BATCH)
                          .setScheduleDelay(DELAY)
                          .build());
          LlmTracing.addProcessors(tp, buffer);
          OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tp.build()).build();
          return new Joined(LlmTracing.joining(sdk, buffer).contentCapture(content).build(), sdk);
        });
    System.exit(0);
  }

  /** A joined tracing and the SDK it joined, closed together. */
  private record Joined(LlmTracing tracing, OpenTelemetrySdk sdk) {}

  private static void run(String label, int n, int threads, Function<String, Object> build)
      throws Exception {
    String prompt = Fixtures.text("Write a function ", 1024);
    LlmResponse answer =
        LlmResponse.builder()
            .content(Fixtures.text("def f(): return ", 1024))
            .finishReason("stop")
            .usage(Usage.of(256, 256))
            .model("m")
            .build();
    LlmProvider provider =
        new LlmProvider() {
          private final ProviderInfo info =
              ProviderInfo.remote("openai", "gpt-4o-mini", "api.openai.com", 443);

          @Override
          public ProviderInfo info() {
            return info;
          }

          @Override
          public LlmResponse generate(LlmRequest request) {
            return answer;
          }
        };
    try (LoopbackReceiver receiver = new LoopbackReceiver(LoopbackReceiver.Mode.OK)) {
      Object built = build.apply(receiver.endpoint());
      LlmTracing tracing = built instanceof Joined j ? j.tracing() : (LlmTracing) built;
      OpenTelemetrySdk joinedSdk = built instanceof Joined j ? j.sdk() : null;
      LlmClient client = LlmClient.builder(provider).tracing(tracing).build();
      LlmRequest request = LlmRequest.builder().prompt(prompt).build();
      for (int i = 0; i < 20_000; i++) {
        client.generate(request);
      }
      if (joinedSdk != null) {
        joinedSdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
      } else {
        tracing.forceFlush(Duration.ofSeconds(30));
      }
      long warm = receiver.acceptedSpans.get();

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<long[]>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  int per = n / threads;
                  long[] latencies = new long[per];
                  for (int i = 0; i < per; i++) {
                    long s = System.nanoTime();
                    client.generate(request);
                    latencies[i] = System.nanoTime() - s;
                  }
                  return latencies;
                }));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<long[]> f : futures) {
        all.add(f.get(10, TimeUnit.MINUTES));
      }
      long generated = System.nanoTime() - start;
      // Until every span arrived, or nothing arrived for half a second (the rest was dropped): the
      // rate counts up to the last span received.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long lastCount = -1;
      long lastProgress = System.nanoTime();
      while (receiver.acceptedSpans.get() - warm < (long) n / threads * threads
          && System.nanoTime() < deadline) {
        long count = receiver.acceptedSpans.get();
        if (count != lastCount) {
          lastCount = count;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(500)) {
          break;
        }
        Thread.sleep(1);
      }
      long elapsed =
          (receiver.acceptedSpans.get() - warm >= (long) n / threads * threads
                  ? System.nanoTime()
                  : lastProgress)
              - start;
      pool.shutdown();
      ExportStats stats = tracing.exportStats();
      tracing.close();
      if (joinedSdk != null) {
        joinedSdk.shutdown().join(10, TimeUnit.SECONDS);
      }
      long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      long received = receiver.acceptedSpans.get() - warm;
      System.out.printf(
          "%-24s %d generations on %d threads in %.2f s; %d spans received in %.2f s = %.0f spans/s; "
              + "dropped %s; generate() p50 %.2f us, p99 %.2f us%n",
          label,
          merged.length,
          threads,
          generated / 1e9,
          received,
          elapsed / 1e9,
          received / (elapsed / 1e9),
          joinedSdk != null ? "(not reported)" : String.valueOf(stats.dropped()),
          merged[merged.length / 2] / 1e3,
          merged[(int) (merged.length * 0.99)] / 1e3);
    }
  }
}
