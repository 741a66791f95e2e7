package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ListenerSpansTest {

  private static final LlmRequest REQUEST =
      LlmRequest.builder()
          .systemPrompt("Be brief.")
          .prompt("Weather in Paris?")
          .temperature(0.3)
          .tool(new ToolDefinition("get_weather", "Weather of a city", Map.of("type", "object")))
          .metadata("step_type", "plan")
          .build();

  private static final LlmResponse ANSWER =
      LlmResponse.builder()
          .toolCall(new Part.ToolCall("c1", "get_weather", Map.of("city", "Paris")))
          .finishReason("tool_calls")
          .usage(Usage.of(12, 5))
          .model("m-2026")
          .responseId("r-1")
          .build();

  /** The interaction's map form without what differs between two runs (ids and times). */
  private static Map<String, Object> comparable(Interaction t) {
    Map<String, Object> m = new LinkedHashMap<>(t.toMap());
    m.remove("trace_id");
    m.remove("timestamp");
    @SuppressWarnings("unchecked")
    Map<String, Object> response = new LinkedHashMap<>((Map<String, Object>) m.get("response"));
    response.remove("generation_time_ms");
    m.put("response", response);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) m.get("metadata"));
    metadata.remove("otel_trace_id");
    m.put("metadata", metadata);
    return m;
  }

  @ParameterizedTest
  @EnumSource(ContentPlacement.class)
  void chatSpan_recordsTheInteractionAsTheProviderDecoratorDoes(ContentPlacement placement) {
    ScriptedProvider provider = ScriptedProvider.builder("m").answer(request -> ANSWER).build();
    try (LlmTracing decorated = LlmTracing.builder().contentPlacement(placement).build();
        LlmTracing listened = LlmTracing.builder().contentPlacement(placement).build()) {
      LlmClient.builder(provider).tracing(decorated).build().generate(REQUEST);
      Interaction viaDecorator = decorated.traceBuffer().getTraces().get(0);

      ListenerSpans spans = new ListenerSpans(listened);
      ListenerSpans.Chat chat = spans.startChat(Context.root(), provider.info(), REQUEST, false);
      assertThat(chat.succeed(ANSWER)).isTrue();
      Interaction viaListener = listened.traceBuffer().getTraces().get(0);

      assertThat(viaListener.prompt()).isEqualTo("Weather in Paris?");
      assertThat(comparable(viaListener)).isEqualTo(comparable(viaDecorator));
    }
  }

  @Test
  void chatSpan_endsOnce_whicheverCallbackComesFirst() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (LlmTracing tracing =
        LlmTracing.builder()
            .addSpanExporter(exporter)
            .exportContentCapture(ContentCapture.full())
            .build()) {
      ListenerSpans spans = new ListenerSpans(tracing);
      ListenerSpans.Chat chat =
          spans.startChat(
              Context.root(), ProviderInfo.remote("openai", "m", "host", 443), REQUEST, true);
      chat.chunk();
      chat.text("Hel");
      assertThat(chat.fail(new IllegalStateException("cut"), "timeout")).isTrue();
      assertThat(chat.succeed(ANSWER)).isFalse();
      assertThat(chat.fail(new IllegalStateException("again"), "500")).isFalse();
      assertThat(chat.isEnded()).isTrue();
      tracing.forceFlush(Duration.ofSeconds(5));

      List<SpanData> exported = exporter.getFinishedSpanItems();
      assertThat(exported).hasSize(1);
      SpanData span = exported.get(0);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
          .isEqualTo("timeout");
      assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream")))
          .isTrue();
      assertThat(
              span.getAttributes()
                  .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
          .isNotNull();
      Interaction t = tracing.traceBuffer().getTraces().get(0);
      assertThat(t.response().content()).as("the partial answer").isEqualTo("Hel");
      assertThat(t.response().finishReason()).isEqualTo("error");
    }
  }

  @ParameterizedTest
  @EnumSource(ContentPlacement.class)
  void agentSpan_parentOfItsCalls_contentOnlyOnTheSpan_notKept_endsOnce(
      ContentPlacement placement) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (LlmTracing tracing =
        LlmTracing.builder()
            .contentPlacement(placement)
            .addSpanExporter(exporter)
            .exportContentCapture(ContentCapture.full())
            .build()) {
      ListenerSpans spans = new ListenerSpans(tracing);
      Context parent =
          Context.root().with(Baggage.builder().put("gen_ai.conversation.id", "conv-1").build());
      ListenerSpans.Agent agent =
          spans.startAgent(parent, "Assistant", ProviderInfo.inProcess("openai", "m"), REQUEST);
      ListenerSpans.Chat chat =
          spans.startChat(
              agent.context(), ProviderInfo.remote("openai", "m", "host", 443), REQUEST, false);
      chat.succeed(ANSWER);
      assertThat(agent.succeed(LlmResponse.builder().content("done").build())).isTrue();
      assertThat(agent.fail(new IllegalStateException("late"), "500")).isFalse();
      assertThat(agent.fail("incomplete", "never ended")).isFalse();
      assertThat(agent.isEnded()).isTrue();
      tracing.forceFlush(Duration.ofSeconds(5));

      List<SpanData> exported = exporter.getFinishedSpanItems();
      assertThat(exported).hasSize(2);
      SpanData span =
          exported.stream().filter(s -> s.getName().startsWith("invoke_agent")).findFirst().get();
      assertThat(span.getName()).isEqualTo("invoke_agent Assistant");
      assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("invoke_agent");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.name")))
          .isEqualTo("Assistant");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
          .isEqualTo("m");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
          .isEqualTo("conv-1");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("otel_llm.metadata.step_type")))
          .isEqualTo("plan");
      boolean onSpan = placement.onSpan();
      assertThat(span.getAttributes().get(AttributeKey.valueKey("gen_ai.input.messages")) != null)
          .isEqualTo(onSpan);
      assertThat(span.getAttributes().get(AttributeKey.valueKey("gen_ai.output.messages")) != null)
          .isEqualTo(onSpan);
      List<Interaction> kept = tracing.traceBuffer().getTraces();
      assertThat(kept).as("only the model call is an interaction").hasSize(1);
      assertThat(kept.get(0).parentSpanId()).isEqualTo(span.getSpanId());
    }
  }

  @Test
  void agentSpan_failed_hasErrorTypeStatusAndException() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (LlmTracing tracing = LlmTracing.builder().addSpanExporter(exporter).build()) {
      ListenerSpans spans = new ListenerSpans(tracing);
      ListenerSpans.Agent failed =
          spans.startAgent(Context.root(), "A", ProviderInfo.inProcess("openai", ""), null);
      ListenerSpans.Agent abandoned =
          spans.startAgent(Context.root(), "B", ProviderInfo.inProcess("openai", ""), null);
      assertThat(failed.fail(new IllegalStateException("boom"), "429")).isTrue();
      assertThat(abandoned.fail("incomplete", "never ended")).isTrue();
      assertThat(abandoned.succeed(null)).isFalse();
      tracing.forceFlush(Duration.ofSeconds(5));

      List<SpanData> exported = exporter.getFinishedSpanItems();
      SpanData a =
          exported.stream().filter(s -> s.getName().equals("invoke_agent A")).findFirst().get();
      assertThat(a.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isNull();
      assertThat(a.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("429");
      assertThat(a.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(a.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
      SpanData b =
          exported.stream().filter(s -> s.getName().equals("invoke_agent B")).findFirst().get();
      assertThat(b.getAttributes().get(AttributeKey.stringKey("error.type")))
          .isEqualTo("incomplete");
      assertThat(b.getStatus().getDescription()).isEqualTo("never ended");
    }
  }

  @Test
  void toolSpan_recordsArgumentsAndResult_onlyUnderFullCapture() {
    for (ContentCapture capture : List.of(ContentCapture.full(), ContentCapture.metadataOnly())) {
      InMemorySpanExporter exporter = InMemorySpanExporter.create();
      try (LlmTracing tracing =
          LlmTracing.builder()
              .contentCapture(capture)
              .addSpanExporter(exporter)
              .exportContentCapture(ContentCapture.full())
              .build()) {
        ListenerSpans.Tool tool =
            new ListenerSpans(tracing)
                .startTool(
                    Context.root(),
                    new Part.ToolCall("c1", "get_weather", Map.of("city", "Paris")),
                    "Weather of a city");
        tool.result("sunny");
        tool.end();
        tool.end();
        tracing.forceFlush(Duration.ofSeconds(5));

        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("execute_tool get_weather");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id")))
            .isEqualTo("c1");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.description")))
            .isEqualTo("Weather of a city");
        boolean full = capture.mode() == ContentCapture.Mode.FULL;
        assertThat(
                span.getAttributes().get(AttributeKey.valueKey("gen_ai.tool.call.result")) != null)
            .isEqualTo(full);
        assertThat(
                span.getAttributes().get(AttributeKey.valueKey("gen_ai.tool.call.arguments"))
                    != null)
            .isEqualTo(full);
        assertThat(tracing.traceBuffer().getTraces()).as("not an interaction").isEmpty();
      }
    }
  }
}
