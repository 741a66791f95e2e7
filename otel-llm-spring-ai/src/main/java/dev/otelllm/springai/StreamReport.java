package dev.otelllm.springai;

import dev.otelllm.LlmResponse;
import dev.otelllm.internal.ListenerSpans;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * The answer of one streamed call, assembled from its chunks: text, tool calls (by id, the last
 * fragment of each wins), finish reason, response id, model and usage (the last chunk that has
 * them). Chunks come from one thread at a time, as Reactor delivers them.
 */
final class StreamReport {
  private final ListenerSpans.Chat chat;
  private final StringBuilder text = new StringBuilder();
  private final Map<String, AssistantMessage.ToolCall> toolCalls = new LinkedHashMap<>();
  private @Nullable String finishReason;
  private final LlmResponse.Builder meta = LlmResponse.builder();

  StreamReport(ListenerSpans.Chat chat) {
    this.chat = chat;
  }

  void onChunk(ChatClientResponse chunk) {
    try {
      ChatResponse response = chunk.chatResponse();
      if (response == null) {
        return;
      }
      Generation g = response.getResult();
      boolean hadText = false;
      if (g != null) {
        AssistantMessage out = g.getOutput();
        String t = out.getText();
        if (t != null && !t.isEmpty()) {
          text.append(t);
          chat.text(t);
          hadText = true;
        }
        for (AssistantMessage.ToolCall call : out.getToolCalls()) {
          String key = call.id() == null || call.id().isEmpty() ? call.name() : call.id();
          toolCalls.put(key, call);
        }
        String f = SpringAiConversion.finishReason(g.getMetadata().getFinishReason());
        if (f != null) {
          finishReason = f;
        }
      }
      if (!hadText) {
        chat.chunk();
      }
      ChatResponseMetadata m = response.getMetadata();
      SpringAiConversion.metadata(meta, m);
    } catch (RuntimeException e) {
      // A chunk this adapter cannot read must not break the stream; the span ends without it.
    }
  }

  void complete() {
    LlmResponse.Builder b = meta;
    if (text.length() > 0) {
      b.content(text.toString());
    }
    for (AssistantMessage.ToolCall call : toolCalls.values()) {
      b.toolCall(SpringAiConversion.toolCall(call));
    }
    if (finishReason != null) {
      b.finishReason(finishReason);
    }
    chat.succeed(b.build());
  }
}
