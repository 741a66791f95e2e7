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
 * spans exported with the default (no content) policy.
 *
 * <p>Each case runs its client and a client with no exporter side by side, one call each in
 * alternation (30,000 warm-up pairs, then 100,000 measured), so that drift on this 2-core machine
 * (JIT, GC, the other core's load) hits both alike; the ratio is the case's p50 over the p50 of its
 * own no-exporter twin. Then close() is timed (bounded by the export timeout). Bounded in time and
 * count, loopback only. Run: {@code java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar
 * dev.otelllm.benchmarks.FaultMatrix [case...]}.
 */
public final class FaultMatrix {
  private FaultMatrix() {}

  /**
   * The healthy case with the SDK's batch processor alone on the caller's side and the content
   * policy applied on the export thread: what the library would cost if it let content wait in the
   * queue. The library applies the policy before the queue so that prompts never wait there; this
   * case measures the price of that choice.
   */
  static final String POLICY_AFTER_QUEUE = "healthy, policy after queue";

  private static final int WARMUP = 30_000;
  private static final int MEASURED = 100_000;

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "%-20s %9s %9s %7s %9s %9s %7s %9s %8s %8s %9s%n",
        "case",
        "p50 ns",
        "twin p50",
        "ratio",
        "mean ns",
        "twin mean",
        "ratio",
        "exported",
        "failed",
        "dropped",
        "close ms");
    String[] cases =
        args.length > 0
            ? args
            : new String[] {
              "healthy",
              POLICY_AFTER_QUEUE,
              "connection refused",
              "slow (30 s)",
              "500",
              "429",
              "413"
            };
    // A first round that is not reported: the JIT compiles the whole path before any case counts.
    String[] rounds = new String[cases.length + 1];
    rounds[0] = "warm-up";
    System.arraycopy(cases, 0, rounds, 1, cases.length);
    for (String c : rounds) {
      LoopbackReceiver receiver = null;
      String endpoint;
      switch (c) {
        case "warm-up" -> endpoint = null;
        case "connection refused" -> {
          try (ServerSocket s =
              new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            endpoint = "http://127.0.0.1:" + s.getLocalPort();
          }
        }
        default -> {
          LoopbackReceiver.Mode mode =
              switch (c) {
                case "healthy", POLICY_AFTER_QUEUE -> LoopbackReceiver.Mode.OK;
                case "slow (30 s)" -> LoopbackReceiver.Mode.SLOW_30S;
                case "500" -> LoopbackReceiver.Mode.STATUS_500;
                case "429" -> LoopbackReceiver.Mode.STATUS_429;
                case "413" -> LoopbackReceiver.Mode.STATUS_413;
                default ->
                    throw new IllegalArgumentException(
                        "unknown case '"
                            + c
                            + "': healthy, connection refused, slow (30 s), 500, 429, 413 or "
                            + POLICY_AFTER_QUEUE);
              };
          receiver = new LoopbackReceiver(mode);
          endpoint = receiver.endpoint();
        }
      }
      // Every interaction stays in memory, past the default byte bound: the check below counts
      // them.
      LlmTracing.Builder b =
          LlmTracing.builder()
              .maxInteractions(WARMUP + MEASURED)
              .maxInteractionBytes(Long.MAX_VALUE);
      if (endpoint != null) {
        b.exportOtlp(
            OtlpExport.builder()
                .endpoint(endpoint)
                .timeout(Duration.ofSeconds(2))
                .metrics(false)
                .build());
      }
      LlmTracing tracing;
      if (c.equals(POLICY_AFTER_QUEUE)) {
        tracing = policyAfterQueue(endpoint);
      } else {
        tracing = b.build();
      }
      LlmTracing twinTracing =
          LlmTracing.builder()
              .maxInteractions(WARMUP + MEASURED)
              .maxInteractionBytes(Long.MAX_VALUE)
              .build();
      LlmClient client = LlmClient.builder(new Fixtures.InstantProvider()).tracing(tracing).build();
      LlmClient twin =
          LlmClient.builder(new Fixtures.InstantProvider()).tracing(twinTracing).build();
      LlmRequest request = Fixtures.request();
      for (int i = 0; i < WARMUP; i++) {
        client.generate(request);
        twin.generate(request);
      }
      long[] t = new long[MEASURED];
      long[] tw = new long[MEASURED];
      long sum = 0;
      long twinSum = 0;
      for (int i = 0; i < MEASURED; i++) {
        // Alternate which goes first, so that neither always follows the other's allocations.
        boolean caseFirst = (i & 1) == 0;
        if (!caseFirst) {
          long s = System.nanoTime();
          twin.generate(request);
          tw[i] = System.nanoTime() - s;
        }
        long s = System.nanoTime();
        client.generate(request);
        t[i] = System.nanoTime() - s;
        if (caseFirst) {
          long s2 = System.nanoTime();
          twin.generate(request);
          tw[i] = System.nanoTime() - s2;
        }
        sum += t[i];
        twinSum += tw[i];
      }
      int inMemory = client.getTraces().size();
      long closeStart = System.nanoTime();
      tracing.close();
      if (c.equals(POLICY_AFTER_QUEUE)) {
        // Its counts are not tracked: the library's own pipeline is not in it.
        policyAfterQueueSdk.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      long closeMs = (System.nanoTime() - closeStart) / 1_000_000;
      twinTracing.close();
      Arrays.sort(t);
      Arrays.sort(tw);
      double p50 = t[MEASURED / 2];
      double twinP50 = tw[MEASURED / 2];
      if (!c.equals("warm-up")) {
        if (inMemory != WARMUP + MEASURED) {
          throw new IllegalStateException(
              c + ": " + inMemory + " interactions in memory, expected " + (WARMUP + MEASURED));
        }
        ExportStats st = tracing.exportStats();
        System.out.printf(
            "%-20s %9.0f %9.0f %7.3f %9.0f %9.0f %7.3f %9d %8d %8d %9d%n",
            c,
            p50,
            twinP50,
            p50 / twinP50,
            sum / (double) MEASURED,
            twinSum / (double) MEASURED,
            sum / (double) twinSum,
            st.exported(),
            st.failed(),
            st.dropped(),
            closeMs);
      }
      if (receiver != null) {
        receiver.close();
      }
      client = null;
      twin = null;
      tracing = null;
      twinTracing = null;
      // Each case keeps 2 x 130,000 interactions in memory: collect them before the next case.
      System.gc();
    }
    System.exit(0);
  }

  private static LlmTracing policyAfterQueue(String endpoint) {
    io.opentelemetry.sdk.trace.export.SpanExporter exporter =
        new dev.otelllm.internal.ContentPolicyExporter(
            dev.otelllm.internal.OtlpExporters.spans(
                OtlpExport.builder()
                    .endpoint(endpoint)
                    .timeout(Duration.ofSeconds(2))
                    .metrics(false)
                    .build()),
            dev.otelllm.ContentCapture.none());
    dev.otelllm.trace.TraceBuffer buffer =
        dev.otelllm.trace.TraceBuffer.builder()
            .maxInteractions(WARMUP + MEASURED)
            .maxBytes(Long.MAX_VALUE)
            .build();
    io.opentelemetry.sdk.trace.SdkTracerProviderBuilder provider =
        io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .addSpanProcessor(
                io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(exporter)
                    .setMaxQueueSize(OtlpExport.defaults().maxQueueSize())
                    .build());
    LlmTracing.addProcessors(provider, buffer);
    io.opentelemetry.sdk.OpenTelemetrySdk sdk =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder().setTracerProvider(provider.build()).build();
    policyAfterQueueSdk = sdk;
    return LlmTracing.joining(sdk, buffer).build();
  }

  // The SDK of the policy-after-queue case, which the joined tracing leaves running on close.
  private static io.opentelemetry.sdk.OpenTelemetrySdk policyAfterQueueSdk;
}
