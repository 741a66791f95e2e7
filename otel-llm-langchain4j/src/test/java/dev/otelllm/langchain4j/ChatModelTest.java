package dev.otelllm.langchain4j;

import static dev.otelllm.langchain4j.FakeOpenAi.json;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmTracing;
import dev.otelllm.Usage;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class ChatModelTest {

  private static ChatRequest greeting() {
    return ChatRequest.builder()
        .messages(SystemMessage.from("Be nice."), UserMessage.from("Hi"))
        .build();
  }

  @Test
  void generate_isOneChatSpan_childOfTheCaller_keptInTheBuffer() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      ChatModel model = f.chatModel().temperature(0.2).seed(7).maxTokens(50).build();
      ChatResponse answer;
      String workflowSpan;
      String workflowTrace;
      try (WorkflowScope w = f.tracing.workflow("greet")) {
        workflowSpan = w.spanId();
        workflowTrace = w.traceId();
        answer = model.chat(greeting());
      }

      assertThat(answer.aiMessage().text()).isEqualTo("Hello! How can I assist you today?");
      RecordedRequest sent = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeOpenAi.KEY);

      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
      assertThat(t.provider()).isEqualTo("openai");
      assertThat(t.model()).isEqualTo("gpt-4o-mini");
      assertThat(t.systemPrompt()).isEqualTo("Be nice.");
      assertThat(t.prompt()).isEqualTo("Hi");
      assertThat(t.traceId()).isEqualTo(workflowTrace);
      assertThat(t.parentSpanId()).isEqualTo(workflowSpan);
      assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
      assertThat(t.response().finishReason()).isEqualTo("stop");
      assertThat(t.response().usage()).contains(new Usage(19, 10, 4, 0, 2));
      assertThat(t.parameters())
          .containsEntry("temperature", 0.2)
          .containsEntry("max_tokens", 50L)
          .containsEntry("seed", 7L);

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span)
          .hasName("chat gpt-4o-mini")
          .hasKind(SpanKind.CLIENT)
          .hasParentSpanId(workflowSpan)
          .hasAttribute(AttributeKey.stringKey("gen_ai.operation.name"), "chat")
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "openai")
          .hasAttribute(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o-mini")
          .hasAttribute(AttributeKey.doubleKey("gen_ai.request.temperature"), 0.2)
          .hasAttribute(AttributeKey.longKey("gen_ai.request.seed"), 7L)
          .hasAttribute(
              AttributeKey.stringKey("gen_ai.response.id"),
              "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
          .hasAttribute(AttributeKey.stringKey("gen_ai.response.model"), "gpt-4o-mini-2024-07-18")
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 19L)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 10L)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens"), 4L)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens"), 2L)
          .hasAttribute(AttributeKey.stringKey("openai.response.service_tier"), "default")
          .hasAttribute(
              AttributeKey.stringKey("openai.response.system_fingerprint"), "fp_06737a9306");
      assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream")))
          .as("a call of a ChatModel does not stream")
          .isNull();
      assertThat(Spans.content(span, "gen_ai.system_instructions"))
          .isEqualTo("[{\"type\":\"text\",\"content\":\"Be nice.\"}]");
      assertThat(Spans.content(span, "gen_ai.input.messages"))
          .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi\"}]}]");
      assertThat(Spans.content(span, "gen_ai.output.messages"))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
                  + "\"Hello! How can I assist you today?\"}],\"finish_reason\":\"stop\"}]");
      assertThat(span.toString()).doesNotContain(FakeOpenAi.KEY);

      List<HistogramPointData> durations =
          Spans.histogram(f.metrics, "gen_ai.client.operation.duration");
      assertThat(durations).hasSize(1);
      assertThat(durations.get(0).getCount()).isEqualTo(1);
      assertThat(
              durations.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      assertThat(Spans.histogram(f.metrics, "gen_ai.client.token.usage"))
          .extracting(HistogramPointData::getSum)
          .containsExactlyInAnyOrder(19.0, 10.0);
    }
  }

  @Test
  void rateLimited_isAFailedSpanWithTheStatus_andTheExceptionReachesTheCaller() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(429, "openai/error_429.json"));
      ChatModel model = f.chatModel().build();

      assertThatThrownBy(() -> model.chat("Hi")).isInstanceOf(RateLimitException.class);

      Interaction t = f.tracing.traceBuffer().getTraces(TraceQuery.errorsOnly()).get(0);
      assertThat(t.error()).isPresent();
      assertThat(t.error().get().type()).isEqualTo("429");
      assertThat(t.response().finishReason()).isEqualTo("error");
      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span)
          .hasStatus(
              io.opentelemetry.sdk.trace.data.StatusData.create(
                  StatusCode.ERROR, span.getStatus().getDescription()))
          .hasAttribute(AttributeKey.stringKey("error.type"), "429")
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("error"));
      assertThat(span.getStatus().getDescription()).contains("Rate limit reached for gpt-4o-mini");
      assertThat(span.getEvents()).extracting(e -> e.getName()).contains("exception");
      assertThat(
              Spans.histogram(f.metrics, "gen_ai.client.operation.duration")
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.stringKey("error.type")))
          .isEqualTo("429");
    }
  }

  @Test
  void serverError_isAFailedSpanWithStatus500() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(500, "openai/error_500.json"));
      ChatModel model = f.chatModel().build();

      assertThatThrownBy(() -> model.chat("Hi")).isInstanceOf(InternalServerException.class);

      assertThat(Spans.one(f.finished(), "chat "))
          .hasAttribute(AttributeKey.stringKey("error.type"), "500");
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
    }
  }

  @Test
  void contentCaptureNone_keepsTheInteractionWithoutItsTexts() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi(ContentCapture.none())) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.chatModel().build().chat(greeting());

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(Spans.content(span, "gen_ai.input.messages")).isNull();
      assertThat(Spans.content(span, "gen_ai.output.messages")).isNull();
      assertThat(Spans.content(span, "gen_ai.system_instructions")).isNull();
      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.prompt()).isEmpty();
      assertThat(t.response().finishReason()).isEqualTo("stop");
      assertThat(t.response().usage()).contains(new Usage(19, 10, 4, 0, 2));
    }
  }

  @Test
  void contentOnTheDetailsEvent_isKeptInTheBuffer_andLeavesTheSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi(b -> b.contentPlacement(ContentPlacement.EVENT_ONLY))) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.chatModel().build().chat(greeting());

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(Spans.content(span, "gen_ai.input.messages")).isNull();
      assertThat(Spans.content(span, "gen_ai.output.messages")).isNull();
      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.systemPrompt()).isEqualTo("Be nice.");
      assertThat(t.prompt()).isEqualTo("Hi");
      assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
    }
  }

  @Test
  void redactor_seesEveryRecordedText() throws Exception {
    try (FakeOpenAi f =
        new FakeOpenAi(ContentCapture.full().withRedactor(s -> s.replace("Hi", "[name]")))) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.chatModel().build().chat(greeting());

      assertThat(f.tracing.traceBuffer().getTraces().get(0).prompt()).isEqualTo("[name]");
    }
  }

  @Test
  void perCallMetadata_isRecordedAndQueryable() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      f.chatModel()
          .build()
          .chat(
              greeting(),
              OtelLlmListener.metadata(Map.of("step_type", "greeting", "attempt_number", 2)));

      List<Interaction> found =
          f.tracing.traceBuffer().getTraces(TraceQuery.metadata("step_type", "greeting"));
      assertThat(found).hasSize(1);
      assertThat(found.get(0).metadata()).containsEntry("attempt_number", 2L);
      assertThat(Spans.one(f.finished(), "chat "))
          .hasAttribute(AttributeKey.stringKey("otel_llm.metadata.step_type"), "greeting");
    }
  }

  @Test
  void wrap_addsTheListenerToAModelBuiltWithoutIt_once() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      ChatModel plain =
          OpenAiChatModel.builder()
              .baseUrl(f.baseUrl())
              .apiKey(FakeOpenAi.KEY)
              .modelName("gpt-4o-mini")
              .maxRetries(0)
              .build();
      ChatModel traced = f.listener.wrap(plain);
      assertThat(f.listener.wrap(traced)).isSameAs(traced);
      ChatModel built = f.chatModel().build();
      assertThat(f.listener.wrap(built)).as("already has the listener").isSameAs(built);

      assertThat(traced.chat("Hi")).isEqualTo("Hello! How can I assist you today?");

      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
      assertThat(traced.provider()).isEqualTo(plain.provider());
    }
  }

  @Test
  void wrapByASecondListener_addsItBesideTheFirst() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi();
        LlmTracing other = LlmTracing.create()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      OtelLlmListener second = OtelLlmListener.create(other);
      ChatModel both = second.wrap(f.listener.wrap(f.chatModel().listeners(List.of()).build()));

      both.chat("Hi");

      assertThat(both.listeners()).containsExactly(f.listener, second);
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
      assertThat(other.traceBuffer().getTraces()).hasSize(1);
    }
  }

  @Test
  void sameListenerTwiceOnAModel_isStillOneSpanPerCall() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      ChatModel model =
          f.chatModel().listeners(List.<ChatModelListener>of(f.listener, f.listener)).build();

      model.chat("Hi");

      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
      assertThat(Spans.named(f.finished(), "chat ")).hasSize(1);
    }
  }

  @Test
  void builderSettings_nameTheProviderAndServer() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      OtelLlmListener vllm =
          OtelLlmListener.builder(f.tracing).providerName("vllm").server("127.0.0.1", 8000).build();
      f.chatModel().listeners(List.<ChatModelListener>of(vllm)).build().chat("Hi");

      assertThat(Spans.one(f.finished(), "chat "))
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "vllm")
          .hasAttribute(AttributeKey.stringKey("server.address"), "127.0.0.1")
          .hasAttribute(AttributeKey.longKey("server.port"), 8000L);
      assertThat(vllm.toString())
          .isEqualTo("OtelLlmListener{provider=vllm, server=127.0.0.1:8000}");
    }
  }
}
