package dev.otelllm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.internal.AgentBufferCustomizer;
import dev.otelllm.internal.BufferBridge;
import dev.otelllm.internal.ScriptedProvider;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application-side reader of the agent's buffer, against an autoconfigured SDK that the agent
 * extension's customizer equips as it does the agent's, in one JVM (the integration profile runs
 * the real agent): the answers are those of a buffer on the same SDK, field for field.
 */
class AgentInteractionsTest {

  private OpenTelemetrySdk sdk;

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
    BufferBridge.unpublish();
  }

  /** An autoconfigured SDK with the extension's customizer and, beside it, a reference buffer. */
  private TraceBuffer hostSdk(Map<String, String> properties) {
    TraceBuffer reference = TraceBuffer.create(50);
    Map<String, String> props = new HashMap<>(properties);
    props.put("otel.traces.exporter", "none");
    props.put("otel.metrics.exporter", "none");
    props.put("otel.logs.exporter", "none");
    AutoConfiguredOpenTelemetrySdkBuilder builder =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> props)
            .addTracerProviderCustomizer((b, config) -> b.addSpanProcessor(reference))
            .addLoggerProviderCustomizer(
                (b, config) -> b.addLogRecordProcessor(reference.logRecordProcessor()));
    new AgentBufferCustomizer().customize(builder);
    sdk = builder.build().getOpenTelemetrySdk();
    return reference;
  }

  @Test
  void withoutAPublishedBuffer_findIsEmpty_andRequireSaysWhatIsMissing() {
    assertThat(AgentInteractions.find()).isEmpty();
    assertThatThrownBy(AgentInteractions::require)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no otel-llm interaction buffer in this JVM: it runs without the OpenTelemetry Java"
                + " agent (start it with -javaagent:opentelemetry-javaagent.jar"
                + " -Dotel.javaagent.extensions=otel-llm-agent-extension.jar)");
  }

  @Test
  void maxInteractionsZero_addsNoBuffer_andPublishesNothing() {
    hostSdk(Map.of("otel.llm.max.interactions", "0"));
    assertThat(AgentInteractions.find()).isEmpty();
  }

  @Test
  void answersEveryQuery_asABufferOnTheSameSdk() {
    TraceBuffer reference = hostSdk(Map.of("otel.llm.max.interactions", "50"));
    LlmTracing joined = LlmTracing.joining(sdk, TraceBuffer.create()).build();
    LlmClient llm = LlmClient.builder(ScriptedProvider.echo("gpt-4o-mini")).tracing(joined).build();
    llm.generate(
        LlmRequest.builder().systemPrompt("Be brief.").prompt("outside").temperature(0.3).build());
    try (Session s = llm.session().id("sess-a").build()) {
      s.generate("first", "plan", 1);
      s.generate("second", "code_generation", 2);
    }
    LlmClient failing =
        LlmClient.builder(
                ScriptedProvider.builder("gpt-4o-mini")
                    .fail(new IllegalStateException("boom"))
                    .build())
            .tracing(joined)
            .build();
    try (Session s = failing.session().id("sess-b").build()) {
      s.generate("will fail");
    } catch (RuntimeException expected) {
      // recorded as a failed interaction
    }

    AgentInteractions agent = AgentInteractions.require();
    List<Interaction> all = reference.getTraces();
    assertThat(all).hasSize(4);
    assertThat(agent.getTraces()).isEqualTo(all);
    assertThat(agent.getTraces().get(1).prompt()).isEqualTo("first");
    assertThat(agent.getTraces().get(0).systemPrompt()).isEqualTo("Be brief.");
    assertThat(agent.getTraces().get(0).response().content()).isNotEmpty();

    String spanId = all.get(2).spanId();
    List<TraceQuery> queries =
        List.of(
            TraceQuery.all(),
            TraceQuery.session("sess-a"),
            TraceQuery.session("sess-a").andLast(1),
            TraceQuery.session("nobody"),
            TraceQuery.spanId(spanId),
            TraceQuery.spanId("not-hex"),
            TraceQuery.traceId(all.get(1).traceId()),
            TraceQuery.metadata("step_type", "code_generation"),
            TraceQuery.metadata("attempt_number", 2),
            TraceQuery.errorsOnly(),
            TraceQuery.last(2),
            TraceQuery.last(0),
            TraceQuery.where(t -> t.prompt().startsWith("s") || t.prompt().startsWith("f")),
            TraceQuery.where(t -> !t.prompt().isEmpty()).andLast(2),
            TraceQuery.session("sess-a").andWhere(t -> t.prompt().equals("first")));
    for (TraceQuery q : queries) {
      assertThat(agent.getTraces(q)).as(q.toString()).isEqualTo(reference.getTraces(q));
    }
    assertThat(agent.getTraces(TraceQuery.errorsOnly()))
        .singleElement()
        .satisfies(t -> assertThat(t.sessionId()).isEqualTo("sess-b"));
    assertThat(agent.getInteraction(spanId))
        .isEqualTo(reference.getInteraction(spanId))
        .isPresent();
    assertThat(agent.getInteraction("0000000000000001")).isEmpty();
    assertThat(agent.getInteraction("nope")).isEmpty();
    assertThat(agent.last(3)).isEqualTo(reference.last(3));
  }

  @Test
  void contentFromLogRecords_reachesTheAgentsBuffer() {
    hostSdk(Map.of());
    Span span =
        sdk.getTracer("other-instrumentation")
            .spanBuilder("chat m")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.request.model", "m")
            .startSpan();
    sdk.getLogsBridge()
        .get("other-instrumentation")
        .logRecordBuilder()
        .setEventName("gen_ai.user.message")
        .setContext(Context.root().with(span))
        .setBody(Value.of(Map.of("content", Value.of("from a log record"))))
        .emit();
    span.end();

    assertThat(AgentInteractions.require().getTraces())
        .singleElement()
        .satisfies(t -> assertThat(t.prompt()).isEqualTo("from a log record"));
  }

  @Test
  void aSecondPublication_keepsTheFirst_andWithdrawingIt_isSeen() {
    TraceBuffer first = TraceBuffer.create(5);
    TraceBuffer second = TraceBuffer.create(5);
    assertThat(BufferBridge.publish(first)).isTrue();
    assertThat(BufferBridge.publish(second)).isFalse();
    AgentInteractions agent = AgentInteractions.require();

    BufferBridge.unpublish();

    assertThat(AgentInteractions.find()).isEmpty();
    assertThatThrownBy(agent::getTraces)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot read the agent's interaction buffer: ");
  }

  @Test
  void aQueryTheBufferCannotApply_isRefusedWithItsReason() {
    BufferBridge.publish(TraceBuffer.create(5));
    Map<String, Object> query = Map.of("model", "gpt-4o");
    assertThatThrownBy(
            () ->
                BufferBridge.find()
                    .invoke(
                        BufferBridge.NAME,
                        BufferBridge.OPERATION,
                        new Object[] {query},
                        BufferBridge.SIGNATURE))
        .hasRootCauseMessage(
            "unknown query condition 'model': the application's otel-llm is newer than the agent"
                + " extension's");
  }

  @Test
  void theBuffer_isNotInThePlatformMBeanServer() {
    BufferBridge.publish(TraceBuffer.create(5));
    assertThat(
            java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .isRegistered(BufferBridge.NAME))
        .isFalse();
    assertThat(AgentInteractions.find()).isPresent();
  }

  @Test
  void codeThatTakesTheFirstListedMBeanServer_stillGetsThePlatformOne() {
    // As Tomcat's registry and Spring's JmxUtils do.
    BufferBridge.publish(TraceBuffer.create(5));
    assertThat(javax.management.MBeanServerFactory.findMBeanServer(null).get(0))
        .isSameAs(java.lang.management.ManagementFactory.getPlatformMBeanServer());
  }

  @Test
  void withACustomMBeanServerBuilder_nothingIsPublished() {
    System.setProperty("javax.management.builder.initial", "com.example.AppServerBuilder");
    try {
      assertThat(BufferBridge.publish(TraceBuffer.create(5))).isFalse();
      assertThat(AgentInteractions.find()).isEmpty();
    } finally {
      System.clearProperty("javax.management.builder.initial");
    }
  }

  @Test
  void withALogManagerNotYetLoadable_nothingIsPublished() {
    System.setProperty("java.util.logging.manager", "org.example.LaterLogManager");
    try {
      assertThat(BufferBridge.publish(TraceBuffer.create(5))).isFalse();
      assertThat(AgentInteractions.find()).isEmpty();
    } finally {
      System.clearProperty("java.util.logging.manager");
    }
  }
}
