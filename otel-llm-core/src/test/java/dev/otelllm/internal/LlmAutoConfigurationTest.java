package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpReceiver;
import dev.otelllm.Session;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SPI as a host SDK meets it: what it adds, and what it leaves alone. */
class LlmAutoConfigurationTest {

  private static OpenTelemetrySdk hostSdk(Map<String, String> properties) {
    Map<String, String> all =
        new HashMap<>(Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"));
    all.putAll(properties);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> all)
        .build()
        .getOpenTelemetrySdk();
  }

  private static List<String> keys(Span span) {
    return span.getAttributesList().stream().map(KeyValue::getKey).toList();
  }

  @Test
  void aHostSdk_getsSessionIdsAndTheExportPolicy() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      OpenTelemetrySdk sdk =
          hostSdk(
              Map.of(
                  "otel.exporter.otlp.endpoint",
                  receiver.endpoint(),
                  "otel.exporter.otlp.protocol",
                  "http/protobuf",
                  "otel.llm.export.content",
                  "none"));
      try (LlmTracing tracing = LlmTracing.joining(sdk, TraceBuffer.create(10)).build();
          LlmClient client =
              LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
          Session session = client.session().id("sess-host").build()) {
        session.generate("secret prompt");
      } finally {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
      }
      Span chat = receiver.allSpans().get(0);
      // The baggage processor copied the session id; the export policy removed the content.
      assertThat(keys(chat))
          .contains("session.id", "gen_ai.request.model")
          .doesNotContain("gen_ai.input.messages", "gen_ai.output.messages");
    }
  }

  @Test
  void aHostSdk_keepsItsOwnDefaults() {
    io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties[] seen =
        new io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties[1];
    AutoConfiguredOpenTelemetrySdk auto =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.traces.exporter",
                        "none",
                        "otel.metrics.exporter",
                        "none",
                        "otel.logs.exporter",
                        "none"))
            .addTracerProviderCustomizer(
                (builder, config) -> {
                  seen[0] = config;
                  return builder;
                })
            .build();
    try {
      // The protocol stays the SDK's own default: this library supplies none.
      assertThat(seen[0].getString("otel.exporter.otlp.protocol")).isNull();
    } finally {
      auto.getOpenTelemetrySdk().shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void autoconfigured_withTheSdkDisabled_keepsInteractionsInMemory_andExportsNothing() {
    System.setProperty("otel.sdk.disabled", "true");
    try (LlmTracing tracing = LlmTracing.autoconfigured();
        LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build()) {
      client.generate("x");
      assertThat(client.getTraces()).hasSize(1);
      assertThat(tracing.exportStats().total()).isZero();
    } finally {
      System.clearProperty("otel.sdk.disabled");
    }
  }

  @Test
  void autoconfigured_boundsItsBufferByTheLibrarySettings() {
    System.setProperty("otel.traces.exporter", "none");
    System.setProperty("otel.metrics.exporter", "none");
    System.setProperty("otel.logs.exporter", "none");
    System.setProperty("otel.llm.max.interactions", "2");
    System.setProperty("otel.llm.max.sessions", "4");
    System.setProperty("otel.llm.max.bytes", "1000000");
    try (LlmTracing tracing = LlmTracing.autoconfigured();
        LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build()) {
      client.generate("one");
      client.generate("two");
      client.generate("three");
      assertThat(tracing.traceBuffer().maxInteractions()).isEqualTo(2);
      assertThat(tracing.traceBuffer().maxSessions()).isEqualTo(4);
      assertThat(tracing.traceBuffer().maxBytes()).isEqualTo(1_000_000);
      assertThat(client.getTraces()).extracting(t -> t.prompt()).containsExactly("two", "three");
    } finally {
      for (String key :
          new String[] {
            "otel.traces.exporter",
            "otel.metrics.exporter",
            "otel.logs.exporter",
            "otel.llm.max.interactions",
            "otel.llm.max.sessions",
            "otel.llm.max.bytes"
          }) {
        System.clearProperty(key);
      }
    }
  }

  @Test
  void aBufferSettingOutOfRange_isRefusedByName() {
    System.setProperty("otel.llm.max.sessions", "-1");
    try {
      assertThatThrownBy(LlmTracing::autoconfigured)
          .hasMessageContaining("otel.llm.max.sessions must be >= 0, was -1");
    } finally {
      System.clearProperty("otel.llm.max.sessions");
    }
  }
}
