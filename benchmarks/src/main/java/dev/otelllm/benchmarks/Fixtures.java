package dev.otelllm.benchmarks;

import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;

/** Shared inputs: a provider that answers instantly with a fixed ~2 KB text. */
final class Fixtures {
  private Fixtures() {}

  static final String PROMPT_2K = text("Please write a function that ", 2048);
  static final String ANSWER_2K = text("def histogram(df): return df['age'].plot.hist() # ", 2048);

  static String text(String seed, int length) {
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      sb.append(seed).append(sb.length()).append(' ');
    }
    return sb.substring(0, length);
  }

  /** Answers at once: what is measured is the tracing around it. */
  static final class InstantProvider implements LlmProvider {
    private final ProviderInfo info =
        ProviderInfo.remote("openai", "gpt-4o-mini", "api.openai.com", 443);
    private final LlmResponse response =
        LlmResponse.builder()
            .content(ANSWER_2K)
            .finishReason("stop")
            .model("gpt-4o-mini-2024-07-18")
            .responseId("chatcmpl-abc123")
            .usage(Usage.of(512, 512))
            .build();

    @Override
    public ProviderInfo info() {
      return info;
    }

    @Override
    public LlmResponse generate(LlmRequest request) {
      return response;
    }
  }

  static LlmRequest request() {
    return LlmRequest.builder()
        .systemPrompt("You are a Python code generator.")
        .prompt(PROMPT_2K)
        .temperature(0)
        .maxTokens(800)
        .metadata("step_type", "code_generation")
        .metadata("attempt_number", 1)
        .build();
  }
}
