package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.providers.LlmProviders;
import dev.otelllm.providers.ProviderOptions;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
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
 * generate() through the OpenAI provider against a loopback mockwebserver3 (1 KB prompt, 1 KB
 * answer), traced with full content versus untraced, in the same run: compare the p50s.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ProviderOverheadBenchmark {

  private MockWebServer server;
  private LlmClient traced;
  private LlmProvider untraced;
  private LlmTracing tracing;
  private LlmRequest request;

  @Setup(Level.Trial)
  public void start() throws Exception {
    String answer = Fixtures.text("def histogram(df): ", 1024).replace("\"", "'");
    String body =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + answer
            + "\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":256,\"completion_tokens\":256,\"total_tokens\":512}}";
    server = new MockWebServer();
    // Without TCP_NODELAY on the accepted sockets, each loopback call stalls ~40 ms (Nagle and
    // delayed ACK) and hides everything else.
    server.setServerSocketFactory(
        new javax.net.ServerSocketFactory() {
          @Override
          public java.net.ServerSocket createServerSocket() throws java.io.IOException {
            return new java.net.ServerSocket() {
              @Override
              public java.net.Socket accept() throws java.io.IOException {
                java.net.Socket s = super.accept();
                s.setTcpNoDelay(true);
                return s;
              }
            };
          }

          @Override
          public java.net.ServerSocket createServerSocket(int port) throws java.io.IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public java.net.ServerSocket createServerSocket(int port, int backlog)
              throws java.io.IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public java.net.ServerSocket createServerSocket(
              int port, int backlog, InetAddress address) throws java.io.IOException {
            throw new UnsupportedOperationException();
          }
        });
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    ProviderOptions options =
        ProviderOptions.builder()
            .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1")
            .apiKey("sk-bench")
            .build();
    untraced = LlmProviders.create("openai", "gpt-4o-mini", options);
    tracing = LlmTracing.builder().build();
    traced =
        LlmClient.builder(LlmProviders.create("openai", "gpt-4o-mini", options))
            .tracing(tracing)
            .build();
    request = LlmRequest.builder().prompt(Fixtures.text("Please write a function ", 1024)).build();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/v1";
  }

  @TearDown(Level.Trial)
  public void stop() {
    tracing.close();
    server.close();
  }

  @Benchmark
  public LlmResponse untraced() {
    return untraced.generate(request);
  }

  @Benchmark
  public LlmResponse tracedFullContent() {
    return traced.generate(request);
  }
}
