package dev.otelllm;

/**
 * Token counts of one generation as the provider reported them.
 *
 * @param inputTokens prompt tokens, cached ones included
 * @param outputTokens generated tokens, reasoning included
 * @param cacheReadInputTokens input tokens served from the provider's cache (0 when not reported)
 * @param cacheCreationInputTokens input tokens written to the provider's cache (0 when not
 *     reported)
 * @param reasoningOutputTokens output tokens spent on reasoning (0 when not reported)
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadInputTokens,
    long cacheCreationInputTokens,
    long reasoningOutputTokens) {

  public Usage {
    requireNonNegative(inputTokens, "inputTokens");
    requireNonNegative(outputTokens, "outputTokens");
    requireNonNegative(cacheReadInputTokens, "cacheReadInputTokens");
    requireNonNegative(cacheCreationInputTokens, "cacheCreationInputTokens");
    requireNonNegative(reasoningOutputTokens, "reasoningOutputTokens");
  }

  /** Input and output counts only. */
  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0, 0);
  }

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }
}
