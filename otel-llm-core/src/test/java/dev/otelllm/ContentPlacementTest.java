package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.internal.ScriptedProvider;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content on the span, on the details event, on both or nowhere, checked on the wire. */
class ContentPlacementTest {

  private record Wire(Span chat, List<LogRecord> events, LlmClient client) {}

  private static Wire run(
      OtlpReceiver receiver,
      ContentCapture capture,
      ContentPlacement placement,
      ContentCapture exportPolicy) {
    LlmTracing tracing =
        LlmTracing.builder()
            .contentCapture(capture)
            .contentPlacement(placement)
            .exportContentCapture(exportPolicy)
            .exportOtlp(
                OtlpExport.builder()
                    .endpoint(receiver.endpoint())
                    .metrics(false)
                    .scheduleDelay(Duration.ofMillis(20))
                    .build())
            .build();
    LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
    client.generate(
        LlmRequest.builder().systemPrompt("be brief").prompt("the secret prompt").build());
    tracing.close();
    List<LogRecord> events =
        receiver.allLogRecords().stream()
            .filter(r -> r.getEventName().equals("gen_ai.client.inference.operation.details"))
            .toList();
    return new Wire(receiver.allSpans().get(0), events, client);
  }

  private static List<String> keys(List<KeyValue> attributes) {
    return attributes.stream().map(KeyValue::getKey).toList();
  }

  @Test
  void spanOnly_isTheDefault_andSendsNoEvent() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Wire w =
          run(receiver, ContentCapture.full(), ContentPlacement.SPAN_ONLY, ContentCapture.full());
      assertThat(keys(w.chat().getAttributesList()))
          .contains("gen_ai.input.messages", "gen_ai.output.messages");
      assertThat(w.events()).isEmpty();
      assertThat(receiver.logs).as("no log exporter without events").isEmpty();
    }
  }

  @Test
  void eventOnly_putsTheContentOnTheDetailsEvent_inTheSpansContext() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Wire w =
          run(receiver, ContentCapture.full(), ContentPlacement.EVENT_ONLY, ContentCapture.full());
      assertThat(keys(w.chat().getAttributesList()))
          .doesNotContain(
              "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions");
      assertThat(w.events()).hasSize(1);
      LogRecord event = w.events().get(0);
      assertThat(event.getSpanId()).isEqualTo(w.chat().getSpanId());
      assertThat(event.getTraceId()).isEqualTo(w.chat().getTraceId());
      assertThat(keys(event.getAttributesList()))
          .contains(
              "gen_ai.input.messages",
              "gen_ai.output.messages",
              "gen_ai.system_instructions",
              "gen_ai.operation.name",
              "gen_ai.provider.name",
              "gen_ai.request.model");
      assertThat(event.toString()).contains("the secret prompt");
      // The buffer reads the content from the event.
      assertThat(w.client().getTraces().get(0).prompt()).isEqualTo("the secret prompt");
      assertThat(w.client().getTraces().get(0).systemPrompt()).isEqualTo("be brief");
    }
  }

  @Test
  void spanAndEvent_putsItOnBoth() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Wire w =
          run(
              receiver,
              ContentCapture.full(),
              ContentPlacement.SPAN_AND_EVENT,
              ContentCapture.full());
      assertThat(keys(w.chat().getAttributesList())).contains("gen_ai.input.messages");
      assertThat(w.events()).hasSize(1);
      assertThat(keys(w.events().get(0).getAttributesList())).contains("gen_ai.input.messages");
    }
  }

  @Test
  void noContent_putsItNowhere() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Wire w =
          run(
              receiver,
              ContentCapture.none(),
              ContentPlacement.SPAN_AND_EVENT,
              ContentCapture.full());
      assertThat(keys(w.chat().getAttributesList())).doesNotContain("gen_ai.input.messages");
      assertThat(w.events()).isEmpty();
      assertThat(w.client().getTraces().get(0).prompt()).isEmpty();
    }
  }

  @Test
  void theExportPolicy_governsTheEventsToo() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Wire w =
          run(receiver, ContentCapture.full(), ContentPlacement.EVENT_ONLY, ContentCapture.none());
      assertThat(w.events()).hasSize(1);
      assertThat(keys(w.events().get(0).getAttributesList()))
          .doesNotContain("gen_ai.input.messages")
          .contains("gen_ai.request.model");
      assertThat(w.events().get(0).toString()).doesNotContain("the secret prompt");
      // In memory the content is whole.
      assertThat(w.client().getTraces().get(0).prompt()).isEqualTo("the secret prompt");
    }
  }

  @Test
  void theStandardSetting_isRead() {
    assertThat(ContentPlacement.fromSetting("event_only")).isEqualTo(ContentPlacement.EVENT_ONLY);
    assertThat(ContentPlacement.fromSetting(" SPAN_ONLY ")).isEqualTo(ContentPlacement.SPAN_ONLY);
    assertThat(ContentPlacement.fromSetting("true")).isEqualTo(ContentPlacement.SPAN_AND_EVENT);
    assertThatThrownBy(() -> ContentPlacement.fromSetting("sometimes"))
        .hasMessage(
            "capture-message-content must be NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true or"
                + " false, was 'sometimes'");
  }

  @Test
  void autoconfigured_readsTheStandardProperty() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Map<String, String> props =
          Map.of(
              "otel.exporter.otlp.endpoint",
              receiver.endpoint(),
              "otel.metrics.exporter",
              "none",
              "otel.llm.export.content",
              "full",
              "otel.instrumentation.genai.capture-message-content",
              "EVENT_ONLY",
              "otel.blrp.schedule.delay",
              "20",
              "otel.bsp.schedule.delay",
              "20");
      props.forEach(System::setProperty);
      try (LlmTracing tracing = LlmTracing.autoconfigured()) {
        LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
        client.generate("the secret prompt");
        assertThat(client.getTraces().get(0).prompt()).isEqualTo("the secret prompt");
      } finally {
        props.keySet().forEach(System::clearProperty);
      }
      assertThat(keys(receiver.allSpans().get(0).getAttributesList()))
          .doesNotContain("gen_ai.input.messages");
      assertThat(receiver.allLogRecords())
          .anySatisfy(
              r -> {
                assertThat(r.getEventName()).isEqualTo("gen_ai.client.inference.operation.details");
                assertThat(r.toString()).contains("the secret prompt");
              });
    }
  }

  @Test
  void eventsOfSpansTheSamplerDropped_stayInMemory_andDoNotLeave() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .contentPlacement(ContentPlacement.EVENT_ONLY)
              .exportContentCapture(ContentCapture.full())
              .sampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
              .exportOtlp(OtlpExport.builder().endpoint(receiver.endpoint()).metrics(false).build())
              .build();
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
      client.generate("the secret prompt");
      tracing.close();
      assertThat(receiver.allSpans()).isEmpty();
      assertThat(receiver.allLogRecords()).isEmpty();
      assertThat(client.getTraces().get(0).prompt()).isEqualTo("the secret prompt");
    }
  }

  @Test
  void forceFlush_sendsTheEventsToo() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .contentPlacement(ContentPlacement.EVENT_ONLY)
              .exportContentCapture(ContentCapture.full())
              .exportOtlp(
                  OtlpExport.builder()
                      .endpoint(receiver.endpoint())
                      .metrics(false)
                      .scheduleDelay(Duration.ofSeconds(30))
                      .build())
              .build();
      try {
        LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build().generate("x");
        assertThat(tracing.forceFlush(Duration.ofSeconds(10))).isTrue();
        assertThat(receiver.allSpans()).hasSize(1);
        assertThat(receiver.allLogRecords()).hasSize(1);
      } finally {
        tracing.close();
      }
    }
  }
}
