package dev.otelllm.benchmarks;

import dev.otelllm.ExportStats;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;

/**
 * generate() latency while the collector is healthy, down, slow or refusing, against the same
 * program with no exporter at all: single thread, 2 KB prompt and answer, full content in memory,
 * spans exported with the default (no content) policy. Each case: 30,000 warm-up calls, then
 * 100,000 measured; then close() is timed (bounded by the export timeout). Bounded in time and
 * count, loopback only. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.otelllm.benchmarks.FaultMatrix}.
 */
public final class FaultMatrix {
  private FaultMatrix() {}

  private static final int WARMUP = 30_000;
  private static final int MEASURED = 100_000;

  public static void main(String[] args) throws Exception {
    double base = -1;
    System.out.printf("%-22s %10s %10s %8s %10s %8s %8s %8s %9s%n", "case", "p50 ns", "mean ns", "ratio",
        "exported", "failed", "dropped", "in mem", "close ms");
    String[] cases = args.length > 0 ? args
        : new String[] {"no exporter", "healthy", "connection refused", "slow (30 s)", "500", "429", "413",
            "no exporter"};
    // A first round that is not reported: the JIT compiles the whole path before any case counts.
    String[] rounds = new String[cases.length + 1];
    rounds[0] = "warm-up";
    System.arraycopy(cases, 0, rounds, 1, cases.length);
    for (String c : rounds) {
      LoopbackReceiver receiver = null;
      String endpoint;
      switch (c) {
        case "no exporter", "warm-up" -> endpoint = null;
        case "connection refused" -> {
          try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            endpoint = "http://127.0.0.1:" + s.getLocalPort();
          }
        }
        default -> {
          LoopbackReceiver.Mode mode = switch (c) {
            case "healthy" -> LoopbackReceiver.Mode.OK;
            case "slow (30 s)" -> LoopbackReceiver.Mode.SLOW_30S;
            case "500" -> LoopbackReceiver.Mode.STATUS_500;
            case "429" -> LoopbackReceiver.Mode.STATUS_429;
            default -> LoopbackReceiver.Mode.STATUS_413;
          };
          receiver = new LoopbackReceiver(mode);
          endpoint = receiver.endpoint();
        }
      }
      LlmTracing.Builder b = LlmTracing.builder().maxTraces(WARMUP + MEASURED);
      if (endpoint != null) {
        b.exportOtlp(OtlpExport.builder().endpoint(endpoint).timeout(Duration.ofSeconds(2)).metrics(false).build());
      }
      LlmTracing tracing = b.build();
      LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
      LlmRequest request = Fixtures.request();
      for (int i = 0; i < WARMUP; i++) {
        client.generate(request);
      }
      long[] t = new long[MEASURED];
      long sum = 0;
      for (int i = 0; i < MEASURED; i++) {
        long s = System.nanoTime();
        client.generate(request);
        t[i] = System.nanoTime() - s;
        sum += t[i];
      }
      long closeStart = System.nanoTime();
      int inMemory = client.getTraces().size();
      tracing.close();
      long closeMs = (System.nanoTime() - closeStart) / 1_000_000;
      Arrays.sort(t);
      double p50 = t[MEASURED / 2];
      if (c.equals("warm-up")) {
        System.gc();
        continue;
      }
      if (base < 0) {
        base = p50;
      }
      ExportStats s = tracing.exportStats();
      System.out.printf("%-22s %10.0f %10.0f %8.3f %10d %8d %8d %8d %9d%n", c, p50, sum / (double) MEASURED, p50 / base,
          s.exported(), s.failed(), s.dropped(), inMemory, closeMs);
      if (receiver != null) {
        receiver.close();
      }
      client = null;
      tracing = null;
      // Each case keeps 130,000 interactions in memory: collect them before the next case measures.
      System.gc();
    }
    System.exit(0);
  }
}
