package dev.otelllm.internal;

import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The engine of the deterministic stand-in model that {@code otel-llm-testing} offers users as
 * {@code DeterministicLlmProvider}, and that this module's own tests call directly. It lives here
 * rather than in the testing module so that there is one implementation for both. Not API.
 *
 * <p>No network, no randomness: it echoes the prompt, or plays a script of answers (and failures)
 * in order. Usage is one token per four characters (rounded up) of everything sent and of the
 * answer, unless fixed. Thread-safe: concurrent calls take the script's steps in call order.
 */
public final class ScriptedProvider implements LlmProvider {

  /** The provider name recorded for it ({@code gen_ai.provider.name}). */
  public static final String PROVIDER_NAME = "deterministic";

  private final ProviderInfo info;
  private final List<Function<LlmRequest, LlmResponse>> script;
  private final boolean repeatLast;
  private final Usage fixedUsage;
  private final AtomicLong calls = new AtomicLong();

  private ScriptedProvider(Builder b) {
    this.info = ProviderInfo.inProcess(PROVIDER_NAME, b.model);
    this.script = List.copyOf(b.script);
    this.repeatLast = b.repeatLast;
    this.fixedUsage = b.fixedUsage;
  }

  /** Answers {@code "echo: <prompt>"}, forever. */
  public static ScriptedProvider echo(String model) {
    return builder(model).build();
  }

  /** Answers with these texts in order, then fails with an {@link IllegalStateException}. */
  public static ScriptedProvider scripted(String model, String... answers) {
    Builder b = builder(model);
    for (String a : answers) {
      b.answer(a);
    }
    return b.build();
  }

  public static Builder builder(String model) {
    return new Builder(model);
  }

  @Override
  public ProviderInfo info() {
    return info;
  }

  /** How many calls it has answered or failed. */
  public long callCount() {
    return calls.get();
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    Objects.requireNonNull(request, "request");
    long n = calls.getAndIncrement();
    Function<LlmRequest, LlmResponse> step;
    if (script.isEmpty()) {
      step = r -> LlmResponse.builder().content("echo: " + r.prompt()).build();
    } else if (n < script.size()) {
      step = script.get((int) n);
    } else if (repeatLast) {
      step = script.get(script.size() - 1);
    } else {
      throw new IllegalStateException(
          "script exhausted: " + script.size() + " answers scripted, call " + (n + 1));
    }
    LlmResponse answer = step.apply(request);
    LlmResponse.Builder out = answer.toBuilder();
    if (answer.finishReason().isEmpty()) {
      out.finishReason(answer.toolCalls().isEmpty() ? "stop" : "tool_calls");
    }
    if (answer.usage().isEmpty()) {
      out.usage(
          fixedUsage != null ? fixedUsage : Usage.of(tokens(request), tokens(answer.content())));
    }
    if (answer.model().isEmpty()) {
      out.model(request.model().orElse(info.model()));
    }
    if (answer.responseId().isEmpty()) {
      out.responseId("det-" + (n + 1));
    }
    return out.build();
  }

  private static long tokens(LlmRequest request) {
    long chars = request.systemPrompt().map(String::length).orElse(0);
    for (Message m : request.messages()) {
      for (Part p : m.parts()) {
        chars += p instanceof Part.Text t ? t.content().length() : String.valueOf(p).length();
      }
    }
    return (chars + 3) / 4;
  }

  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  /** Builds a {@link ScriptedProvider}. Not thread-safe. */
  public static final class Builder {
    private final String model;
    private final List<Function<LlmRequest, LlmResponse>> script = new ArrayList<>();
    private boolean repeatLast;
    private Usage fixedUsage;

    private Builder(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
    }

    /** Next step: answer this text. */
    public Builder answer(String content) {
      Objects.requireNonNull(content, "content");
      script.add(r -> LlmResponse.builder().content(content).build());
      return this;
    }

    /** Next step: answer with a tool call. */
    public Builder toolCall(Part.ToolCall call) {
      Objects.requireNonNull(call, "call");
      script.add(r -> LlmResponse.builder().toolCall(call).build());
      return this;
    }

    /** Next step: whatever the function makes of the request. */
    public Builder answer(Function<LlmRequest, LlmResponse> responder) {
      script.add(Objects.requireNonNull(responder, "responder"));
      return this;
    }

    /** Next step: throw this exception. */
    public Builder fail(RuntimeException error) {
      Objects.requireNonNull(error, "error");
      script.add(
          r -> {
            throw error;
          });
      return this;
    }

    /** Once the script is played, repeat its last step instead of failing. */
    public Builder repeatLast() {
      this.repeatLast = true;
      return this;
    }

    /** Report these token counts on every answer. */
    public Builder fixedUsage(Usage usage) {
      this.fixedUsage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    public ScriptedProvider build() {
      return new ScriptedProvider(this);
    }
  }
}
