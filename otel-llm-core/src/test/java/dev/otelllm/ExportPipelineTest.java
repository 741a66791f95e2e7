package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.internal.ScriptedProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The export side: the SDK's batch processor behind the export content policy and a budget of spans
 * and bytes. Timeouts here are hang guards, not latency claims.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExportPipelineTest {

  /** An exporter that answers each batch as the script says, and keeps what it was given. */
  static final class ScriptedExporter implements SpanExporter {
    final List<SpanData> received = new CopyOnWriteArrayList<>();
    final List<CompletableResultCode> pending = new CopyOnWriteArrayList<>();
    private final Function<Collection<SpanData>, CompletableResultCode> script;

    ScriptedExporter(Function<Collection<SpanData>, CompletableResultCode> script) {
      this.script = script;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      received.addAll(spans);
      CompletableResultCode r = script.apply(spans);
      pending.add(r);
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static LlmTracing tracing(
      SpanExporter exporter,
      ContentCapture exportPolicy,
      OtlpExport settings,
      Duration closeTimeout) {
    return LlmTracing.builder()
        .maxInteractions(10)
        .addSpanExporter(exporter)
        .exportContentCapture(exportPolicy)
        .queueSettings(settings)
        .closeTimeout(closeTimeout)
        .build();
  }

  @Test
  void contentThePolicyWillNotSend_isNotHeldWhileSpansWait() {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    try (LlmTracing t =
        tracing(ok, ContentCapture.none(), OtlpExport.defaults(), Duration.ofSeconds(10))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      client.generate("secret ".repeat(1000));
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isTrue();
      SpanData sent = ok.received.get(0);
      assertThat(sent.getAttributes().asMap().keySet().toString())
          .doesNotContain("gen_ai.input.messages");
      // The queued copy is the exporter's span: it holds no reference to the recorded span.
      assertThat(sent.getClass().getSimpleName()).isEqualTo("ExportedSpan");
      // Removed by the policy is not "dropped": the count says what the recorder dropped.
      assertThat(sent.getTotalAttributeCount()).isEqualTo(sent.getAttributes().size());
      assertThat(t.exportStats()).isEqualTo(new ExportStats(0, 1, 0, 0));
      // In memory the content is whole.
      assertThat(client.getTraces().get(0).prompt()).hasSize(7000);
    }
  }

  @Test
  void withoutContent_theDefaultPolicyLabelsOnlyGenAiSpans_andKeepsEveryOtherAttribute() {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    try (LlmTracing t =
        tracing(ok, ContentCapture.none(), OtlpExport.defaults(), Duration.ofSeconds(10))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      try (WorkflowScope run = client.workflow("notebook")) {
        client.generate(LlmRequest.builder().prompt("hi").metadata("step_type", "s").build());
      }
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isTrue();
      SpanData chat =
          ok.received.stream()
              .filter(x -> x.getName().startsWith("chat"))
              .findFirst()
              .orElseThrow();
      SpanData workflow =
          ok.received.stream()
              .filter(x -> x.getName().startsWith("invoke_workflow"))
              .findFirst()
              .orElseThrow();
      assertThat(
              chat.getAttributes()
                  .get(
                      io.opentelemetry.api.common.AttributeKey.stringKey(
                          "otel_llm.content.capture")))
          .isEqualTo("none");
      assertThat(
              chat.getAttributes()
                  .get(
                      io.opentelemetry.api.common.AttributeKey.stringKey(
                          "otel_llm.metadata.step_type")))
          .isEqualTo("s");
      assertThat(
              chat.getAttributes()
                  .get(io.opentelemetry.api.common.AttributeKey.stringKey("gen_ai.request.model")))
          .isEqualTo("m");
      assertThat(chat.getAttributes().asMap().keySet().toString())
          .doesNotContain("gen_ai.input.messages")
          .doesNotContain("gen_ai.output.messages")
          .doesNotContain("gen_ai.system_instructions");
      assertThat(
              workflow
                  .getAttributes()
                  .get(
                      io.opentelemetry.api.common.AttributeKey.stringKey(
                          "otel_llm.content.capture")))
          .isNull();
    }
  }

  @Test
  void aCollectorThatNeverAnswers_holdsAtMostTheByteBound() {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode());
    OtlpExport settings =
        OtlpExport.builder()
            .maxQueueSize(10_000)
            .maxQueueBytes(2_000_000)
            .maxBatchSize(16)
            .scheduleDelay(Duration.ofMillis(5))
            .build();
    try (LlmTracing t = tracing(silent, ContentCapture.full(), settings, Duration.ofMillis(200))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      String prompt = "p".repeat(200_000);
      for (int i = 0; i < 100; i++) {
        client.generate(prompt);
      }
      ExportStats s = t.exportStats();
      // 100 spans of about 400 KB each (prompt and echoed answer): at most about 2 MB of them wait.
      assertThat(s.queued()).isBetween(1L, 5L);
      assertThat(s.dropped()).isGreaterThanOrEqualTo(95);
      assertThat(s.total()).isEqualTo(100);
    }
  }

  @Test
  void theCountBound_dropsAndCounts() {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode());
    OtlpExport settings =
        OtlpExport.builder()
            .maxQueueSize(20)
            .maxBatchSize(5)
            .scheduleDelay(Duration.ofMillis(5))
            .build();
    try (LlmTracing t = tracing(silent, ContentCapture.none(), settings, Duration.ofMillis(200))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      for (int i = 0; i < 100; i++) {
        client.generate("x");
      }
      ExportStats s = t.exportStats();
      assertThat(s.queued()).isEqualTo(20);
      assertThat(s.dropped()).isEqualTo(80);
    }
  }

  @Test
  void close_isBounded_andItsCountsAreFinal() throws Exception {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode());
    LlmTracing t =
        tracing(silent, ContentCapture.none(), OtlpExport.defaults(), Duration.ofMillis(300));
    LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
    for (int i = 0; i < 10; i++) {
      client.generate("x");
    }
    t.close();
    ExportStats atClose = t.exportStats();
    assertThat(atClose.queued()).isZero();
    assertThat(atClose.dropped() + atClose.failed()).isEqualTo(10);
    // The exporter answers after close returned: nothing changes any more.
    silent.pending.forEach(CompletableResultCode::succeed);
    assertThat(t.exportStats()).isEqualTo(atClose);
  }

  @Test
  void forceFlush_saysWhetherTheExportSucceeded() {
    AtomicInteger calls = new AtomicInteger();
    ScriptedExporter flaky =
        new ScriptedExporter(
            spans ->
                calls.getAndIncrement() == 0
                    ? CompletableResultCode.ofFailure()
                    : CompletableResultCode.ofSuccess());
    try (LlmTracing t =
        tracing(flaky, ContentCapture.none(), OtlpExport.defaults(), Duration.ofSeconds(10))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      client.generate("first");
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isFalse();
      client.generate("second");
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isTrue();
      assertThat(t.exportStats()).isEqualTo(new ExportStats(0, 1, 1, 0));
    }
  }

  @Test
  void flushesInQuickSuccession_eachSendWhatWasQueuedBeforeThem() {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    try (LlmTracing t =
        tracing(ok, ContentCapture.none(), OtlpExport.defaults(), Duration.ofSeconds(10))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      for (int i = 1; i <= 200; i++) {
        client.generate("x" + i);
        assertThat(t.forceFlush(Duration.ofSeconds(10))).isTrue();
        assertThat(t.exportStats().exported()).as("after flush " + i).isEqualTo(i);
      }
    }
  }

  @Test
  void anExporterThrowingAnError_failsItsBatch_andTheNextOneIsSent() {
    AtomicInteger calls = new AtomicInteger();
    SpanExporter broken =
        new ScriptedExporter(
            spans -> {
              if (calls.getAndIncrement() == 0) {
                throw new NoClassDefFoundError("some/missing/Class");
              }
              return CompletableResultCode.ofSuccess();
            });
    try (LlmTracing t =
        tracing(broken, ContentCapture.none(), OtlpExport.defaults(), Duration.ofSeconds(10))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      client.generate("first");
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isFalse();
      client.generate("second");
      assertThat(t.forceFlush(Duration.ofSeconds(10))).isTrue();
      assertThat(t.exportStats()).isEqualTo(new ExportStats(0, 1, 1, 0));
    }
  }

  private static String outage(String heap, String policy) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                CollectorOutageMain.class.getName(),
                policy));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aCollectorOutage_withLargePrompts_cannotExhaustASmallHeap() throws Exception {
    // 1,000 calls of 200 KB: 2,048 queued spans holding their content would need ~800 MB.
    assertThat(outage("-Xmx128m", "none"))
        .contains("calls=1000")
        .doesNotContain("OutOfMemoryError");
    // With full content exported, the byte bound (32 MiB) holds; the exporter's marshaling needs
    // the rest.
    assertThat(outage("-Xmx256m", "full"))
        .contains("calls=1000")
        .doesNotContain("OutOfMemoryError");
  }

  @Test
  void largeMetadata_countsAgainstTheByteBound() {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode());
    OtlpExport settings = OtlpExport.builder().maxQueueBytes(100_000).build();
    try (LlmTracing t = tracing(silent, ContentCapture.none(), settings, Duration.ofMillis(200))) {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      client.generate(
          LlmRequest.builder().prompt("x").metadata("docs", List.of("d".repeat(200_000))).build());
      assertThat(t.exportStats().dropped()).isEqualTo(1);
    }
  }

  @Test
  void aBatchNeverAnswered_failsTheFlush_andFreesItsRoomLater() throws Exception {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode());
    LlmTracing t =
        LlmTracing.builder()
            .addSpanExporter(silent)
            .exporterTimeout(Duration.ofMillis(300))
            .closeTimeout(Duration.ofMillis(200))
            .build();
    try {
      LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
      client.generate("x");
      assertThat(t.forceFlush(Duration.ofSeconds(30))).isFalse();
      // Given up on after the export's worst case: counted as failed, its room free again.
      while (t.exportStats().queued() > 0) {
        Thread.sleep(20);
      }
      assertThat(t.exportStats()).isEqualTo(new ExportStats(0, 0, 1, 0));
    } finally {
      t.close();
    }
  }

  @Test
  void exporterTimeout_mustBePositive() {
    assertThatThrownBy(() -> LlmTracing.builder().exporterTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exporterTimeout must be positive, was PT0S");
  }

  @Test
  @Timeout(60)
  void anAddedExporter_keepsTheDefaultQueue_notTheOtlpExportSettings() throws Exception {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    int refusedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      refusedPort = s.getLocalPort();
    }
    LlmTracing t =
        LlmTracing.builder()
            .addSpanExporter(ok)
            .exportOtlp(
                OtlpExport.builder()
                    .endpoint("http://127.0.0.1:" + refusedPort)
                    .metrics(false)
                    .maxQueueSize(1)
                    .maxBatchSize(1)
                    .scheduleDelay(Duration.ofMinutes(1))
                    .build())
            .closeTimeout(Duration.ofSeconds(2))
            .build();
    LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(t).build();
    for (int i = 0; i < 20; i++) {
      client.generate("call " + i);
    }
    t.close();
    // A queue of one span (the OTLP setting) would have dropped most of them.
    assertThat(ok.received).hasSize(20);
  }
}
