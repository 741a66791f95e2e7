package dev.otelllm.testing.assertj;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmTracing;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import java.util.List;

/**
 * Entry points of the fluent assertions over kept interactions (AssertJ style):
 *
 * <pre>{@code
 * import static dev.otelllm.testing.assertj.InteractionAssertions.assertThat;
 *
 * assertThat(tracing).hasSize(4).lastOfSession(session.id())
 *     .hasStepType("methodology_generation").hasAttemptNumber(1).hasTotalTokens(1826).hasNoError();
 * assertThat(tracing).ofSession(session.id()).withStepType("code_generation").hasSize(3);
 * }</pre>
 */
public final class InteractionAssertions {
  private InteractionAssertions() {}

  /** Assertions on one interaction. */
  public static InteractionAssert assertThat(Interaction interaction) {
    return new InteractionAssert(interaction);
  }

  /** Assertions on interactions, oldest first. */
  public static InteractionsAssert assertThat(List<Interaction> interactions) {
    return new InteractionsAssert(interactions);
  }

  /** Assertions on what a buffer keeps now, oldest first. */
  public static InteractionsAssert assertThat(TraceBuffer buffer) {
    return new InteractionsAssert(buffer.getTraces());
  }

  /** Assertions on what a tracing's buffer keeps now, oldest first. */
  public static InteractionsAssert assertThat(LlmTracing tracing) {
    return assertThat(tracing.traceBuffer());
  }

  /** Assertions on what a client's tracing keeps now, oldest first. */
  public static InteractionsAssert assertThat(LlmClient client) {
    return new InteractionsAssert(client.getTraces());
  }
}
