package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.internal.ScriptedProvider;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A collector that is down, slow or refusing never reaches the application: no exception, every
 * interaction in memory, bounded shutdown, and every span accounted for. Latency figures are
 * measured by the FaultMatrix benchmark, not here.
 */
// A hang guard, not a latency claim: close() must settle every span and return.
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExportFaultsTest {

  private static LlmTracing tracing(String endpoint, Duration timeout, int queue) {
    return LlmTracing.builder()
        .maxInteractions(100_000)
        .exportOtlp(
            OtlpExport.builder()
                .endpoint(endpoint)
                .timeout(timeout)
                .metrics(false)
                .maxQueueSize(queue)
                .maxBatchSize(Math.min(512, queue))
                .scheduleDelay(Duration.ofMillis(20))
                .build())
        .build();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Generates n times; returns the client. Fails if any call throws. */
  private static LlmClient generate(LlmTracing tracing, int n) {
    LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
    for (int i = 0; i < n; i++) {
      client.generate("p" + i);
    }
    return client;
  }

  @Test
  void collectorDown_connectionRefused() throws Exception {
    LlmTracing tracing = tracing("http://127.0.0.1:" + closedPort(), Duration.ofMillis(500), 2048);
    LlmClient client = generate(tracing, 200);
    assertThat(client.getTraces()).hasSize(200);
    tracing.close();
    ExportStats s = tracing.exportStats();
    assertThat(s.exported()).isZero();
    assertThat(s.failed() + s.dropped()).isEqualTo(200);
    assertThat(s.queued()).isZero();
  }

  @Test
  void collectorSlow_answersAfter30s() throws Exception {
    try (OtlpReceiver receiver =
        new OtlpReceiver(
            n -> new MockResponse.Builder().code(200).headersDelay(30, TimeUnit.SECONDS).build())) {
      LlmTracing tracing = tracing(receiver.endpoint(), Duration.ofMillis(300), 64);
      LlmClient client = generate(tracing, 500);
      assertThat(client.getTraces()).hasSize(500);
      tracing.close();
      ExportStats s = tracing.exportStats();
      assertThat(s.exported()).isZero();
      // The queue is bounded: most spans were dropped at once rather than held. At most the queue
      // (64), the batch being assembled (64) and four unanswered batches (4 x 64) hold spans.
      assertThat(s.dropped()).isGreaterThanOrEqualTo(500 - 64 * 6);
      assertThat(s.failed() + s.dropped()).isEqualTo(500);
    }
  }

  @Test
  void collectorRefuses_500_429_413() throws Exception {
    for (int code : new int[] {500, 429, 413}) {
      try (OtlpReceiver receiver =
          new OtlpReceiver(n -> new MockResponse.Builder().code(code).build())) {
        LlmTracing tracing = tracing(receiver.endpoint(), Duration.ofSeconds(2), 2048);
        LlmClient client = generate(tracing, 100);
        assertThat(client.getTraces()).as("code " + code).hasSize(100);
        tracing.close();
        ExportStats s = tracing.exportStats();
        assertThat(s.exported()).as("code " + code).isZero();
        assertThat(s.failed() + s.dropped()).as("code " + code).isEqualTo(100);
        assertThat(receiver.traceRequests).as("code " + code).isNotEmpty();
      }
    }
  }

  @Test
  void burst_50000Generations_4Threads_halfTheRequestsFail_accountedExactly() throws Exception {
    // Every other request gets 503 (retried by the exporter) or 500 (not retried).
    try (OtlpReceiver receiver =
        new OtlpReceiver(
            n ->
                n % 2 == 0
                    ? OtlpReceiver.ok()
                    : new MockResponse.Builder().code(n % 4 == 1 ? 503 : 500).build())) {
      LlmTracing tracing = tracing(receiver.endpoint(), Duration.ofSeconds(5), 4096);
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
      int threads = 4;
      int perThread = 12_500;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    client.generate("burst");
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      tracing.close();
      ExportStats s = tracing.exportStats();
      assertThat(s.queued()).isZero();
      assertThat(s.exported() + s.failed() + s.dropped()).isEqualTo(50_000);
      assertThat((long) receiver.acceptedSpans.get()).isEqualTo(s.exported());
      assertThat(s.failed()).isPositive();
      assertThat(client.getTraces()).hasSize(50_000);
    }
  }
}
