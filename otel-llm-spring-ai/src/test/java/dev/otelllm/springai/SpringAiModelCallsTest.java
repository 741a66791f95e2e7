package dev.otelllm.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmTracing;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every model call Spring AI makes — on a bare {@code ChatModel} or through a {@code ChatClient},
 * plain or streamed, successful or failing — is one chat span of the library, parented in the
 * caller's context; tool executions are {@code execute_tool} spans beside them. Spring AI's own
 * OpenAI chat model talks to a loopback server that answers with real Chat Completions bodies; the
 * application's SDK exports to memory, so the span tree can be checked.
 */
@Timeout(60)
class SpringAiModelCallsTest {

  @StartStop final MockWebServer server = new MockWebServer();

  @Configuration(proxyBeanMethods = false)
  static class HostSdk {
    @Bean
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }

    @Bean
    TraceBuffer buffer() {
      return TraceBuffer.create(50);
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(TraceBuffer buffer, InMemorySpanExporter exporter) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              LlmTracing.addProcessors(SdkTracerProvider.builder(), buffer)
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
    }
  }

  private ApplicationContextRunner runner() {
    return FakeOpenAi.runner(server).withUserConfiguration(HostSdk.class);
  }

  private void answer(String file) {
    FakeOpenAi.answer(server, file);
  }

  private void stream(String file) {
    FakeOpenAi.stream(server, file);
  }

  private static Tracer tracer(ApplicationContext context) {
    return context.getBean(OpenTelemetrySdk.class).getTracer("test");
  }

  /**
   * Runs {@code call} under a span of the caller's own, which every recorded span must be under.
   */
  private static <T> T underCallerSpan(ApplicationContext context, Supplier<T> call) {
    Span caller = tracer(context).spanBuilder("caller").startSpan();
    try (Scope ignored = caller.makeCurrent()) {
      return call.get();
    } finally {
      caller.end();
    }
  }

  private static List<SpanData> spans(ApplicationContext context) {
    return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }

  private static String attribute(SpanData span, String key) {
    for (Map.Entry<AttributeKey<?>, Object> e : span.getAttributes().asMap().entrySet()) {
      if (e.getKey().getKey().equals(key)) {
        return String.valueOf(e.getValue());
      }
    }
    return "";
  }

  /**
   * A bare stream's span ends when Spring AI stops its observation, which it does on the model's
   * thread just after passing the last signal on; the caller may look a moment earlier.
   */
  private static List<Interaction> awaitKept(TraceBuffer buffer, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Interaction> kept = buffer.getTraces();
    while (kept.size() < count && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      kept = buffer.getTraces();
    }
    return kept;
  }

  @Test
  void keepsABareChatModelCallWithContentUnderTheCallersSpan() {
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);
              TraceBuffer buffer = context.getBean(TraceBuffer.class);

              ChatResponse response =
                  underCallerSpan(context, () -> model.call(new Prompt("Say hello.")));

              assertThat(response.getResult().getOutput().getText())
                  .isEqualTo("Hello! How can I assist you today?");
              List<Interaction> kept = buffer.getTraces();
              assertThat(kept).hasSize(1);
              Interaction t = kept.get(0);
              assertThat(t.operation()).isEqualTo("chat");
              assertThat(t.provider()).isEqualTo("openai");
              assertThat(t.model()).isEqualTo("gpt-4o-mini");
              assertThat(t.prompt()).isEqualTo("Say hello.");
              assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
              assertThat(t.response().id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
              assertThat(t.response().usage()).isPresent();
              assertThat(t.toString()).doesNotContain("SECRET");
              SpanData caller = named(spans(context), "caller");
              assertThat(t.traceId()).isEqualTo(caller.getTraceId());
              assertThat(t.parentSpanId()).isEqualTo(caller.getSpanId());
            });
  }

  @Test
  void keepsABareChatModelStreamWithItsAggregatedAnswer() {
    stream("stream.sse");
    runner()
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);
              TraceBuffer buffer = context.getBean(TraceBuffer.class);

              List<ChatResponse> chunks =
                  underCallerSpan(
                      context,
                      () -> model.stream(new Prompt("Stream a greeting.")).collectList().block());

              StringBuilder streamed = new StringBuilder();
              chunks.forEach(
                  c -> {
                    if (c.getResult() != null && c.getResult().getOutput().getText() != null) {
                      streamed.append(c.getResult().getOutput().getText());
                    }
                  });
              assertThat(streamed).isNotEmpty();
              List<Interaction> kept = awaitKept(buffer, 1);
              assertThat(kept).hasSize(1);
              Interaction t = kept.get(0);
              assertThat(t.prompt()).isEqualTo("Stream a greeting.");
              assertThat(t.response().content()).isEqualTo(streamed.toString());
              assertThat(t.response().id()).isEqualTo("chatcmpl-123");
              assertThat(t.error()).isEmpty();
              assertThat(t.parentSpanId()).isEqualTo(named(spans(context), "caller").getSpanId());
              SpanData chat = named(spans(context), "chat gpt-4o-mini");
              assertThat(attribute(chat, "gen_ai.request.stream")).isEqualTo("true");
            });
  }

  @Test
  void keepsAChatClientCallExactlyOnce() {
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              underCallerSpan(
                  context,
                  () ->
                      client
                          .prompt()
                          .user("Say hello.")
                          .advisors(OtelLlmAdvisor.step("sess-c", "greet", 3))
                          .call()
                          .content());

              List<Interaction> kept = context.getBean(TraceBuffer.class).getTraces();
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).sessionId()).isEqualTo("sess-c");
              assertThat(kept.get(0).metadata())
                  .containsEntry("step_type", "greet")
                  .containsEntry("attempt_number", 3L);
              assertThat(spans(context))
                  .extracting(SpanData::getName)
                  .containsExactlyInAnyOrder("chat gpt-4o-mini", "caller");
            });
  }

  @Test
  void keepsAChatClientCallExactlyOnceWithSpringBootsObservationRegistry() {
    answer("chat_completion.json");
    runner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(io.micrometer.observation.ObservationRegistry.class);
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Say hello.")
                  .call()
                  .content();
              context.getBean(ChatModel.class);

              assertThat(context.getBean(TraceBuffer.class).getTraces()).hasSize(1);
              assertThat(spans(context))
                  .extracting(SpanData::getName)
                  .containsExactly("chat gpt-4o-mini");
            });
  }

  /** A tool Spring AI calls between the two rounds. */
  static final class Weather {
    @Tool(description = "The current weather in a city")
    String get_current_weather(String location) {
      return "{\"temperature\":\"22C\",\"location\":\"" + location + "\"}";
    }
  }

  /** A tool that fails; Spring AI hands its message to the model as the result. */
  static final class BrokenWeather {
    @Tool(description = "The current weather in a city")
    String get_current_weather(String location) {
      throw new IllegalStateException("weather service down for " + location);
    }
  }

  @Test
  void aToolRoundTripGivesTwoChatSpansAndAnExecuteToolSpanUnderTheCaller() {
    answer("tool_calls.json");
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              String answer =
                  underCallerSpan(
                      context,
                      () ->
                          client
                              .prompt()
                              .user("Weather in Boston?")
                              .tools(new Weather())
                              .advisors(OtelLlmAdvisor.session("sess-t"))
                              .call()
                              .content());

              assertThat(answer).isEqualTo("Hello! How can I assist you today?");
              assertToolRoundTrip(context, "sess-t");
              SpanData tool = named(spans(context), "execute_tool get_current_weather");
              assertThat(attribute(tool, "gen_ai.tool.call.arguments")).contains("Boston, MA");
              assertThat(attribute(tool, "gen_ai.tool.call.result")).contains("22C");
              assertThat(attribute(tool, "error.type")).isEmpty();
            });
  }

  @Test
  void aStreamedToolRoundTripKeepsEveryRoundUnderTheCaller() {
    stream("stream_tool_calls.sse");
    stream("stream.sse");
    runner()
        .run(
            context -> {
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              List<String> chunks =
                  underCallerSpan(
                      context,
                      () ->
                          client
                              .prompt()
                              .user("Weather in Boston?")
                              .tools(new Weather())
                              .advisors(OtelLlmAdvisor.session("sess-st"))
                              .stream()
                              .content()
                              .collectList()
                              .block());

              assertThat(String.join("", chunks)).isNotEmpty();
              // The second round runs on Reactor's threads, far from the caller's context.
              assertToolRoundTrip(context, "sess-st");
              Interaction second =
                  context
                      .getBean(TraceBuffer.class)
                      .getTraces(TraceQuery.session("sess-st"))
                      .get(1);
              assertThat(second.response().content()).isEqualTo(String.join("", chunks));
              assertThat(second.response().timeToFirstChunkSeconds()).isPresent();
            });
  }

  /** Two chat spans and the tool span between them, all children of the caller, in the session. */
  private static void assertToolRoundTrip(ApplicationContext context, String session) {
    TraceBuffer buffer = context.getBean(TraceBuffer.class);
    List<Interaction> kept = buffer.getTraces(TraceQuery.session(session));
    assertThat(kept).hasSize(2);
    assertThat(kept.get(0).response().toolCalls())
        .singleElement()
        .satisfies(c -> assertThat(c.id()).isEqualTo("call_abc123"));
    assertThat(kept.get(1).messages().toString()).contains("call_abc123");
    List<SpanData> spans = spans(context);
    SpanData caller = named(spans, "caller");
    SpanData tool = named(spans, "execute_tool get_current_weather");
    assertThat(spans)
        .filteredOn(s -> s.getName().startsWith("chat "))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(caller.getSpanId()));
    assertThat(tool.getParentSpanId()).isEqualTo(caller.getSpanId());
    assertThat(tool.getTraceId()).isEqualTo(caller.getTraceId());
    assertThat(attribute(tool, "gen_ai.operation.name")).isEqualTo("execute_tool");
    assertThat(attribute(tool, "gen_ai.tool.name")).isEqualTo("get_current_weather");
    assertThat(attribute(tool, "gen_ai.tool.call.id")).isEqualTo("call_abc123");
    assertThat(attribute(tool, "session.id")).isEqualTo(session);
  }

  @Test
  void aFailingToolIsAnExecuteToolSpanWithItsErrorType() {
    answer("tool_calls.json");
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              underCallerSpan(
                  context,
                  () ->
                      context
                          .getBean(ChatClient.Builder.class)
                          .build()
                          .prompt()
                          .user("Weather in Boston?")
                          .tools(new BrokenWeather())
                          .call()
                          .content());

              SpanData tool = named(spans(context), "execute_tool get_current_weather");
              assertThat(attribute(tool, "error.type"))
                  .isEqualTo("java.lang.IllegalStateException");
              assertThat(tool.getStatus().getDescription()).contains("weather service down");
              assertThat(context.getBean(TraceBuffer.class).getTraces()).hasSize(2);
            });
  }

  @Test
  void toolContentFollowsTheContentPolicy() {
    answer("tool_calls.json");
    answer("chat_completion.json");
    runner()
        .withPropertyValues("otel-llm.content.capture=metadata")
        .run(
            context -> {
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Weather in Boston?")
                  .tools(new Weather())
                  .call()
                  .content();

              SpanData tool = named(spans(context), "execute_tool get_current_weather");
              assertThat(attribute(tool, "gen_ai.tool.call.id")).isEqualTo("call_abc123");
              assertThat(attribute(tool, "gen_ai.tool.call.arguments")).isEmpty();
              assertThat(attribute(tool, "gen_ai.tool.call.result")).isEmpty();
            });
  }

  @Test
  void keepsAFailingBareCallWithItsErrorType() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Content-Type", "application/json")
            .body(FakeOpenAi.resource("error_429.json"))
            .build());
    runner()
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);

              assertThatThrownBy(
                      () -> underCallerSpan(context, () -> model.call(new Prompt("Say hello."))))
                  .hasMessageContaining("Rate limit reached");

              List<Interaction> kept = context.getBean(TraceBuffer.class).getTraces();
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).error())
                  .hasValueSatisfying(e -> assertThat(e.type()).isEqualTo("429"));
              assertThat(kept.get(0).prompt()).isEqualTo("Say hello.");
              assertThat(kept.get(0).toString()).doesNotContain("SECRET");
            });
  }

  @Test
  void keepsAFailingBareStreamWithItsErrorType() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Content-Type", "application/json")
            .body(FakeOpenAi.resource("error_429.json"))
            .build());
    runner()
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);

              assertThatThrownBy(() -> model.stream(new Prompt("Say hello.")).blockLast())
                  .hasMessageContaining("Rate limit reached");

              List<Interaction> kept = awaitKept(context.getBean(TraceBuffer.class), 1);
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).error())
                  .hasValueSatisfying(e -> assertThat(e.type()).isEqualTo("429"));
            });
  }

  @Test
  void keepsAChatClientStreamTheCallerCancelsAsCancelled() {
    stream("stream.sse");
    runner()
        .run(
            context -> {
              String first =
                  context
                      .getBean(ChatClient.Builder.class)
                      .build()
                      .prompt()
                      .user("Stream a greeting.")
                      .stream()
                      .content()
                      .take(1)
                      .blockLast();

              assertThat(first).isNotEmpty();
              List<Interaction> kept = context.getBean(TraceBuffer.class).getTraces();
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).error())
                  .hasValueSatisfying(e -> assertThat(e.type()).isEqualTo("cancelled"));
              assertThat(kept.get(0).response().content()).startsWith(first);
            });
  }

  @Test
  void aStreamWhoseAnswerCannotBeReadFully_stillCompletesForTheCaller() {
    // A usage count no server can mean: the caller's stream is untouched, the span ends once.
    stream("stream_negative_usage.sse");
    runner()
        .run(
            context -> {
              String all =
                  String.join(
                      "",
                      context
                          .getBean(ChatClient.Builder.class)
                          .build()
                          .prompt()
                          .user("Stream a greeting.")
                          .stream()
                          .content()
                          .collectList()
                          .block());

              assertThat(all).isNotEmpty();
              List<Interaction> kept = awaitKept(context.getBean(TraceBuffer.class), 1);
              assertThat(kept.get(0).error()).isEmpty();
              assertThat(kept.get(0).response().content()).isEqualTo(all);
              // Never a negative count: what could be read is kept.
              assertThat(kept.get(0).response().usage())
                  .hasValueSatisfying(u -> assertThat(u.inputTokens()).isNotNegative());
            });
  }

  /** A model in the process that observes its calls as Spring AI's models do. */
  static final class ObservedModel implements org.springframework.ai.chat.model.ChatModel {
    final List<String> currentSpanInside = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final io.micrometer.observation.ObservationRegistry registry;

    ObservedModel(io.micrometer.observation.ObservationRegistry registry) {
      this.registry = registry;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
      Prompt request =
          new Prompt(
              prompt.getInstructions(),
              org.springframework.ai.chat.prompt.ChatOptions.builder().model("m-1").build());
      org.springframework.ai.chat.observation.ChatModelObservationContext context =
          org.springframework.ai.chat.observation.ChatModelObservationContext.builder()
              .prompt(request)
              .provider("openai")
              .build();
      ChatResponse answer =
          new ChatResponse(
              List.of(
                  new org.springframework.ai.chat.model.Generation(
                      new org.springframework.ai.chat.messages.AssistantMessage("ok"))));
      return org.springframework.ai.chat.observation.ChatModelObservationDocumentation
          .CHAT_MODEL_OPERATION
          .observation(
              null,
              new org.springframework.ai.chat.observation.DefaultChatModelObservationConvention(),
              () -> context,
              registry)
          .observe(
              () -> {
                // Where the model's HTTP client would start its span and write traceparent.
                currentSpanInside.add(Span.current().getSpanContext().getSpanId());
                context.setResponse(answer);
                return answer;
              });
    }
  }

  @Test
  void insideTheModelCall_theChatSpanIsCurrent_forTheProvidersHttpRequest() {
    runner()
        .run(
            context -> {
              ObservedModel model =
                  new ObservedModel(
                      context.getBean(io.micrometer.observation.ObservationRegistry.class));
              underCallerSpan(context, () -> model.call(new Prompt("Hi")));

              List<Interaction> kept = awaitKept(context.getBean(TraceBuffer.class), 1);
              assertThat(model.currentSpanInside).containsExactly(kept.get(0).spanId());
              // And nothing stays current after the call.
              assertThat(Span.current().getSpanContext().isValid()).isFalse();
            });
  }
}
