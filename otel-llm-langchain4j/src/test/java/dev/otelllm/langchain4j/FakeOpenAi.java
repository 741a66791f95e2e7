package dev.otelllm.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * A loopback server that answers as OpenAI's Chat Completions API does, with canned bodies of the
 * real shape, and a tracing whose exported spans and metrics a test reads.
 */
final class FakeOpenAi implements AutoCloseable {
  static final String KEY = "sk-test-SECRET-0123456789";

  final MockWebServer server = new MockWebServer();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final LlmTracing tracing;
  final OtelLlmListener listener;

  FakeOpenAi() throws IOException {
    this(ContentCapture.full());
  }

  FakeOpenAi(ContentCapture capture) throws IOException {
    this(b -> b.contentCapture(capture));
  }

  /** With the tracing's builder set up further by {@code configure}. */
  FakeOpenAi(Consumer<LlmTracing.Builder> configure) throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    LlmTracing.Builder b =
        LlmTracing.builder()
            .addSpanExporter(spans)
            .exportContentCapture(ContentCapture.full())
            .addMetricReader(metrics);
    configure.accept(b);
    tracing = b.build();
    listener = OtelLlmListener.create(tracing);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/v1";
  }

  OpenAiChatModel.OpenAiChatModelBuilder chatModel() {
    return OpenAiChatModel.builder()
        .baseUrl(baseUrl())
        .apiKey(KEY)
        .modelName("gpt-4o-mini")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .listeners(List.<ChatModelListener>of(listener));
  }

  OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder streamingModel() {
    return OpenAiStreamingChatModel.builder()
        .baseUrl(baseUrl())
        .apiKey(KEY)
        .modelName("gpt-4o-mini")
        .timeout(Duration.ofSeconds(10))
        .listeners(List.<ChatModelListener>of(listener));
  }

  /** The spans exported so far, after a flush. */
  List<SpanData> finished() {
    tracing.forceFlush(Duration.ofSeconds(5));
    return spans.getFinishedSpanItems();
  }

  static String resource(String name) {
    try (InputStream in = FakeOpenAi.class.getResourceAsStream("/" + name)) {
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
