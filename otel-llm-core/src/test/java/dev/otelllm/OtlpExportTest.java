package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.internal.ScriptedProvider;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OtlpExportTest {

  private static final String API_KEY = "sk-test-0123456789abcdefSECRET";

  /** A provider configured with a key, as a real one is; the key must never reach the wire. */
  static LlmProvider keyedProvider() {
    ScriptedProvider inner = ScriptedProvider.echo("gpt-4o-mini");
    return new LlmProvider() {
      @SuppressWarnings("unused")
      private final String apiKey = API_KEY;

      @Override
      public ProviderInfo info() {
        return ProviderInfo.remote("openai", "gpt-4o-mini", "api.openai.com", 443);
      }

      @Override
      public LlmResponse generate(LlmRequest request) {
        return inner.generate(request);
      }
    };
  }

  private static Optional<AnyValue> attr(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .findFirst();
  }

  private static String hex(com.google.protobuf.ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  @Test
  void httpProtobuf_carriesTheGenAiSpans_resource_session_workflowTree_andNoCredentials()
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .serviceName("notebook-service")
              .exportOtlp(
                  OtlpExport.builder()
                      .endpoint(receiver.endpoint())
                      .header("X-Api-Key", "backend-token-XYZ")
                      .metrics(false)
                      .build())
              .exportContentCapture(ContentCapture.full().asJsonString())
              .build();
      LlmClient client = LlmClient.builder(keyedProvider()).tracing(tracing).build();
      String workflowSpanId;
      try (WorkflowScope run = client.workflow("codegen");
          Session s = client.session().id("sess-42").build()) {
        workflowSpanId = run.spanId();
        s.generate("Create a histogram", "code_generation", 1);
        s.generate("Fix it", "code_generation", 2);
      }
      tracing.close();

      assertThat(receiver.traceRequests).isNotEmpty();
      assertThat(receiver.traceRequests.get(0).getHeaders().get("X-Api-Key"))
          .isEqualTo("backend-token-XYZ");
      assertThat(receiver.traceRequests.get(0).getHeaders().get("Content-Type"))
          .isEqualTo("application/x-protobuf");
      ExportTraceServiceRequest first = receiver.accepted.get(0);
      assertThat(first.getResourceSpans(0).getResource().getAttributesList())
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("service.name");
                assertThat(kv.getValue().getStringValue()).isEqualTo("notebook-service");
              });

      List<Span> spans = receiver.allSpans();
      List<Span> chats =
          spans.stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).toList();
      assertThat(chats).hasSize(2);
      Span workflow =
          spans.stream()
              .filter(s -> s.getName().equals("invoke_workflow codegen"))
              .findFirst()
              .orElseThrow();
      assertThat(hex(workflow.getSpanId())).isEqualTo(workflowSpanId);
      Span chat = chats.get(0);
      assertThat(hex(chat.getParentSpanId())).isEqualTo(workflowSpanId);
      assertThat(chat.getTraceId()).isEqualTo(workflow.getTraceId());
      assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
      assertThat(attr(chat, "gen_ai.operation.name").orElseThrow().getStringValue())
          .isEqualTo("chat");
      assertThat(attr(chat, "gen_ai.provider.name").orElseThrow().getStringValue())
          .isEqualTo("openai");
      assertThat(attr(chat, "server.address").orElseThrow().getStringValue())
          .isEqualTo("api.openai.com");
      assertThat(attr(chat, "server.port").orElseThrow().getIntValue()).isEqualTo(443);
      assertThat(attr(chat, "session.id").orElseThrow().getStringValue()).isEqualTo("sess-42");
      assertThat(attr(chat, "gen_ai.conversation.id").orElseThrow().getStringValue())
          .isEqualTo("sess-42");
      assertThat(attr(chat, "otel_llm.metadata.step_type").orElseThrow().getStringValue())
          .isEqualTo("code_generation");
      assertThat(attr(chat, "otel_llm.metadata.attempt_number").orElseThrow().getIntValue())
          .isEqualTo(1);
      assertThat(attr(chat, "gen_ai.usage.input_tokens")).isPresent();
      assertThat(attr(chat, "gen_ai.input.messages").orElseThrow().getStringValue())
          .isEqualTo(
              "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Create a histogram\"}]}]");
      assertThat(attr(chat, "gen_ai.output.messages").orElseThrow().getStringValue())
          .contains("echo: Create a histogram");

      for (var request : receiver.traceRequests) {
        String body = new String(request.getBody().toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(body)
            .doesNotContain(API_KEY)
            .doesNotContain("backend-token-XYZ")
            .doesNotContainIgnoringCase("authorization");
      }
    }
  }

  @Test
  void structuredContent_arrivesAsKeyValueLists() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .exportOtlp(
                  OtlpExport.builder()
                      .endpoint(receiver.endpoint())
                      .metrics(false)
                      .compression("gzip")
                      .build())
              .exportContentCapture(ContentCapture.full())
              .build();
      LlmClient.builder(keyedProvider()).tracing(tracing).build().generate("hi");
      tracing.close();
      assertThat(receiver.traceRequests.get(0).getHeaders().get("Content-Encoding"))
          .isEqualTo("gzip");
      Span chat = receiver.allSpans().get(0);
      AnyValue input = attr(chat, "gen_ai.input.messages").orElseThrow();
      assertThat(input.hasArrayValue()).isTrue();
      var message = input.getArrayValue().getValues(0).getKvlistValue();
      assertThat(message.getValues(0).getKey()).isEqualTo("role");
      assertThat(message.getValues(0).getValue().getStringValue()).isEqualTo("user");
    }
  }

  @Test
  void defaultExportPolicy_sendsNoContent_whileMemoryKeepsIt() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .exportOtlp(OtlpExport.builder().endpoint(receiver.endpoint()).metrics(false).build())
              .build();
      LlmClient client = LlmClient.builder(keyedProvider()).tracing(tracing).build();
      client.generate("a private prompt");
      tracing.close();
      Span chat = receiver.allSpans().get(0);
      assertThat(attr(chat, "gen_ai.input.messages")).isEmpty();
      assertThat(attr(chat, "otel_llm.content.capture").orElseThrow().getStringValue())
          .isEqualTo("none");
      assertThat(client.getTraces().get(0).prompt()).isEqualTo("a private prompt");
    }
  }

  @Test
  void sampledExport_buffersEverything() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .sampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
              .exportOtlp(OtlpExport.builder().endpoint(receiver.endpoint()).metrics(false).build())
              .build();
      LlmClient client = LlmClient.builder(keyedProvider()).tracing(tracing).build();
      for (int i = 0; i < 10; i++) {
        client.generate("p" + i);
      }
      tracing.close();
      assertThat(receiver.traceRequests).isEmpty();
      assertThat(client.getTraces()).hasSize(10);
    }
  }

  @Test
  void metrics_goOverOtlpToo() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      LlmTracing tracing =
          LlmTracing.builder()
              .exportOtlp(OtlpExport.builder().endpoint(receiver.endpoint()).build())
              .build();
      LlmClient.builder(keyedProvider()).tracing(tracing).build().generate("x");
      tracing.close();
      boolean metricsArrived = false;
      for (int i = 0; i < receiver.server.getRequestCount(); i++) {
        var r = receiver.server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
        if (r != null && r.getUrl().encodedPath().equals("/v1/metrics")) {
          var decoded =
              io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(
                  r.getBody().toByteArray());
          metricsArrived = decoded.toString().contains("gen_ai.client.operation.duration");
        }
      }
      assertThat(metricsArrived).isTrue();
    }
  }

  @Test
  void settings_validateAtOnce() {
    assertThatThrownBy(() -> OtlpExport.builder().endpoint("localhost:4318"))
        .hasMessage("endpoint must be an http:// or https:// URL with a host, was localhost:4318");
    assertThatThrownBy(() -> OtlpExport.builder().compression("zstd"))
        .hasMessage("compression must be gzip or none, was zstd");
    assertThatThrownBy(() -> OtlpExport.builder().timeout(Duration.ZERO))
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> OtlpExport.Protocol.fromId("thrift"))
        .hasMessage("unknown OTLP protocol 'thrift': use http/protobuf or grpc");
    assertThat(OtlpExport.defaults().tracesEndpoint()).isEqualTo("http://localhost:4318/v1/traces");
    assertThat(OtlpExport.builder().protocol(OtlpExport.Protocol.GRPC).build().endpoint())
        .isEqualTo("http://localhost:4317");
    assertThat(OtlpExport.builder().header("Authorization", "Bearer x").build().toString())
        .doesNotContain("Bearer");
  }

  @Test
  void grpcSenderWithoutOkHttp_getsTheSameMessage_notANoClassDefFoundError() throws Exception {
    String sender = System.getProperty("grpc.sender.jar");
    String classpath =
        java.util.Arrays.stream(
                    System.getProperty(
                            "surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(java.io.File.pathSeparator))
                .filter(
                    entry ->
                        !entry.contains("okhttp")
                            && !entry.contains("okio")
                            && !entry.contains("kotlin"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator))
            + java.io.File.pathSeparator
            + sender;
    Process p =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                GrpcSenderWithoutOkHttpMain.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(out)
        .startsWith(
            "IllegalStateException: OTLP over gRPC needs a gRPC sender on the classpath: add "
                + "io.opentelemetry:opentelemetry-exporter-sender-okhttp and com.squareup.okhttp3:okhttp-jvm");
  }

  @Test
  void grpcWithoutItsSender_failsAtBuildWithWhatToAdd() {
    assertThatThrownBy(
            () ->
                LlmTracing.builder()
                    .exportOtlp(OtlpExport.builder().protocol(OtlpExport.Protocol.GRPC).build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "OTLP over gRPC needs a gRPC sender on the classpath: add io.opentelemetry:opentelemetry-exporter-sender-okhttp");
  }

  @Test
  void autoconfigured_readsTheStandardVariables_andAddsTheBuffer() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Map<String, String> props =
          Map.of(
              "otel.exporter.otlp.endpoint", receiver.endpoint(),
              "otel.exporter.otlp.protocol", "http/protobuf",
              "otel.service.name", "auto-svc",
              "otel.metrics.exporter", "none",
              "otel.logs.exporter", "none",
              "otel.traces.sampler", "always_off",
              "otel.bsp.schedule.delay", "50",
              "otel.llm.export.content", "truncated",
              "otel.llm.export.content.max.bytes", "256");
      props.forEach(System::setProperty);
      try (LlmTracing tracing = LlmTracing.autoconfigured()) {
        LlmClient client = LlmClient.builder(keyedProvider()).tracing(tracing).build();
        client.generate("x".repeat(1000));
        // Sampled out for export, still kept in memory in full.
        assertThat(client.getTraces()).hasSize(1);
        assertThat(client.getTraces().get(0).prompt()).hasSize(1000);
      } finally {
        props.keySet().forEach(System::clearProperty);
      }
      assertThat(receiver.traceRequests).isEmpty();
    }
  }

  @Test
  void autoconfigured_exportsWithTheContentPolicy() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Map<String, String> props =
          Map.of(
              "otel.exporter.otlp.endpoint", receiver.endpoint(),
              "otel.service.name", "auto-svc",
              "otel.metrics.exporter", "none",
              "otel.logs.exporter", "none",
              "otel.llm.export.content", "truncated",
              "otel.llm.export.content.max.bytes", "256");
      props.forEach(System::setProperty);
      try (LlmTracing tracing = LlmTracing.autoconfigured()) {
        LlmClient.builder(keyedProvider()).tracing(tracing).build().generate("x".repeat(1000));
        assertThat(tracing.forceFlush(Duration.ofSeconds(10))).isTrue();
        assertThat(tracing.exportStats()).isEqualTo(new ExportStats(0, 1, 0, 0));
      } finally {
        props.keySet().forEach(System::clearProperty);
      }
      Span chat = receiver.allSpans().get(0);
      String input = attr(chat, "gen_ai.input.messages").orElseThrow().getStringValue();
      assertThat(input.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256);
      assertThat(input).contains("...[truncated]");
      assertThat(receiver.accepted.get(0).getResourceSpans(0).getResource().toString())
          .contains("auto-svc");
    }
  }
}
