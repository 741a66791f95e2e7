package dev.otelllm.springai;

import dev.otelllm.internal.ListenerSpans;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;

/**
 * Hands the chunks of one streamed {@code ChatClient} round to the span the observation handler
 * started for it, for time to first chunk, time per chunk and the partial answer of a stream that
 * fails, and ends that span where the round completes, fails or is cancelled. Spring AI's model
 * observation sees only the aggregated answer, and it stops on the model's thread, past a {@code
 * publishOn}: before the chunks reach the advisor, or after the caller has seen the completion. So
 * once a relay has the span, the relay alone ends it. The advisor puts the relay in the context it
 * subscribes the model in; the handler attaches the span when the model's observation starts there.
 * Chunks come from one thread at a time.
 */
final class ChunkRelay {

  private static final ContextKey<ChunkRelay> KEY = ContextKey.named("otel-llm spring-ai chunks");

  // Set on the subscribing thread, read on the thread that delivers chunks.
  private volatile ListenerSpans.@Nullable Chat chat;
  private volatile @Nullable ChatModelObservationContext observation;

  static @Nullable ChunkRelay fromContext(Context context) {
    return context.get(KEY);
  }

  Context storeIn(Context context) {
    return context.with(KEY, this);
  }

  /**
   * The span of this round; only the first one counts (a round is one model call). True if taken.
   */
  boolean attach(ListenerSpans.Chat chat, ChatModelObservationContext observation) {
    if (this.chat != null) {
      return false;
    }
    this.observation = observation;
    this.chat = chat;
    return true;
  }

  void onChunk(ChatClientResponse chunk) {
    ListenerSpans.Chat c = chat;
    if (c == null) {
      return;
    }
    try {
      ChatResponse response = chunk.chatResponse();
      Generation g = response == null ? null : response.getResult();
      String text = g == null ? null : g.getOutput().getText();
      if (text != null && !text.isEmpty()) {
        c.text(text);
      } else {
        c.chunk();
      }
    } catch (RuntimeException e) {
      // A chunk this adapter cannot read must not break the stream; the span goes on without it.
    }
  }

  /**
   * The round's flux completed here, downstream of the model: the span ends now with the answer
   * Spring AI aggregated (set before the completion reached this advisor), after every chunk has
   * passed and before the caller sees the completion.
   */
  void complete() {
    ListenerSpans.Chat c = chat;
    ChatModelObservationContext o = observation;
    if (c == null || o == null) {
      return;
    }
    // Runs inside the stream's completion signal: whatever goes wrong here must not turn the
    // caller's successful stream into an error. The span still ends, with what could be read.
    try {
      Throwable error = o.getError();
      if (error != null) {
        c.fail(error, SpringAiConversion.errorType(error));
        return;
      }
      c.succeed(SpringAiConversion.response(o.getResponse()));
    } catch (RuntimeException e) {
      endQuietly(c, e);
    }
  }

  /** The round failed here: the span ends failed, as the observation's stop would end it. */
  void fail(Throwable error) {
    ListenerSpans.Chat c = chat;
    if (c != null) {
      try {
        c.fail(error, SpringAiConversion.errorType(error));
      } catch (RuntimeException e) {
        endQuietly(c, e);
      }
    }
  }

  /** The caller cancelled the round. */
  void cancel() {
    ListenerSpans.Chat c = chat;
    if (c != null) {
      try {
        c.fail(new CancellationException("stream cancelled"), "cancelled");
      } catch (RuntimeException e) {
        endQuietly(c, e);
      }
    }
  }

  /** Ends the span as failed by this adapter when reading the answer failed; never throws. */
  private static void endQuietly(ListenerSpans.Chat c, RuntimeException cause) {
    try {
      c.fail(cause, cause.getClass().getName());
    } catch (RuntimeException ignored) {
      // Nothing more can be recorded; the application's stream goes on.
    }
  }
}
