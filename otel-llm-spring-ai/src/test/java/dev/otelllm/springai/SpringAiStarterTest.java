package dev.otelllm.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter in a Spring Boot application context with Spring AI's own OpenAI chat model against a
 * loopback server that answers with real Chat Completions bodies.
 */
class SpringAiStarterTest {

  @StartStop final MockWebServer server = new MockWebServer();

  private ApplicationContextRunner runner() {
    return FakeOpenAi.runner(server);
  }

  private void answer(String file) {
    FakeOpenAi.answer(server, file);
  }

  private static String text(Message m) {
    StringBuilder b = new StringBuilder();
    for (Part p : m.parts()) {
      if (p instanceof Part.Text t) {
        b.append(t.content());
      }
    }
    return b.toString();
  }

  @Test
  void exposesTracingAndBufferAndRecordsACallWithContentAndAdvisorParams() {
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              assertThat(context).hasSingleBean(LlmTracing.class).hasSingleBean(TraceBuffer.class);
              TraceBuffer buffer = context.getBean(TraceBuffer.class);
              assertThat(context.getBean(LlmTracing.class).traceBuffer()).isSameAs(buffer);
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              String answer =
                  client
                      .prompt()
                      .system("You are terse.")
                      .user("Say hello.")
                      .advisors(OtelLlmAdvisor.step("sess-1", "greeting", 2))
                      .call()
                      .content();

              assertThat(answer).isEqualTo("Hello! How can I assist you today?");
              List<Interaction> kept = buffer.getTraces(TraceQuery.session("sess-1"));
              assertThat(kept).hasSize(1);
              Interaction t = kept.get(0);
              assertThat(t.operation()).isEqualTo("chat");
              assertThat(t.provider()).isEqualTo("openai");
              assertThat(t.model()).isEqualTo("gpt-4o-mini");
              assertThat(t.sessionId()).isEqualTo("sess-1");
              assertThat(t.systemPrompt()).isEqualTo("You are terse.");
              assertThat(t.messages()).hasSize(1);
              assertThat(t.messages().get(0).role()).isEqualTo("user");
              assertThat(text(t.messages().get(0))).isEqualTo("Say hello.");
              assertThat(t.metadata())
                  .containsEntry("step_type", "greeting")
                  .containsEntry("attempt_number", 2L);
              assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
              assertThat(t.response().finishReason()).isEqualTo("stop");
              assertThat(t.response().id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
              assertThat(t.response().model()).isEqualTo("gpt-4o-mini-2024-07-18");
              assertThat(t.response().usage())
                  .hasValueSatisfying(
                      u -> {
                        assertThat(u.inputTokens()).isEqualTo(19);
                        assertThat(u.outputTokens()).isEqualTo(10);
                      });
              assertThat(t.error()).isEmpty();
              assertThat(t.toString()).doesNotContain("SECRET");
              RecordedRequest sent = server.takeRequest();
              assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
            });
  }

  @Test
  void recordsAStreamWithItsTextAndTimeToFirstChunk() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/event-stream")
            .body(FakeOpenAi.resource("stream.sse"))
            .build());
    runner()
        .run(
            context -> {
              TraceBuffer buffer = context.getBean(TraceBuffer.class);
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              List<String> chunks =
                  client
                      .prompt()
                      .user("Stream a greeting.")
                      .advisors(OtelLlmAdvisor.step("sess-2", "stream", 1))
                      .advisors(a -> a.param(OtelLlmAdvisor.METADATA, Map.of("user_id", "u-7")))
                      .stream()
                      .content()
                      .collectList()
                      .block();

              String streamed = String.join("", chunks);
              assertThat(streamed).isNotEmpty();
              List<Interaction> kept = buffer.getTraces(TraceQuery.session("sess-2"));
              assertThat(kept).hasSize(1);
              Interaction t = kept.get(0);
              assertThat(t.response().content()).isEqualTo(streamed);
              assertThat(t.response().timeToFirstChunkSeconds()).isPresent();
              assertThat(t.response().id()).isEqualTo("chatcmpl-123");
              assertThat(t.metadata())
                  .containsEntry("step_type", "stream")
                  .containsEntry("user_id", "u-7");
              assertThat(text(t.messages().get(0))).isEqualTo("Stream a greeting.");
            });
  }

  /** A tool Spring AI calls between the two rounds. */
  static final class Weather {
    @Tool(description = "The current weather in a city")
    String get_current_weather(String location) {
      return "{\"temperature\":\"22C\",\"location\":\"" + location + "\"}";
    }
  }

  @Test
  void recordsEachRoundOfAToolLoopInTheSession() {
    answer("tool_calls.json");
    answer("chat_completion.json");
    runner()
        .run(
            context -> {
              TraceBuffer buffer = context.getBean(TraceBuffer.class);
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              String answer =
                  client
                      .prompt()
                      .user("Weather in Boston?")
                      .tools(new Weather())
                      .advisors(OtelLlmAdvisor.step("sess-3", "tools", 1))
                      .call()
                      .content();

              assertThat(answer).isEqualTo("Hello! How can I assist you today?");
              List<Interaction> kept = buffer.getTraces(TraceQuery.session("sess-3"));
              assertThat(kept).hasSize(2);
              Interaction first = kept.get(0);
              assertThat(first.tools()).extracting(d -> d.name()).contains("get_current_weather");
              assertThat(first.response().toolCalls())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.id()).isEqualTo("call_abc123");
                        assertThat(c.name()).isEqualTo("get_current_weather");
                        assertThat(c.arguments()).containsEntry("location", "Boston, MA");
                      });
              assertThat(first.response().finishReason()).isEqualTo("tool_call");
              Interaction second = kept.get(1);
              assertThat(second.messages()).extracting(Message::role).contains("assistant", "tool");
              assertThat(second.messages().toString()).contains("22C");
              assertThat(second.response().content())
                  .isEqualTo("Hello! How can I assist you today?");
              assertThat(second.metadata()).containsEntry("step_type", "tools");
            });
  }

  @Test
  void recordsAFailedCallWithItsStatusAndRethrows() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Content-Type", "application/json")
            .body(FakeOpenAi.resource("error_429.json"))
            .build());
    runner()
        .run(
            context -> {
              TraceBuffer buffer = context.getBean(TraceBuffer.class);
              ChatClient client = context.getBean(ChatClient.Builder.class).build();

              assertThatThrownBy(
                      () ->
                          client
                              .prompt()
                              .user("Say hello.")
                              // Spring AI's chat-memory id is the session when none is given.
                              .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "sess-4"))
                              .call()
                              .content())
                  .hasMessageContaining("Rate limit reached");

              List<Interaction> kept = buffer.getTraces(TraceQuery.session("sess-4"));
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).error())
                  .hasValueSatisfying(e -> assertThat(e.type()).isEqualTo("429"));
              assertThat(text(kept.get(0).messages().get(0))).isEqualTo("Say hello.");
            });
  }

  @Test
  void propertiesSetTheBufferAndTheContentPolicy() {
    answer("chat_completion.json");
    runner()
        .withPropertyValues(
            "otel-llm.max-interactions=7",
            "otel-llm.max-sessions=3",
            "otel-llm.content.capture=metadata",
            "otel-llm.content-placement=span-and-event")
        .run(
            context -> {
              TraceBuffer buffer = context.getBean(TraceBuffer.class);
              assertThat(buffer.maxInteractions()).isEqualTo(7);
              assertThat(buffer.maxSessions()).isEqualTo(3);
              assertThat(context.getBean(LlmTracing.class).contentPlacement())
                  .isEqualTo(ContentPlacement.SPAN_AND_EVENT);
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Secret plan.")
                  .call()
                  .content();
              Interaction t = buffer.getTraces().get(0);
              assertThat(t.toString()).doesNotContain("Secret plan.").doesNotContain("assist you");
              assertThat(t.contentCapture()).isEqualTo("metadata");
            });
  }

  @Test
  void withoutAnApplicationSdk_theExportPropertiesShapeWhatTheCollectorGets() throws Exception {
    try (dev.otelllm.OtlpReceiver collector = dev.otelllm.OtlpReceiver.alwaysOk()) {
      answer("chat_completion.json");
      runner()
          .withPropertyValues(
              "otel-llm.max-interaction-bytes=5000000",
              "otel-llm.export-content.capture=full",
              "otel-llm.service-name=trip-service",
              "spring.application.name=not-this-one",
              "otel-llm.otlp-endpoint=" + collector.endpoint(),
              "otel-llm.provider-name=acme-gateway")
          .run(
              context -> {
                LlmTracing tracing = context.getBean(LlmTracing.class);
                assertThat(context.getBean(TraceBuffer.class).maxBytes()).isEqualTo(5_000_000);
                context
                    .getBean(ChatClient.Builder.class)
                    .build()
                    .prompt()
                    .user("Plan a trip.")
                    .call()
                    .content();
                assertThat(tracing.forceFlush(java.time.Duration.ofSeconds(10))).isTrue();
                assertThat(tracing.traceBuffer().getTraces().get(0).provider())
                    .isEqualTo("acme-gateway");
              });
      io.opentelemetry.proto.trace.v1.ResourceSpans sent =
          collector.accepted.get(0).getResourceSpans(0);
      assertThat(sent.getResource().getAttributesList())
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("service.name");
                assertThat(kv.getValue().getStringValue()).isEqualTo("trip-service");
              });
      io.opentelemetry.proto.trace.v1.Span chat = collector.allSpans().get(0);
      assertThat(chat.getName()).isEqualTo("chat gpt-4o-mini");
      // Export content "full": the prompt leaves the process.
      assertThat(chat.getAttributesList())
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("gen_ai.input.messages");
                assertThat(kv.getValue().toString()).contains("Plan a trip.");
              });
    }
  }

  @Test
  void theServiceNameFallsBackToTheSpringApplicationName_andExportKeepsNoContentByDefault()
      throws Exception {
    try (dev.otelllm.OtlpReceiver collector = dev.otelllm.OtlpReceiver.alwaysOk()) {
      answer("chat_completion.json");
      runner()
          .withPropertyValues(
              "spring.application.name=notebook-app",
              "otel-llm.otlp-endpoint=" + collector.endpoint())
          .run(
              context -> {
                context
                    .getBean(ChatClient.Builder.class)
                    .build()
                    .prompt()
                    .user("Plan a trip.")
                    .call()
                    .content();
                assertThat(
                        context
                            .getBean(LlmTracing.class)
                            .forceFlush(java.time.Duration.ofSeconds(10)))
                    .isTrue();
              });
      assertThat(collector.accepted.get(0).getResourceSpans(0).getResource().getAttributesList())
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("service.name");
                assertThat(kv.getValue().getStringValue()).isEqualTo("notebook-app");
              });
      assertThat(collector.allSpans().get(0).getAttributesList())
          .noneSatisfy(kv -> assertThat(kv.getKey()).isEqualTo("gen_ai.input.messages"));
    }
  }

  @Test
  void recordDroppedGenaiFalse_leavesTheApplicationsSamplerAsItIs() {
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class))
        .withUserConfiguration(Exporter.class)
        .withPropertyValues(
            "management.tracing.sampling.probability=0.0", "otel-llm.record-dropped-genai=false")
        .run(
            context ->
                assertThat(context.getBean(io.opentelemetry.sdk.trace.samplers.Sampler.class))
                    .isNotInstanceOf(dev.otelllm.trace.RecordGenAiSampler.class));
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class))
        .withUserConfiguration(Exporter.class)
        .withPropertyValues("management.tracing.sampling.probability=0.0")
        .run(
            context ->
                assertThat(context.getBean(io.opentelemetry.sdk.trace.samplers.Sampler.class))
                    .isInstanceOf(dev.otelllm.trace.RecordGenAiSampler.class));
  }

  @Test
  void refusesAnUnknownContentCapture() {
    runner()
        .withPropertyValues("otel-llm.content.capture=everything")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "otel-llm.content.capture must be none, metadata, full or truncated,"
                            + " was \"everything\""));
  }

  @Test
  void turnedOffByProperty() {
    runner()
        .withPropertyValues("otel-llm.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LlmTracing.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class HostSdk {
    @Bean
    TraceBuffer buffer() {
      return TraceBuffer.create(50);
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(TraceBuffer buffer) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(LlmTracing.addProcessors(SdkTracerProvider.builder(), buffer).build())
          .build();
    }
  }

  @Test
  void joinsTheApplicationsOpenTelemetry() {
    answer("chat_completion.json");
    runner()
        .withUserConfiguration(HostSdk.class)
        .run(
            context -> {
              LlmTracing tracing = context.getBean(LlmTracing.class);
              assertThat(tracing.openTelemetry()).isSameAs(context.getBean(OpenTelemetry.class));
              assertThat(tracing.traceBuffer()).isSameAs(context.getBean(TraceBuffer.class));
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Say hello.")
                  .advisors(OtelLlmAdvisor.session("sess-5"))
                  .call()
                  .content();
              assertThat(tracing.traceBuffer().getTraces(TraceQuery.session("sess-5"))).hasSize(1);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Exporter {
    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
      return InMemorySpanExporter.create();
    }
  }

  @Test
  void joinsSpringBootsOpenTelemetryAndExportsWhatItsSamplerSamples() {
    answer("chat_completion.json");
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class))
        .withUserConfiguration(Exporter.class)
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .run(
            context -> {
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Say hello.")
                  .advisors(OtelLlmAdvisor.session("sess-7"))
                  .call()
                  .content();

              assertThat(context.getBean(TraceBuffer.class).getTraces(TraceQuery.session("sess-7")))
                  .hasSize(1);
              context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
              assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                  .extracting(SpanData::getName)
                  .containsExactly("chat gpt-4o-mini");
            });
  }

  @Test
  void keepsCallsThatSpringBootsSamplerDrops() {
    answer("chat_completion.json");
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class))
        .withUserConfiguration(Exporter.class)
        .withPropertyValues("management.tracing.sampling.probability=0.0")
        .run(
            context -> {
              LlmTracing tracing = context.getBean(LlmTracing.class);
              assertThat(tracing.openTelemetry()).isSameAs(context.getBean(OpenTelemetry.class));
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Say hello.")
                  .advisors(OtelLlmAdvisor.step("sess-6", "boot", 1))
                  .call()
                  .content();

              List<Interaction> kept =
                  tracing.traceBuffer().getTraces(TraceQuery.session("sess-6"));
              assertThat(kept).hasSize(1);
              assertThat(kept.get(0).response().content())
                  .isEqualTo("Hello! How can I assist you today?");
              context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
              // Boot's export stays as its sampler decides: sampled out here, so nothing leaves.
              assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                  .isEmpty();
            });
  }

  /**
   * With Spring Boot's observations and Micrometer tracing on the same SDK, Spring AI's model and
   * tool observations are the library's spans only: no second, empty {@code chat} span for the
   * buffer to keep, and the library's spans sit under Micrometer's {@code ChatClient} span.
   */
  @Test
  void oneSpanPerModelAndToolCallWithSpringBootsObservationsAndTracing() {
    answer("tool_calls.json");
    answer("chat_completion.json");
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class,
                OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class))
        .withUserConfiguration(Exporter.class)
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .run(
            context -> {
              context
                  .getBean(ChatClient.Builder.class)
                  .build()
                  .prompt()
                  .user("Weather in Boston?")
                  .tools(new Weather())
                  .advisors(OtelLlmAdvisor.session("sess-8"))
                  .call()
                  .content();

              List<Interaction> kept = context.getBean(TraceBuffer.class).getTraces();
              assertThat(kept)
                  .hasSize(2)
                  .allSatisfy(t -> assertThat(t.sessionId()).isEqualTo("sess-8"));
              assertThat(kept.get(1).response().content())
                  .isEqualTo("Hello! How can I assist you today?");
              context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
              List<SpanData> spans =
                  context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
              List<SpanData> ours =
                  spans.stream()
                      .filter(s -> s.getInstrumentationScopeInfo().getName().equals("dev.otelllm"))
                      .toList();
              assertThat(ours)
                  .extracting(SpanData::getName)
                  .containsExactlyInAnyOrder(
                      "chat gpt-4o-mini", "execute_tool get_current_weather", "chat gpt-4o-mini");
              assertThat(spans)
                  .filteredOn(
                      s ->
                          s.getName().startsWith("chat ") || s.getName().startsWith("execute_tool"))
                  .hasSize(3);
              String traceId = ours.get(0).getTraceId();
              assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
              SpanData client =
                  spans.stream()
                      .filter(s -> !s.getInstrumentationScopeInfo().getName().equals("dev.otelllm"))
                      .filter(s -> !s.getParentSpanContext().isValid())
                      .findFirst()
                      .orElseThrow();
              assertThat(ours)
                  .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isTrue());
              assertThat(client.getName()).contains("chat_client");
            });
  }

  @Test
  void withoutSpringBootsObservationsProvidesARegistryThatObservesOnlySpringAi() {
    runner()
        .run(
            context -> {
              ObservationRegistry registry = context.getBean(ObservationRegistry.class);
              assertThat(
                      Observation.createNotStarted(
                              "http.server.requests", Observation.Context::new, registry)
                          .isNoop())
                  .isTrue();
              ChatModelObservationContext chat =
                  ChatModelObservationContext.builder()
                      .prompt(new Prompt("hi"))
                      .provider("openai")
                      .build();
              assertThat(
                      Observation.createNotStarted("gen_ai.client.operation", () -> chat, registry)
                          .isNoop())
                  .isFalse();
            });
  }

  @Test
  void refusesABlankProviderName() {
    LlmTracing tracing = LlmTracing.builder().build();
    try {
      assertThatThrownBy(() -> OtelLlmObservationHandler.create(tracing, " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("providerName must not be blank");
    } finally {
      tracing.close();
    }
  }

  @Test
  void recordsWithoutMicrometerTracingOnTheClassPath() {
    answer("chat_completion.json");
    runner()
        .withClassLoader(new FilteredClassLoader("io.micrometer.tracing"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.getBean(ChatModel.class).call(new Prompt("Say hello."));
              assertThat(context.getBean(TraceBuffer.class).getTraces()).hasSize(1);
            });
  }
}
