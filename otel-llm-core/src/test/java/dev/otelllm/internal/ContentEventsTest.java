package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentEventsTest {

  @Test
  void calls_leaveNoEventContentBehind_evenWhenTheRedactorFails() {
    SdkTracerProvider tracer = SdkTracerProvider.builder().build();
    SdkLoggerProvider logs = SdkLoggerProvider.builder().build();
    TracingLlmProvider traced =
        new TracingLlmProvider(
            ScriptedProvider.builder("m").answer("BOOM in the answer").repeatLast().build(),
            tracer.get("t"),
            new GenAiMetrics(SdkMeterProvider.builder().build().get("t")),
            ContentCapture.full()
                .withRedactor(
                    t -> {
                      if (t.contains("BOOM")) {
                        throw new IllegalStateException("redactor broke");
                      }
                      return t;
                    }),
            ContentPlacement.EVENT_ONLY,
            logs.get("t"));
    for (int i = 0; i < 5; i++) {
      // The input records; the redactor fails on the answer: recording the output fails, the
      // call does not.
      assertThat(traced.generate(LlmRequest.of("safe " + i)).content())
          .isEqualTo("BOOM in the answer");
    }
    assertThat(traced.pendingEvents()).isZero();
  }

  @Test
  void anotherInstrumentationsRecords_leaveAsItWroteThem() {
    List<LogRecordData> out = new ArrayList<>();
    LogRecordExporter sink =
        new LogRecordExporter() {
          @Override
          public CompletableResultCode export(Collection<LogRecordData> records) {
            out.addAll(records);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    InMemoryLogRecordExporter captured = InMemoryLogRecordExporter.create();
    SdkLoggerProvider logs =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(captured))
            .build();
    Attributes content =
        Attributes.of(AttributeKey.stringKey("gen_ai.input.messages"), "[{\"role\":\"user\"}]");
    logs.get("io.opentelemetry.openai-java-1.1")
        .logRecordBuilder()
        .setAllAttributes(content)
        .emit();
    logs.get(ContentPolicyLogExporter.SCOPE).logRecordBuilder().setAllAttributes(content).emit();
    new ContentPolicyLogExporter(sink, ContentCapture.none())
        .export(captured.getFinishedLogRecordItems());
    assertThat(out.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
        .isNotNull();
    assertThat(out.get(1).getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
        .isNull();
    assertThat(out.get(0).getInstrumentationScopeInfo())
        .isEqualTo(InstrumentationScopeInfo.create("io.opentelemetry.openai-java-1.1"));
  }
}
