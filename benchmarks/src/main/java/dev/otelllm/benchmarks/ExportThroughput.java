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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A bounded load program: N generations (1 KB prompt + 1 KB answer = 2 KB content, exported in
 * full) on T threads, spans shipped over OTLP/HTTP protobuf to a loopback receiver that decodes
 * them. Reports spans/s received, drops, and the caller-thread cost (p50/p99 of generate()).
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.otelllm.benchmarks.ExportThroughput [N] [T]}.
 */
public final class ExportThroughput {
  private ExportThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    boolean jsonString = args.length > 2 && args[2].equals("json");
    String prompt = Fixtures.text("Write a function ", 1024);
    LlmResponse answer = LlmResponse.builder().content(Fixtures.text("def f(): return ", 1024)).finishReason("stop")
        .usage(Usage.of(256, 256)).model("m").build();
    LlmProvider provider = new LlmProvider() {
      private final ProviderInfo info = ProviderInfo.remote("openai", "gpt-4o-mini", "api.openai.com", 443);

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
      LlmTracing tracing = LlmTracing.builder().maxTraces(1000)
          .exportContentCapture(jsonString ? ContentCapture.full().asJsonString() : ContentCapture.full())
          .exportOtlp(OtlpExport.builder().endpoint(receiver.endpoint()).metrics(false)
              .maxQueueSize(65_536).maxBatchSize(2048).scheduleDelay(Duration.ofMillis(50)).build())
          .build();
      LlmClient client = LlmClient.builder(provider).tracing(tracing).build();
      LlmRequest request = LlmRequest.builder().prompt(prompt).build();
      for (int i = 0; i < 20_000; i++) {
        client.generate(request);
      }
      tracing.forceFlush(Duration.ofSeconds(30));
      long warm = receiver.acceptedSpans.get();

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<long[]>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (receiver.acceptedSpans.get() - warm < (long) n / threads * threads
          && tracing.exportStats().dropped() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long elapsed = System.nanoTime() - start;
      pool.shutdown();
      ExportStats stats = tracing.exportStats();
      tracing.close();
      long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      long received = receiver.acceptedSpans.get() - warm;
      System.out.printf((jsonString ? "[content as JSON strings] " : "[structured content] ") + "%d generations on %d threads in %.2f s; %d spans received in %.2f s = %.0f spans/s; "
              + "dropped %d, failed %d; generate() p50 %.2f us, p99 %.2f us%n",
          merged.length, threads, generated / 1e9, received, elapsed / 1e9, received / (elapsed / 1e9),
          stats.dropped(), stats.failed(), merged[merged.length / 2] / 1e3, merged[(int) (merged.length * 0.99)] / 1e3);
    }
    System.exit(0);
  }
}
