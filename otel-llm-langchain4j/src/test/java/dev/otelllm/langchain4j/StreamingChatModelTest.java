package dev.otelllm.langchain4j;

import static dev.otelllm.langchain4j.FakeOpenAi.json;
import static dev.otelllm.langchain4j.FakeOpenAi.sse;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.otelllm.Usage;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamingChatModelTest {

  /** Collects what a stream hands its caller, and the thread that delivered the answer. */
  static final class Collector implements StreamingChatResponseHandler {
    final List<String> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    volatile Thread answeredOn;

    @Override
    public void onPartialResponse(String partialResponse) {
      chunks.add(partialResponse);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      answeredOn = Thread.currentThread();
      done.complete(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      answeredOn = Thread.currentThread();
      done.completeExceptionally(error);
    }

    ChatResponse await() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void wrappedStream_recordsTimeToFirstChunk_underTheCallersSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream.sse"));
      StreamingChatModel model = f.listener.wrap(f.streamingModel().build());
      Collector handler = new Collector();
      String workflowSpan;
      try (WorkflowScope w = f.tracing.workflow("stream")) {
        workflowSpan = w.spanId();
        model.chat("Hi", handler);
      }
      ChatResponse answer = handler.await();

      assertThat(answer.aiMessage().text()).isEqualTo("Hello there!");
      assertThat(handler.chunks).containsExactly("Hello", " there", "!");
      assertThat(handler.answeredOn)
          .as("LangChain4j answers on its own thread")
          .isNotSameAs(Thread.currentThread());
      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span)
          .hasParentSpanId(workflowSpan)
          .hasAttribute(AttributeKey.booleanKey("gen_ai.request.stream"), true)
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
          .hasAttribute(AttributeKey.stringKey("gen_ai.response.id"), "chatcmpl-123")
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 9L)
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 3L);
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isNotNull();
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("otel_llm.response.time_to_first_text")))
          .isNotNull();
      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.response().content()).isEqualTo("Hello there!");
      assertThat(t.response().usage()).contains(Usage.of(9, 3));
      assertThat(t.parameters()).containsEntry("stream", true);
      assertThat(Spans.histogram(f.metrics, "gen_ai.client.operation.time_to_first_chunk"))
          .hasSize(1);
      assertThat(
              Spans.histogram(f.metrics, "gen_ai.client.operation.time_per_output_chunk")
                  .get(0)
                  .getCount())
          .as("two gaps between three texts")
          .isEqualTo(2);
    }
  }

  @Test
  void unwrappedStream_isOneSpan_withoutChunkTimes() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream.sse"));
      StreamingChatModel model = f.streamingModel().build();
      Collector handler = new Collector();
      String workflowSpan;
      try (WorkflowScope w = f.tracing.workflow("stream")) {
        workflowSpan = w.spanId();
        model.chat("Hi", handler);
      }
      handler.await();

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span).hasParentSpanId(workflowSpan);
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isNull();
      assertThat(f.tracing.traceBuffer().getTraces().get(0).response().content())
          .isEqualTo("Hello there!");
    }
  }

  @Test
  void wrappingAModelWithoutTheListener_addsIt() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream.sse"));
      StreamingChatModel plain =
          OpenAiStreamingChatModel.builder()
              .baseUrl(f.baseUrl())
              .apiKey(FakeOpenAi.KEY)
              .modelName("gpt-4o-mini")
              .build();
      StreamingChatModel model = f.listener.wrap(plain);
      assertThat(f.listener.wrap(model)).isSameAs(model);
      assertThat(model.listeners()).containsExactly(f.listener);
      Collector handler = new Collector();
      model.chat("Hi", handler);
      handler.await();

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span).hasAttribute(AttributeKey.booleanKey("gen_ai.request.stream"), true);
    }
  }

  @Test
  void streamedToolCall_isRecordedAsToolCallWithTheProvidersFinishReason() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream_tool_calls.sse"));
      StreamingChatModel model = f.listener.wrap(f.streamingModel().build());
      Collector handler = new Collector();
      model.chat("Weather in Paris?", handler);
      handler.await();

      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.response().finishReason()).isEqualTo("tool_call");
      assertThat(t.response().toolCalls()).hasSize(1);
      assertThat(t.response().toolCalls().get(0).name()).isEqualTo("get_weather");
      assertThat(t.response().toolCalls().get(0).arguments()).containsEntry("city", "Paris");
      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span)
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("tool_calls"));
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .as("tool-call fragments are chunks")
          .isNotNull();
    }
  }

  @Test
  void failedStream_isAFailedSpan_endedOnce() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(500, "openai/error_500.json"));
      StreamingChatModel model = f.listener.wrap(f.streamingModel().build());
      Collector handler = new Collector();
      model.chat("Hi", handler);
      assertThat(handler.done).failsWithin(10, TimeUnit.SECONDS);

      SpanData span = Spans.one(f.finished(), "chat ");
      assertThat(span).hasAttribute(AttributeKey.stringKey("error.type"), "500");
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(1);
    }
  }

  @Test
  void listenerOnTheBuilderAndWrap_doNotDoubleTheSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream.sse"));
      StreamingChatModel built =
          f.streamingModel().listeners(List.<ChatModelListener>of(f.listener)).build();
      StreamingChatModel model = f.listener.wrap(built);
      assertThat(model.listeners()).containsExactly(f.listener);
      Collector handler = new Collector();
      model.chat("Hi", handler);
      handler.await();

      assertThat(Spans.named(f.finished(), "chat ")).hasSize(1);
    }
  }
}
