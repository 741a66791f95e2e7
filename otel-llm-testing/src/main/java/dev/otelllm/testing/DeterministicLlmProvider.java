package dev.otelllm.testing;

import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import dev.otelllm.internal.ScriptedProvider;
import java.util.function.Function;

/**
 * A fake model for tests and demos: no network, no randomness. It echoes the prompt, or plays a
 * script of answers (and failures) in order. Usage figures are deterministic: one token per four
 * characters (rounded up) of everything sent and of the answer, unless fixed with {@link
 * Builder#fixedUsage}. Its answers are not a model's: never use it to judge prompts.
 *
 * <p>Thread-safe: concurrent calls take the script's steps in call order.
 */
public final class DeterministicLlmProvider implements LlmProvider {

  /** The provider name recorded for it ({@code gen_ai.provider.name}). */
  public static final String PROVIDER_NAME = ScriptedProvider.PROVIDER_NAME;

  private final ScriptedProvider engine;

  private DeterministicLlmProvider(ScriptedProvider engine) {
    this.engine = engine;
  }

  /** Answers {@code "echo: <prompt>"}, forever. */
  public static DeterministicLlmProvider echo(String model) {
    return builder(model).build();
  }

  /** Answers with these texts in order, then fails with an {@link IllegalStateException}. */
  public static DeterministicLlmProvider scripted(String model, String... answers) {
    Builder b = builder(model);
    for (String a : answers) {
      b.answer(a);
    }
    return b.build();
  }

  /**
   * A builder for a scripted model.
   *
   * @throws IllegalArgumentException when the model name is blank
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  @Override
  public ProviderInfo info() {
    return engine.info();
  }

  /** How many calls it has answered or failed. */
  public long callCount() {
    return engine.callCount();
  }

  /**
   * The script's next step for this request.
   *
   * @throws IllegalStateException when the script is played out and {@link Builder#repeatLast()}
   *     was not set
   */
  @Override
  public LlmResponse generate(LlmRequest request) {
    return engine.generate(request);
  }

  /** Builds a {@link DeterministicLlmProvider}. Not thread-safe. */
  public static final class Builder {
    private final ScriptedProvider.Builder script;

    private Builder(String model) {
      this.script = ScriptedProvider.builder(model);
    }

    /** Next step: answer this text. */
    public Builder answer(String content) {
      script.answer(content);
      return this;
    }

    /** Next step: answer with a tool call. */
    public Builder toolCall(Part.ToolCall call) {
      script.toolCall(call);
      return this;
    }

    /** Next step: whatever the function makes of the request. */
    public Builder answer(Function<LlmRequest, LlmResponse> responder) {
      script.answer(responder);
      return this;
    }

    /** Next step: throw this exception. */
    public Builder fail(RuntimeException error) {
      script.fail(error);
      return this;
    }

    /** Once the script is played, repeat its last step instead of failing. */
    public Builder repeatLast() {
      script.repeatLast();
      return this;
    }

    /** Report these token counts on every answer. */
    public Builder fixedUsage(Usage usage) {
      script.fixedUsage(usage);
      return this;
    }

    public DeterministicLlmProvider build() {
      return new DeterministicLlmProvider(script.build());
    }
  }
}
