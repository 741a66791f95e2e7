package dev.otelllm.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmException;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.WorkflowScope;
import dev.otelllm.testing.DeterministicLlmProvider;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real trace backend: the Zipkin server, started on 127.0.0.1 from its Maven Central jar,
 * receives the library's spans through the OpenTelemetry Zipkin exporter and returns them from its
 * API with their gen_ai tags.
 */
class ZipkinServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static Process zipkin;
  private static int port;

  @BeforeAll
  static void startZipkin() throws Exception {
    Path jar = Path.of(System.getProperty("zipkin.server.jar", "target/zipkin/zipkin-server.jar"));
    assertThat(Files.exists(jar)).as("zipkin server jar at " + jar).isTrue();
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    zipkin =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--armeria.ports[0].port=" + port,
                "--armeria.ports[0].ip=127.0.0.1",
                "--armeria.ports[0].protocols[0]=http")
            .redirectErrorStream(true)
            .redirectOutput(new File("target/zipkin/zipkin.log"))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!zipkin.isAlive()) {
        throw new AssertionError(
            "zipkin exited with " + zipkin.exitValue() + "; see target/zipkin/zipkin.log");
      }
      try {
        if (get("/health").statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("zipkin did not start in 120 s; see target/zipkin/zipkin.log");
  }

  @AfterAll
  static void stopZipkin() throws Exception {
    if (zipkin != null) {
      zipkin.destroy();
      if (!zipkin.waitFor(10, TimeUnit.SECONDS)) {
        zipkin.destroyForcibly();
      }
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void zipkinReturnsTheInteractionsWithTheirGenAiTags() throws Exception {
    LlmTracing tracing =
        LlmTracing.builder()
            .serviceName("otel-llm-it")
            .addSpanExporter(
                ZipkinSpanExporter.builder()
                    .setEndpoint("http://127.0.0.1:" + port + "/api/v2/spans")
                    .build())
            .exportContentCapture(
                ContentCapture.truncated(LlmTracing.DEFAULT_EXPORT_MAX_BYTES).asJsonString())
            .build();
    LlmClient client =
        LlmClient.builder(
                DeterministicLlmProvider.builder("test-model")
                    .answer("def f(): pass")
                    .fail(new LlmException("deterministic", "429", "rate limited"))
                    .answer("prose")
                    .build())
            .tracing(tracing)
            .build();
    String traceId;
    try (WorkflowScope run = client.workflow("codegen");
        Session s = client.session().id("zipkin-session").build()) {
      traceId = run.traceId();
      s.generate("write code", "code_generation", 1);
      try {
        s.generate("again", "code_generation", 2);
      } catch (LlmException expected) {
        // traced as a failed interaction
      }
      s.generate("write prose", "methodology_generation", 1);
    }
    tracing.close();
    assertThat(tracing.exportStats().exported()).isEqualTo(4);

    JsonNode spans = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("/api/v2/trace/" + traceId);
      if (r.statusCode() == 200) {
        spans = JSON.readTree(r.body());
        if (spans.size() == 4) {
          break;
        }
      }
      Thread.sleep(200);
    }
    assertThat(spans).isNotNull();
    assertThat(spans.size()).isEqualTo(4);
    List<JsonNode> chats = new ArrayList<>();
    for (JsonNode span : spans) {
      if (span.path("name").asText().startsWith("chat")) {
        chats.add(span);
      }
    }
    assertThat(chats).hasSize(3);
    for (JsonNode chat : chats) {
      JsonNode tags = chat.path("tags");
      assertThat(chat.path("localEndpoint").path("serviceName").asText()).isEqualTo("otel-llm-it");
      assertThat(tags.path("gen_ai.operation.name").asText()).isEqualTo("chat");
      assertThat(tags.path("gen_ai.provider.name").asText()).isEqualTo("deterministic");
      assertThat(tags.path("gen_ai.request.model").asText()).isEqualTo("test-model");
      assertThat(tags.path("session.id").asText()).isEqualTo("zipkin-session");
      assertThat(tags.path("otel_llm.metadata.step_type").asText())
          .isIn("code_generation", "methodology_generation");
      assertThat(tags.path("gen_ai.input.messages").asText()).startsWith("[{\"role\":\"user\"");
    }
    assertThat(chats.stream().filter(c -> c.path("tags").path("error.type").asText().equals("429")))
        .hasSize(1);
    assertThat(
            chats.stream()
                .filter(c -> c.path("tags").path("gen_ai.usage.input_tokens").isTextual()))
        .hasSize(2);

    // Zipkin's search finds them by the session tag.
    HttpResponse<String> search =
        get("/api/v2/traces?serviceName=otel-llm-it&annotationQuery=session.id%3Dzipkin-session");
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(search.body()).size()).isEqualTo(1);
  }
}
