package dev.otelllm;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowScopeTest {

  @Test
  void stepsOfOneRun_formOneTreeUnderTheWorkflowSpan() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      String traceId;
      String workflowSpanId;
      try (WorkflowScope run = client.workflow("histogram");
          Session session = client.newSession()) {
        traceId = run.traceId();
        workflowSpanId = run.spanId();
        session.generate("code", "code_generation", 1);
        session.generate("fix", "code_generation", 2);
        session.generate("prose", "methodology_generation", 0);
      }
      assertThat(Span.current().getSpanContext().isValid()).isFalse();

      List<Interaction> run = client.getTraces(TraceQuery.traceId(traceId));
      assertThat(run)
          .hasSize(3)
          .allSatisfy(tr -> assertThat(tr.parentSpanId()).isEqualTo(workflowSpanId));
      List<SpanData> spans = t.spans();
      SpanData workflow =
          spans.stream()
              .filter(s -> s.getName().equals("invoke_workflow histogram"))
              .findFirst()
              .orElseThrow();
      assertThat(workflow)
          .hasKind(SpanKind.INTERNAL)
          .hasSpanId(workflowSpanId)
          .hasTraceId(traceId)
          .hasAttribute(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow")
          .hasAttribute(GenAiIncubatingAttributes.GEN_AI_WORKFLOW_NAME, "histogram");
      assertThat(spans.stream().filter(s -> s.getName().startsWith("chat")))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s).hasParentSpanId(workflowSpanId));
      // The workflow span is not an interaction.
      assertThat(client.getTraces()).hasSize(3);

      try (WorkflowScope second = client.workflow("other")) {
        client.generate("x");
        assertThat(second.traceId()).isNotEqualTo(traceId);
      }
    }
  }

  @Test
  void recordFailure_marksTheWorkflowSpan() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      try (WorkflowScope run = client.workflow("w")) {
        run.recordFailure(new IllegalStateException("gave up after 3 attempts"));
      }
      assertThat(t.onlySpan())
          .hasStatusSatisfying(
              s -> s.hasCode(StatusCode.ERROR).hasDescription("gave up after 3 attempts"));
    }
  }

  @Test
  void tracingOff_workflowIsANoop() {
    LlmClient client = LlmClient.create(ScriptedProvider.echo("m"));
    try (WorkflowScope run = client.workflow("w")) {
      assertThat(run.traceId()).isEqualTo("00000000000000000000000000000000");
      assertThat(client.generate("x").traceId()).isEmpty();
    }
  }

  @Test
  void toolExecution_isAnExecuteToolSpan_childOfTheCurrentContext() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      Part.ToolCall call =
          new Part.ToolCall("call_1", "get_weather", java.util.Map.of("city", "Paris"));
      String parent;
      try (WorkflowScope run = client.workflow("agent")) {
        parent = run.spanId();
        try (ToolScope tool =
            client.tool(
                call, new ToolDefinition("get_weather", "Weather by city", java.util.Map.of()))) {
          tool.result(java.util.Map.of("temp_c", 21));
        }
        try (ToolScope failing = client.tool(new Part.ToolCall("", "broken", java.util.Map.of()))) {
          failing.recordFailure(new IllegalStateException("tool down"));
        }
      }
      List<io.opentelemetry.sdk.trace.data.SpanData> spans = t.spans();
      io.opentelemetry.sdk.trace.data.SpanData tool =
          spans.stream()
              .filter(s -> s.getName().equals("execute_tool get_weather"))
              .findFirst()
              .orElseThrow();
      assertThat(tool)
          .hasKind(SpanKind.INTERNAL)
          .hasParentSpanId(parent)
          .hasAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_NAME, "get_weather")
          .hasAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID, "call_1")
          .hasAttribute(GenAiIncubatingAttributes.GEN_AI_TOOL_DESCRIPTION, "Weather by city");
      // Structured, as the content capture is: attributes of type any, not JSON strings.
      assertThat(
              dev.otelllm.internal.JsonTree.fromValue(
                  tool.getAttributes()
                      .get(
                          io.opentelemetry.api.common.AttributeKey.valueKey(
                              "gen_ai.tool.call.arguments"))))
          .isEqualTo(java.util.Map.of("city", "Paris"));
      assertThat(
              dev.otelllm.internal.JsonTree.fromValue(
                  tool.getAttributes()
                      .get(
                          io.opentelemetry.api.common.AttributeKey.valueKey(
                              "gen_ai.tool.call.result"))))
          .isEqualTo(java.util.Map.of("temp_c", 21L));
      assertThat(
              spans.stream()
                  .filter(s -> s.getName().equals("execute_tool broken"))
                  .findFirst()
                  .orElseThrow()
                  .getAttributes()
                  .get(GenAiIncubatingAttributes.GEN_AI_TOOL_DESCRIPTION))
          .isNull();
      assertThat(
              spans.stream()
                  .filter(s -> s.getName().equals("execute_tool broken"))
                  .findFirst()
                  .orElseThrow())
          .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR));
      // Tool executions are not model interactions.
      assertThat(client.getTraces()).isEmpty();
    }
  }

  @Test
  void toolContent_isAJsonString_whenTheCaptureAsksForStrings() {
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().asJsonString()))) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      try (ToolScope tool =
          client.tool(
              new Part.ToolCall("call_1", "get_weather", java.util.Map.of("city", "Paris")))) {
        tool.result(java.util.Map.of("temp_c", 21));
      }
      assertThat(t.onlySpan())
          .hasAttribute(
              io.opentelemetry.api.common.AttributeKey.stringKey("gen_ai.tool.call.arguments"),
              "{\"city\":\"Paris\"}")
          .hasAttribute(
              io.opentelemetry.api.common.AttributeKey.stringKey("gen_ai.tool.call.result"),
              "{\"temp_c\":21}");
    }
  }
}
