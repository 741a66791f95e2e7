package dev.otelllm.testing.assertj;

import static dev.otelllm.testing.assertj.InteractionAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmException;
import dev.otelllm.LlmTracing;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.Usage;
import dev.otelllm.testing.DeterministicLlmProvider;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InteractionAssertionsTest {

  private LlmTracing tracing;
  private LlmClient client;
  private String sessionId;

  @BeforeEach
  void record() {
    tracing = LlmTracing.create();
    DeterministicLlmProvider provider =
        DeterministicLlmProvider.builder("coder")
            .answer("bad code")
            .answer("good code")
            .toolCall(new Part.ToolCall("c1", "run_python", Map.of()))
            .fail(new LlmException("coder", "429", "rate limited"))
            .fixedUsage(new Usage(10, 5, 0, 0, 0))
            .build();
    client = LlmClient.builder(provider).tracing(tracing).build();
    try (Session session = client.session().id("s-1").build()) {
      sessionId = session.id();
      session.generate("write code", "code_generation", 1);
      session.generate("fix it", "code_generation", 2);
      session.generate("run it", "execution", 1);
      try {
        session.generate("again", "execution", 2);
      } catch (LlmException expected) {
        // recorded as a failed interaction
      }
    }
  }

  @AfterEach
  void close() {
    tracing.close();
  }

  @Test
  void passingAssertions_readLikeTheWorkflow() {
    assertThat(tracing)
        .hasSize(4)
        .hasStepTypes("code_generation", "code_generation", "execution", "execution");
    assertThat(tracing)
        .ofSession(sessionId)
        .withStepType("code_generation")
        .hasSize(2)
        .haveNoErrors()
        .last()
        .hasAttemptNumber(2)
        .hasPrompt("fix it")
        .hasAnswer("good code")
        .hasTotalTokens(15)
        .hasInputTokens(10)
        .hasOutputTokens(5)
        .hasNoError()
        .hasSession("s-1")
        .hasModel("coder");
    assertThat(client).withStepType("execution").last().hasErrorType("429");
    assertThat(tracing.traceBuffer().getTraces().get(2))
        .calledTool("run_python")
        .hasFinishReason("tool_call");
    assertThat(tracing)
        .lastOfSession("s-1")
        .hasStepType("execution")
        .hasMetadata("attempt_number", 2);
  }

  @Test
  void failures_sayWhatDiffered_andNameTheSpan() {
    String firstSpan = tracing.traceBuffer().getTraces().get(0).spanId();
    assertThatThrownBy(
            () -> assertThat(tracing.traceBuffer().getTraces().get(0)).hasStepType("methodology"))
        .hasMessage(
            "Expected metadata step_type of span "
                + firstSpan
                + " to be <methodology> but was <code_generation>");
    assertThatThrownBy(() -> assertThat(tracing).hasSize(3))
        .hasMessage(
            "Expected the interactions to be 3 but were 4: [code_generation, code_generation, execution, execution]");
    assertThatThrownBy(() -> assertThat(tracing).haveNoErrors())
        .hasMessageStartingWith("Expected the interactions to have no errors but span ")
        .hasMessageContaining("failed: TraceError[type=429, message=rate limited]");
    assertThatThrownBy(() -> assertThat(tracing).lastOfSession("other"))
        .hasMessage(
            "Expected the interactions of session other to have a last one but there were none");
    assertThatThrownBy(
            () -> assertThat(tracing.traceBuffer().getTraces().get(0)).hasErrorType("429"))
        .hasMessage(
            "Expected span "
                + firstSpan
                + " to have failed with error type <429> but it did not fail");
    assertThatThrownBy(
            () -> assertThat(tracing.traceBuffer().getTraces().get(0)).hasTotalTokens(99))
        .hasMessage("Expected the total tokens of span " + firstSpan + " to be <99> but was <15>");
  }
}
