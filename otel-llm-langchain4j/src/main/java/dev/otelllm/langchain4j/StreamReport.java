package dev.otelllm.langchain4j;

import dev.otelllm.internal.ListenerSpans;
import org.jspecify.annotations.Nullable;

/**
 * Passes the chunks of one wrapped stream to its span. The listener attaches the span in {@code
 * onRequest}, before the model is called, so every chunk finds it; chunks come from one thread at a
 * time.
 */
final class StreamReport {
  private final OtelLlmListener owner;
  private volatile ListenerSpans.@Nullable Chat chat;

  StreamReport(OtelLlmListener owner) {
    this.owner = owner;
  }

  OtelLlmListener owner() {
    return owner;
  }

  void attach(ListenerSpans.Chat chat) {
    this.chat = chat;
  }

  void chunk() {
    ListenerSpans.Chat c = chat;
    if (c != null) {
      c.chunk();
    }
  }

  void text(@Nullable String text) {
    ListenerSpans.Chat c = chat;
    if (c != null) {
      if (text == null || text.isEmpty()) {
        c.chunk();
      } else {
        c.text(text);
      }
    }
  }
}
