package dev.otelllm.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.providers.LlmProviders;
import dev.otelllm.providers.ProviderOptions;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long after the server flushed the first SSE chunk the caller's callback has it, traced and
 * untraced: the tracing must add no buffering. A loopback JDK HttpServer (no Nagle delay) writes
 * one chunk, notes the time after the flush, waits 20 ms, then finishes the stream. 2,000 streams
 * each way, bounded, loopback only. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.otelllm.benchmarks.StreamFirstChunkLatency}.
 */
public final class StreamFirstChunkLatency {
  private StreamFirstChunkLatency() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    AtomicLong flushedAt = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(
                ("data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},"
                        + "\"finish_reason\":null}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            flushedAt.set(System.nanoTime());
            Thread.sleep(20);
            out.write(
                ("data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
    ProviderOptions options =
        ProviderOptions.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
            .apiKey("sk-bench")
            .build();
    LlmProvider untraced = LlmProviders.create("openai", "m", options);
    LlmTracing tracing = LlmTracing.builder().build();
    LlmClient traced =
        LlmClient.builder(LlmProviders.create("openai", "m", options)).tracing(tracing).build();
    LlmRequest request = LlmRequest.of("Hi");
    int n = 2000;
    for (int round = 0; round < 2; round++) {
      long[] plain = new long[n];
      long[] withTracing = new long[n];
      for (int i = 0; i < n; i++) {
        long[] got = new long[1];
        untraced.stream(request, c -> got[0] = System.nanoTime());
        plain[i] = got[0] - flushedAt.get();
        traced.stream(request, c -> got[0] = System.nanoTime());
        withTracing[i] = got[0] - flushedAt.get();
      }
      if (round == 1) {
        Arrays.sort(plain);
        Arrays.sort(withTracing);
        System.out.printf(
            "first chunk after the server's flush, %d streams each: untraced p50 %.1f us p99 %.1f us; "
                + "traced p50 %.1f us p99 %.1f us%n",
            n,
            plain[n / 2] / 1e3,
            plain[n * 99 / 100] / 1e3,
            withTracing[n / 2] / 1e3,
            withTracing[n * 99 / 100] / 1e3);
      }
    }
    tracing.close();
    server.stop(0);
    System.exit(0);
  }
}
