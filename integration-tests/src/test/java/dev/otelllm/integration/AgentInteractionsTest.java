package dev.otelllm.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Under the real OpenTelemetry Java agent with this project's extension, the agent's own
 * openai-java instrumentation traces the official client against a fake OpenAI server on 127.0.0.1
 * that answers with real Chat Completions bodies; the application then reads those interactions,
 * with their content, through {@code AgentInteractions}. Runs the application in a child JVM.
 */
class AgentInteractionsTest {

  @Test
  void openAiCallsTracedByTheAgent_areReadInTheApplication_withTheirContent() throws Exception {
    Path agent =
        Path.of(System.getProperty("javaagent.jar", "target/agent/opentelemetry-javaagent.jar"));
    Path extension =
        Path.of(
            System.getProperty("agent.extension.jar", "target/agent/otel-llm-agent-extension.jar"));
    assertThat(agent).exists();
    assertThat(extension).exists();

    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            requests.add(body);
            boolean stream = body.replace(" ", "").contains("\"stream\":true");
            byte[] answer = resource(stream ? "openai/stream.sse" : "openai/chat_completion.json");
            exchange
                .getResponseHeaders()
                .set("Content-Type", stream ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
          } finally {
            exchange.close();
          }
        });
    server.start();
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = Path.of("target", "agent", "agent-openai-app.log");
      Process app =
          new ProcessBuilder(
                  java,
                  "-javaagent:" + agent.toAbsolutePath(),
                  "-Dotel.javaagent.extensions=" + extension.toAbsolutePath(),
                  "-Dotel.instrumentation.genai.capture-message-content=true",
                  "-Dotel.service.name=agent-openai-app",
                  "-Dotel.traces.exporter=none",
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none",
                  "-Dotel.javaagent.logging=simple",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AgentOpenAiApp.class.getName(),
                  "http://127.0.0.1:" + server.getAddress().getPort())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(app.waitFor(120, TimeUnit.SECONDS))
          .as("the app ends within 120 s; see " + log)
          .isTrue();
      String output = Files.readString(log);
      assertThat(app.exitValue()).as(output).isZero();
      Map<String, String> printed = new LinkedHashMap<>();
      for (String line : output.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).matches("[a-z0-9._]+")) {
          printed.put(line.substring(0, eq), line.substring(eq + 1).trim());
        }
      }
      assertThat(requests).as(output).hasSize(2);
      // The extension published the agent's buffer before the application's main ran.
      assertThat(printed).as(output).containsEntry("before.found", "true");
      assertThat(printed.get("call.plain")).isEqualTo("Hello! How can I assist you today?");
      assertThat(printed.get("call.stream")).isEqualTo("Hello there!");
      assertThat(printed.get("kept")).as(output).isEqualTo("2");

      for (String p : List.of("plain", "stream")) {
        assertThat(printed.get(p + ".operation")).isEqualTo("chat");
        assertThat(printed.get(p + ".provider")).isEqualTo("openai");
        assertThat(printed.get(p + ".model")).isEqualTo("gpt-4o-mini");
        assertThat(printed.get(p + ".system_prompt"))
            .as(output)
            .isEqualTo("You are a terse assistant.");
        assertThat(printed.get(p + ".prompt")).isEqualTo("Say hello.");
        assertThat(printed.get(p + ".roles")).isEqualTo("user");
        assertThat(printed.get(p + ".temperature")).isEqualTo("0.2");
        assertThat(printed.get(p + ".finish_reason")).isEqualTo("stop");
        assertThat(printed.get(p + ".response_model")).isEqualTo("gpt-4o-mini-2024-07-18");
      }
      assertThat(printed.get("plain.answer")).isEqualTo("Hello! How can I assist you today?");
      assertThat(printed.get("plain.response_id"))
          .isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
      assertThat(printed.get("plain.input_tokens")).isEqualTo("19");
      assertThat(printed.get("plain.output_tokens")).isEqualTo("10");
      assertThat(printed.get("plain.session_id")).isEmpty();

      assertThat(printed.get("stream.answer")).isEqualTo("Hello there!");
      assertThat(printed.get("stream.response_id")).isEqualTo("chatcmpl-123");
      assertThat(printed.get("stream.input_tokens")).isEqualTo("9");
      assertThat(printed.get("stream.output_tokens")).isEqualTo("3");
      assertThat(printed.get("stream.session_id")).isEqualTo(AgentOpenAiApp.SESSION);

      // Queries answer as the buffer does: by session, by span id, the newest.
      assertThat(printed.get("session.span_ids")).isEqualTo(printed.get("stream.span_id"));
      assertThat(printed.get("by_span.answer")).isEqualTo("Hello! How can I assist you today?");
      assertThat(printed.get("last1.span_id")).isEqualTo(printed.get("stream.span_id"));
      assertThat(printed.get("plain.json")).contains("\"prompt\":\"Say hello.\"");
    } finally {
      server.stop(0);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = AgentInteractionsTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + name + " (core's test-jar)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
