package dev.otelllm.springai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.openai.autoconfigure.OpenAiChatAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What the module's tests share: Spring AI's real OpenAI chat model and the starter, pointed at a
 * loopback server that answers with recorded Chat Completions bodies from {@code /openai/}.
 */
final class FakeOpenAi {
  private FakeOpenAi() {}

  /**
   * Spring AI's OpenAI, tool calling and ChatClient auto-configuration, the starter, the server.
   */
  static ApplicationContextRunner runner(MockWebServer server) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                OpenAiChatAutoConfiguration.class,
                ToolCallingAutoConfiguration.class,
                ChatClientAutoConfiguration.class,
                OtelLlmAutoConfiguration.class))
        .withPropertyValues(
            "spring.ai.openai.base-url=http://127.0.0.1:" + server.getPort() + "/v1",
            "spring.ai.openai.api-key=sk-test-SECRET-0123456789",
            "spring.ai.openai.chat.model=gpt-4o-mini",
            "spring.ai.openai.max-retries=0");
  }

  static String resource(String name) {
    try (InputStream in = FakeOpenAi.class.getResourceAsStream("/openai/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next answer: a JSON body with status 200. */
  static void answer(MockWebServer server, String file) {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(resource(file))
            .build());
  }

  /** The next answer: an SSE stream with status 200. */
  static void stream(MockWebServer server, String file) {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/event-stream")
            .body(resource(file))
            .build());
  }
}
