package dev.otelllm.providers;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmTracing;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Canned bodies, a loopback server, and a tracing whose spans a test can read. */
final class Fixtures implements AutoCloseable {
  static final String KEY = "sk-test-SECRET-0123456789";

  final MockWebServer server = new MockWebServer();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final LlmTracing tracing =
      LlmTracing.builder()
          .addSpanExporter(spans)
          .exportContentCapture(ContentCapture.full())
          .build();
  final List<Long> sleeps = new CopyOnWriteArrayList<>();

  Fixtures() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  String base(String path) {
    return "http://127.0.0.1:" + server.getPort() + path;
  }

  ProviderOptions.Builder options(String path) {
    return ProviderOptions.builder()
        .baseUrl(base(path))
        .apiKey(KEY)
        .timeout(Duration.ofSeconds(5))
        .sleeper(sleeps::add)
        .jitter(() -> 1.0);
  }

  LlmClient client(LlmProvider provider) {
    return LlmClient.builder(provider).tracing(tracing).build();
  }

  List<SpanData> finished() {
    tracing.forceFlush(Duration.ofSeconds(5));
    return spans.getFinishedSpanItems();
  }

  static String resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MockResponse json(int code, String resource) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(resource(resource))
        .build();
  }

  static MockResponse sse(String resource) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "text/event-stream")
        .body(resource(resource))
        .build();
  }

  @Override
  public void close() {
    tracing.close();
    server.close();
  }
}
