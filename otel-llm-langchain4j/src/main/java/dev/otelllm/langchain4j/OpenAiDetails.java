package dev.otelllm.langchain4j;

import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmResponse;
import dev.otelllm.Usage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What LangChain4j's OpenAI model keeps beyond the common types: the seed and output limit it sent,
 * the provider's own finish reason (read from the raw answer it keeps), cached and reasoning
 * tokens, service tier and system fingerprint — what this library's own OpenAI provider records.
 *
 * <p>Loaded only for objects of {@code langchain4j-open-ai} (see {@link ChatConversion#isOpenAi}),
 * so the module works without that artifact on the classpath.
 */
final class OpenAiDetails {
  private OpenAiDetails() {}

  static void params(ChatRequestParameters p, GenerationParams.Builder b) {
    if (!(p instanceof OpenAiChatRequestParameters o)) {
      return;
    }
    try {
      if (o.seed() != null) {
        b.seed(o.seed());
      }
      if (p.maxOutputTokens() == null && o.maxCompletionTokens() != null) {
        b.maxTokens(o.maxCompletionTokens());
      }
      if (o.parallelToolCalls() != null) {
        b.extra("parallel_tool_calls", o.parallelToolCalls());
      }
      if (o.reasoningEffort() != null) {
        b.extra("reasoning_effort", o.reasoningEffort());
      }
    } catch (IllegalArgumentException outOfRange) {
      // Recorded without it; the model received it as is.
    }
  }

  /**
   * Adds service tier and system fingerprint to {@code b}.
   *
   * @return the provider's own finish reason of the first choice, or null when the raw answer is
   *     not kept
   */
  static @Nullable String response(
      ChatResponseMetadata m, @Nullable ChatRequestParameters request, LlmResponse.Builder b) {
    if (!(m instanceof OpenAiChatResponseMetadata o)) {
      return null;
    }
    if (request instanceof OpenAiChatRequestParameters sent && sent.serviceTier() != null) {
      b.providerAttribute("openai.request.service_tier", sent.serviceTier());
    }
    if (o.serviceTier() != null) {
      b.providerAttribute("openai.response.service_tier", o.serviceTier());
    }
    if (o.systemFingerprint() != null) {
      b.providerAttribute("openai.response.system_fingerprint", o.systemFingerprint());
    }
    SuccessfulHttpResponse raw = o.rawHttpResponse();
    List<ServerSentEvent> events = o.rawServerSentEvents();
    if (events != null && !events.isEmpty()) {
      for (int i = events.size() - 1; i >= 0; i--) {
        String reason = finishReasonIn(events.get(i).data());
        if (reason != null) {
          return reason;
        }
      }
      return null;
    }
    if (raw != null) {
      return finishReasonIn(raw.body());
    }
    return null;
  }

  /** {@code usage} with the cached and reasoning tokens OpenAI reports. */
  static @Nullable Usage usage(@Nullable TokenUsage u, @Nullable Usage usage) {
    if (usage == null || !(u instanceof OpenAiTokenUsage o)) {
      return usage;
    }
    long cached =
        o.inputTokensDetails() == null || o.inputTokensDetails().cachedTokens() == null
            ? 0
            : Math.max(0, o.inputTokensDetails().cachedTokens());
    long reasoning =
        o.outputTokensDetails() == null || o.outputTokensDetails().reasoningTokens() == null
            ? 0
            : Math.max(0, o.outputTokensDetails().reasoningTokens());
    return new Usage(usage.inputTokens(), usage.outputTokens(), cached, 0, reasoning);
  }

  /**
   * The first non-null {@code "finish_reason"} string value in a Chat Completions body or chunk,
   * found without parsing the whole text. A quote inside a JSON string is escaped, so the key as
   * written here cannot match text of the answer.
   */
  static @Nullable String finishReasonIn(@Nullable String json) {
    if (json == null) {
      return null;
    }
    String key = "\"finish_reason\"";
    int from = 0;
    while (true) {
      int at = json.indexOf(key, from);
      if (at < 0) {
        return null;
      }
      int i = skipSpaces(json, at + key.length());
      if (i < json.length() && json.charAt(i) == ':') {
        i = skipSpaces(json, i + 1);
        if (i < json.length() && json.charAt(i) == '"') {
          int end = json.indexOf('"', i + 1);
          if (end > i + 1) {
            return json.substring(i + 1, end);
          }
        }
      }
      from = at + key.length();
    }
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
