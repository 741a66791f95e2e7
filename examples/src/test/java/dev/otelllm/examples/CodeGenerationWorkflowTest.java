package dev.otelllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.LlmClient;
import dev.otelllm.trace.LlmTrace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodeGenerationWorkflowTest {

  @Test
  void retriesTheBuggyCode_thenWritesTheMethodology_andReportsEachStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LlmClient client = LlmClient.builder(CodeGenerationWorkflow.scriptedModel()).tracing(true).build()) {
      boolean ok = new CodeGenerationWorkflow(client, new PrintStream(bytes, true, StandardCharsets.UTF_8))
          .run("Create a histogram of the 'age' column from df");
      assertThat(ok).isTrue();
      List<LlmTrace> traces = client.getTraces();
      assertThat(traces).extracting(t -> t.metadata().get("step_type"))
          .containsExactly("code_generation", "code_generation", "methodology_generation");
      assertThat(traces).extracting(t -> t.metadata().get("attempt_number")).containsExactly(1L, 2L, 1L);
      assertThat(traces.get(1).prompt()).startsWith("The previous code failed with error: SyntaxError: '(' was never closed");
      assertThat(traces).extracting(LlmTrace::traceId).containsOnly(traces.get(0).traceId());
      assertThat(traces.get(0).parentSpanId()).isNotEmpty();
    }
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("LLM workflow succeeded").contains("3 interactions")
        .contains("methodology_generation").contains("\"trace_id\"");
  }

  @Test
  void validate_findsUnbalancedBrackets() {
    assertThat(CodeGenerationWorkflow.validate("f(a[1])")).isEmpty();
    assertThat(CodeGenerationWorkflow.validate("f(a[1)")).contains("SyntaxError: unmatched ')' on line 1");
    assertThat(CodeGenerationWorkflow.validate("x\nf(")).contains("SyntaxError: '(' was never closed");
  }
}
