package dev.otelllm.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.OtlpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's command line: settings, exit codes, and export through the standard variables. */
class CommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return CodeGenerationWorkflow.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void unknownProvider_getsTheLibrarysMessage_andExit2() {
    for (String name : List.of("foo", "olama")) {
      err.reset();
      assertThat(run(Map.of("OTEL_LLM_PROVIDER", name))).isEqualTo(2);
      assertThat(err())
          .startsWith(
              "error: unknown provider '" + name + "': use one of openai, anthropic, ollama");
    }
  }

  @Test
  void providerNames_inAnyLetterCase() {
    assertThat(RunSettings.parse(new String[0], Map.of("OTEL_LLM_PROVIDER", "OpenAI")).provider())
        .isEqualTo("openai");
    assertThat(RunSettings.parse(new String[] {"--provider", " Ollama "}, Map.of()).provider())
        .isEqualTo("ollama");
    assertThat(run(Map.of("OTEL_LLM_PROVIDER", "SCRIPTED"))).isZero();
    assertThat(out())
        .startsWith("otel-llm example | provider deterministic | model scripted-coder | traces: ");
  }

  @Test
  void defaultRun_isTheTinyModelInProcess() {
    RunSettings s = RunSettings.parse(new String[0], Map.of());
    assertThat(s.provider()).isEqualTo("llamacpp");
    assertThat(s.modelLabel()).isEqualTo("tiny-llama (built-in test model)");
  }

  @Test
  void providerWithoutDefaultModel_saysWhatToSet() {
    assertThat(run(Map.of("OTEL_LLM_PROVIDER", "lmstudio"))).isEqualTo(2);
    assertThat(err())
        .startsWith("error: provider lmstudio has no default model: set OTEL_LLM_MODEL or --model");
  }

  @Test
  void missingModelFile_isRefused_notReplacedByTheTinyModel(@TempDir Path dir) {
    String missing = dir.resolve("nope.gguf").toString();
    assertThat(run(Map.of("OTEL_LLM_PROVIDER", "llamacpp", "OTEL_LLM_MODEL", missing)))
        .isEqualTo(2);
    assertThat(err()).startsWith("error: model file not found: " + missing);
    err.reset();
    assertThat(run(Map.of(), "--provider", "llamacpp", "--model-path", dir.toString()))
        .isEqualTo(2);
    assertThat(err()).startsWith("error: model file is a directory: " + dir);
    err.reset();
    assertThat(run(Map.of("OTEL_LLM_PROVIDER", "ollama", "OTEL_LLM_MODEL_PATH", missing)))
        .isEqualTo(2);
    assertThat(err())
        .startsWith(
            "error: a model file (OTEL_LLM_MODEL_PATH, --model-path) is for llamacpp, not ollama");
  }

  @Test
  void modelFile_namesTheModel(@TempDir Path dir) throws Exception {
    Path gguf = Files.writeString(dir.resolve("qwen-0.5b.gguf"), "x");
    RunSettings s = RunSettings.parse(new String[] {"--model-path", gguf.toString()}, Map.of());
    assertThat(s.model()).isEqualTo("qwen-0.5b");
    assertThat(s.modelPath()).isEqualTo(gguf);
    assertThat(s.modelLabel()).isEqualTo("qwen-0.5b (" + gguf + ")");
  }

  @Test
  void badOptions_exit2_withUsage() {
    assertThat(run(Map.of(), "--modle", "x")).isEqualTo(2);
    assertThat(err()).startsWith("error: unknown option '--modle'\nusage: CodeGenerationWorkflow");
    err.reset();
    assertThat(run(Map.of(), "--provider")).isEqualTo(2);
    assertThat(err()).startsWith("error: --provider needs a value");
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out())
        .contains(
            "exit codes: 0 every step answered, 1 a provider call failed, 2 bad usage or settings");
  }

  @Test
  void failingProvider_exit1() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    assertThat(
            run(
                Map.of(
                    "OTEL_LLM_PROVIDER",
                    "ollama",
                    "OTEL_LLM_BASE_URL",
                    "http://127.0.0.1:" + closedPort),
                "--model",
                "m"))
        .isEqualTo(1);
    assertThat(err()).startsWith("error: a provider call failed: ");
  }

  @Test
  void withoutAnEndpoint_staysOffline() {
    assertThat(run(Map.of("OTEL_LLM_PROVIDER", "scripted"))).isZero();
    assertThat(out())
        .contains("| traces: in memory only (set OTEL_EXPORTER_OTLP_ENDPOINT to export)")
        .doesNotContain("exported");
  }

  @Test
  void standardVariables_exportEverySpan_andSayWhere() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
      props.put("otel.service.name", "notebook-demo");
      props.put("otel.resource.attributes", "deployment.environment=test");
      props.put("otel.exporter.otlp.headers", "x-tenant=team-a");
      props.forEach(System::setProperty);
      try {
        assertThat(run(Map.of("OTEL_LLM_PROVIDER", "scripted"))).isZero();
      } finally {
        props.keySet().forEach(System::clearProperty);
      }
      List<Span> spans = receiver.allSpans();
      // Three chat spans and the workflow span.
      assertThat(spans)
          .extracting(Span::getName)
          .contains("invoke_workflow notebook_cell")
          .hasSize(4);
      assertThat(receiver.traceRequests.get(0).getHeaders().get("x-tenant")).isEqualTo("team-a");
      List<KeyValue> resource =
          receiver.accepted.get(0).getResourceSpans(0).getResource().getAttributesList();
      assertThat(resource)
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("service.name");
                assertThat(kv.getValue().getStringValue()).isEqualTo("notebook-demo");
              });
      assertThat(resource)
          .anySatisfy(kv -> assertThat(kv.getKey()).isEqualTo("deployment.environment"));
      assertThat(out())
          .contains(
              "| traces: OTLP http/protobuf to "
                  + receiver.endpoint()
                  + "/v1/traces as service notebook-demo")
          .contains("exported 4 spans to " + receiver.endpoint() + "/v1/traces");
    }
  }

  @Test
  void unknownOption_isNotMistakenForAProvider() {
    assertThatThrownBy(() -> RunSettings.parse(new String[] {"ollama"}, Map.of()))
        .hasMessage("unknown option 'ollama'");
  }

  @Test
  void sdkDisabled_orNoOtlpTraceExporter_staysInMemory() {
    for (Map.Entry<String, String> off :
        Map.of("otel.sdk.disabled", "true", "otel.traces.exporter", "none").entrySet()) {
      out.reset();
      System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:9");
      System.setProperty(off.getKey(), off.getValue());
      try {
        assertThat(run(Map.of("OTEL_LLM_PROVIDER", "scripted"))).as(off.getKey()).isZero();
      } finally {
        System.clearProperty("otel.exporter.otlp.endpoint");
        System.clearProperty(off.getKey());
      }
      assertThat(out())
          .as(off.getKey())
          .contains("| traces: in memory only")
          .contains("3 interactions")
          .doesNotContain("exported");
    }
  }

  @Test
  void onlyTheTracesEndpoint_turnsOffMetricsAndLogsThatHaveNowhereToGo() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.alwaysOk()) {
      System.setProperty("otel.exporter.otlp.traces.endpoint", receiver.endpoint() + "/v1/traces");
      try {
        assertThat(run(Map.of("OTEL_LLM_PROVIDER", "scripted"))).isZero();
        assertThat(System.getProperty("otel.metrics.exporter")).isEqualTo("none");
        assertThat(System.getProperty("otel.logs.exporter")).isEqualTo("none");
      } finally {
        for (String p :
            List.of(
                "otel.exporter.otlp.traces.endpoint",
                "otel.metrics.exporter",
                "otel.logs.exporter")) {
          System.clearProperty(p);
        }
      }
      assertThat(receiver.allSpans()).hasSize(4);
      assertThat(out()).contains("exported 4 spans to " + receiver.endpoint() + "/v1/traces");
    }
  }

  @Test
  void aCollectorThatIsNotThere_isCountedAsFailed() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort);
    System.setProperty("otel.metrics.exporter", "none");
    System.setProperty("otel.java.exporter.otlp.retry.disabled", "true");
    try {
      assertThat(run(Map.of("OTEL_LLM_PROVIDER", "scripted"))).isZero();
    } finally {
      for (String p :
          List.of(
              "otel.exporter.otlp.endpoint",
              "otel.metrics.exporter",
              "otel.java.exporter.otlp.retry.disabled")) {
        System.clearProperty(p);
      }
    }
    assertThat(out())
        .contains(
            "exported 0 spans to http://127.0.0.1:"
                + closedPort
                + "/v1/traces; 4 failed (is a collector listening there?)");
  }

  @Test
  void causes_includeTheWrappedReason() {
    RuntimeException e =
        new RuntimeException(
            "Unexpected configuration error",
            new IllegalStateException("No GrpcSenderProvider found on classpath"));
    assertThat(CodeGenerationWorkflow.causes(e))
        .isEqualTo("Unexpected configuration error: No GrpcSenderProvider found on classpath");
  }
}
