package dev.otelllm.internal;

import java.util.Locale;

/**
 * Finish reasons in the GenAI conventions' terms ({@code stop}, {@code length}, {@code
 * content_filter}, {@code tool_call}, {@code error}) from what providers say. The span's {@code
 * gen_ai.response.finish_reasons} keeps the provider's own value; the output messages and the
 * interaction carry this one. Not API.
 */
public final class FinishReasons {
  private FinishReasons() {}

  /** {@code raw} in the conventions' terms; values outside them are kept as they are. */
  public static String normalize(String raw, boolean calledTools) {
    String normalized =
        switch (raw.toLowerCase(Locale.ROOT)) {
          case "stop", "end_turn", "stop_sequence", "eos", "finished" -> "stop";
          case "length", "max_tokens", "model_context_window_exceeded" -> "length";
          case "content_filter",
              "safety",
              "refusal",
              "recitation",
              "blocklist",
              "prohibited_content" ->
              "content_filter";
          case "tool_calls", "tool_call", "tool_use", "function_call" -> "tool_call";
          case "error" -> "error";
          default -> raw;
        };
    // Some providers (Ollama) say stop when the answer calls tools.
    return calledTools && normalized.equals("stop") ? "tool_call" : normalized;
  }
}
