package dev.otelllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.LlmClient;
import dev.otelllm.trace.Interaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodeGenerationWorkflowTest {

  @Test
  void retriesTheBuggyCode_thenWritesTheMethodology_andReportsEachStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LlmClient client =
        LlmClient.builder(CodeGenerationWorkflow.scriptedModel()).tracing(true).build()) {
      boolean ok =
          new CodeGenerationWorkflow(client, new PrintStream(bytes, true, StandardCharsets.UTF_8))
              .run("Create a histogram of the 'age' column from df");
      assertThat(ok).isTrue();
      List<Interaction> traces = client.getTraces();
      assertThat(traces)
          .extracting(t -> t.metadata().get("step_type"))
          .containsExactly("code_generation", "code_generation", "methodology_generation");
      assertThat(traces)
          .extracting(t -> t.metadata().get("attempt_number"))
          .containsExactly(1L, 2L, 1L);
      assertThat(traces.get(1).prompt())
          .startsWith("The previous code failed with error: SyntaxError: '(' was never closed");
      assertThat(traces).extracting(Interaction::traceId).containsOnly(traces.get(0).traceId());
      assertThat(traces.get(0).parentSpanId()).isNotEmpty();
    }
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report)
        .contains("workflow succeeded")
        .contains("3 interactions")
        .contains("methodology_generation")
        .contains("last interaction: span ")
        .contains("  step     methodology_generation, attempt 1, session ")
        .contains("  prompt   Generate a brief scientific methodology description");
  }

  @Test
  void validate_findsUnusedDataAndUnbalancedBrackets() {
    assertThat(CodeGenerationWorkflow.validate("f(df[1])", "df")).isEmpty();
    assertThat(CodeGenerationWorkflow.validate("f(dfx[1])", "df"))
        .contains("NameError: the code never uses 'df'");
    assertThat(CodeGenerationWorkflow.validate("f(df[1)", "df"))
        .contains("SyntaxError: unmatched ')' on line 1");
    assertThat(CodeGenerationWorkflow.validate("df\nf(", "df"))
        .contains("SyntaxError: '(' was never closed");
  }

  @Test
  void codeThatNeverPasses_isRetriedThreeTimes_thenTheMethodologyIsStillWritten() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    dev.otelllm.LlmProvider nonsense =
        dev.otelllm.testing.DeterministicLlmProvider.builder("babbler")
            .answer("qwe rty uio")
            .repeatLast()
            .build();
    try (LlmClient client = LlmClient.builder(nonsense).tracing(true).build()) {
      boolean ok =
          new CodeGenerationWorkflow(client, new PrintStream(bytes, true, StandardCharsets.UTF_8))
              .run("Create a histogram of the 'age' column from df");
      assertThat(ok).isFalse();
      assertThat(client.getTraces())
          .extracting(t -> t.metadata().get("attempt_number"))
          .containsExactly(1L, 2L, 3L, 1L);
      assertThat(client.getTraces().get(2).metadata())
          .containsEntry("previous_error", "NameError: the code never uses 'df'");
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("ended with invalid code after 3 attempts")
        .contains("4 interactions");
  }
}
