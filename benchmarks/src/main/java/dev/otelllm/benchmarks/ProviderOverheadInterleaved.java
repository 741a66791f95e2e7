package dev.otelllm.benchmarks;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.providers.LlmProviders;
import dev.otelllm.providers.ProviderOptions;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The provider overhead measured call by call in alternation (untraced, traced with full content,
 * traced with content off), so that drift on this 2-core machine, where the loopback server shares
 * the cores, hits all three alike. Uses the server of {@link ProviderOverheadBenchmark}. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar
 * dev.otelllm.benchmarks.ProviderOverheadInterleaved}.
 */
public final class ProviderOverheadInterleaved {
  private ProviderOverheadInterleaved() {}

  public static void main(String[] args) throws Exception {
    ProviderOverheadBenchmark bench = new ProviderOverheadBenchmark();
    bench.start();
    String base = bench.baseUrl();
    LlmProvider plain =
        LlmProviders.create(
            "openai", "gpt-4o-mini", ProviderOptions.builder().baseUrl(base).apiKey("k").build());
    LlmClient full =
        LlmClient.builder(
                LlmProviders.create(
                    "openai",
                    "gpt-4o-mini",
                    ProviderOptions.builder().baseUrl(base).apiKey("k").build()))
            .tracing(true)
            .build();
    LlmClient off =
        LlmClient.builder(
                LlmProviders.create(
                    "openai",
                    "gpt-4o-mini",
                    ProviderOptions.builder().baseUrl(base).apiKey("k").build()))
            .tracing(LlmTracing.builder().contentCapture(ContentCapture.none()))
            .build();
    LlmClient noPropagation =
        LlmClient.builder(
                LlmProviders.create(
                    "openai",
                    "gpt-4o-mini",
                    ProviderOptions.builder()
                        .baseUrl(base)
                        .apiKey("k")
                        .propagateContext(false)
                        .build()))
            .tracing(true)
            .build();
    LlmRequest req =
        LlmRequest.builder().prompt(Fixtures.text("Please write a function ", 1024)).build();
    String[] names = {
      "untraced", "traced, full content", "traced, content off", "traced, no traceparent"
    };
    @SuppressWarnings("unchecked")
    Supplier<Object>[] runs =
        new Supplier[] {
          () -> plain.generate(req),
          () -> full.generate(req),
          () -> off.generate(req),
          () -> noPropagation.generate(req)
        };
    int n = 20_000;
    for (int round = 0; round < 3; round++) {
      long[][] lat = new long[runs.length][n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < runs.length; k++) {
          long s = System.nanoTime();
          runs[k].get();
          lat[k][i] = System.nanoTime() - s;
        }
      }
      if (round == 2) {
        Arrays.sort(lat[0]);
        for (int k = 0; k < runs.length; k++) {
          Arrays.sort(lat[k]);
          System.out.printf(
              "%-24s p50 %7.1f us   ratio to untraced %.3f%n",
              names[k], lat[k][n / 2] / 1e3, lat[k][n / 2] / (double) lat[0][n / 2]);
        }
      }
    }
    bench.stop();
    System.exit(0);
  }
}
