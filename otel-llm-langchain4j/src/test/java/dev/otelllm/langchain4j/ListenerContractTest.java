package dev.otelllm.langchain4j;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.otelllm.LlmTracing;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The listener on its own, called as LangChain4j calls it, in orders LangChain4j may use. */
class ListenerContractTest {

  private static final ChatRequest REQUEST =
      ChatRequest.builder().messages(UserMessage.from("Hi")).modelName("m-1").build();

  private static final ChatResponse RESPONSE =
      ChatResponse.builder()
          .aiMessage(AiMessage.from("Hello"))
          .metadata(
              ChatResponseMetadata.builder()
                  .id("r-1")
                  .modelName("m-1-2026")
                  .finishReason(FinishReason.LENGTH)
                  .tokenUsage(new TokenUsage(3, 1))
                  .build())
          .build();

  @Test
  void answerOnAnotherThread_endsTheSpanUnderTheCallersContext() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      Map<Object, Object> attributes = new ConcurrentHashMap<>();
      String workflowSpan;
      try (WorkflowScope w = f.tracing.workflow("hop")) {
        workflowSpan = w.spanId();
        f.listener.onRequest(new ChatModelRequestContext(REQUEST, ModelProvider.OTHER, attributes));
      }
      Thread other =
          new Thread(
              () ->
                  f.listener.onResponse(
                      new ChatModelResponseContext(
                          RESPONSE, REQUEST, ModelProvider.OTHER, attributes)));
      other.start();
      other.join();

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span)
          .hasName("chat m-1")
          .hasParentSpanId(workflowSpan)
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "langchain4j")
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
              java.util.List.of("length"));
      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.response().finishReason()).isEqualTo("length");
      assertThat(t.response().model()).isEqualTo("m-1-2026");
      assertThat(attributes).as("the span leaves the call's attributes").isEmpty();
    }
  }

  @Test
  void answerThenError_endsTheSpanOnce_asTheFirstSaid() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      Map<Object, Object> attributes = new ConcurrentHashMap<>();
      f.listener.onRequest(new ChatModelRequestContext(REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onResponse(
          new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onError(
          new ChatModelErrorContext(
              new IllegalStateException("late"), REQUEST, ModelProvider.OPEN_AI, attributes));

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
    }
  }

  @Test
  void errorThenAnswer_endsTheSpanOnce_failed() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      Map<Object, Object> attributes = new ConcurrentHashMap<>();
      f.listener.onRequest(new ChatModelRequestContext(REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onError(
          new ChatModelErrorContext(
              new IllegalStateException("boom"), REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onResponse(
          new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OPEN_AI, attributes));

      assertThat(Spans.one(f.finished(), "chat "))
          .hasAttribute(AttributeKey.stringKey("error.type"), IllegalStateException.class.getName())
          .hasAttribute(AttributeKey.stringKey("otel_llm.error.message"), "boom");
    }
  }

  @Test
  void answerWithoutRequest_recordsNothing_andDoesNotThrow() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      Map<Object, Object> attributes = new ConcurrentHashMap<>();
      f.listener.onResponse(
          new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onError(
          new ChatModelErrorContext(
              new IllegalStateException("x"), REQUEST, ModelProvider.OPEN_AI, attributes));

      assertThat(f.finished()).isEmpty();
    }
  }

  @Test
  void twoTracings_twoListenersOnOneModel_eachRecordsItsOwnSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi();
        LlmTracing other = LlmTracing.create()) {
      OtelLlmListener second = OtelLlmListener.create(other);
      Map<Object, Object> attributes = new ConcurrentHashMap<>();
      f.listener.onRequest(new ChatModelRequestContext(REQUEST, ModelProvider.OPEN_AI, attributes));
      second.onRequest(new ChatModelRequestContext(REQUEST, ModelProvider.OPEN_AI, attributes));
      f.listener.onResponse(
          new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OPEN_AI, attributes));
      second.onResponse(
          new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OPEN_AI, attributes));

      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
      assertThat(other.traceBuffer().getTraces()).hasSize(1);
    }
  }

  @Test
  void metadataOptions_areCheckedAtOnce() {
    assertThatThrownBy(() -> OtelLlmListener.metadata(Map.of("session_id", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("metadata key 'session_id' is reserved");
    assertThat(OtelLlmListener.metadata(Map.of("step_type", "plan")).listenerAttributes())
        .hasSize(1);
  }

  @Test
  void builder_refusesBadSettings() {
    LlmTracing tracing = LlmTracing.create();
    try {
      assertThatThrownBy(() -> OtelLlmListener.builder(tracing).server("h", 70000))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("port must be in 0..65535, was 70000");
      assertThatThrownBy(() -> OtelLlmListener.builder(tracing).providerName(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("providerName must not be blank");
      assertThatThrownBy(() -> OtelLlmListener.create(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("tracing");
    } finally {
      tracing.close();
    }
  }

  @Test
  void providerNames_followTheConventions() {
    assertThat(OtelLlmListener.providerName(ModelProvider.OPEN_AI)).isEqualTo("openai");
    assertThat(OtelLlmListener.providerName(ModelProvider.ANTHROPIC)).isEqualTo("anthropic");
    assertThat(OtelLlmListener.providerName(ModelProvider.AMAZON_BEDROCK)).isEqualTo("aws.bedrock");
    assertThat(OtelLlmListener.providerName(ModelProvider.GOOGLE_AI_GEMINI))
        .isEqualTo("gcp.gemini");
    assertThat(OtelLlmListener.providerName(ModelProvider.MISTRAL_AI)).isEqualTo("mistral_ai");
    assertThat(OtelLlmListener.providerName(ModelProvider.OLLAMA)).isEqualTo("ollama");
    assertThat(OtelLlmListener.providerName(ModelProvider.GITHUB_MODELS))
        .isEqualTo("github_models");
    assertThat(OtelLlmListener.providerName(null)).isEqualTo("langchain4j");
  }

  @Test
  void memoryIds_becomeSessionIds_unlessDefaultOrTooLong() {
    assertThat(AiServiceTracker.sessionId("user-1")).isEqualTo("user-1");
    assertThat(AiServiceTracker.sessionId(42)).isEqualTo("42");
    assertThat(AiServiceTracker.sessionId("default")).isNull();
    assertThat(AiServiceTracker.sessionId(null)).isNull();
    assertThat(AiServiceTracker.sessionId("x".repeat(257))).isNull();
  }
}
