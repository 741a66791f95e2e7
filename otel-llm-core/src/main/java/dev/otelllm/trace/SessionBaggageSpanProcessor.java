package dev.otelllm.trace;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Copies allowed baggage entries of the parent context onto every span when it starts, as span
 * attributes of the same name. By default the allowed keys are {@code session.id} and {@code
 * gen_ai.conversation.id}, which {@code Session} puts into the baggage, so every span started in a
 * session's context, by this library or by any other instrumentation, on any thread that carries
 * the context, gets the session id.
 *
 * <p>Only allowed keys are copied: baggage from upstream services may hold anything. Thread-safe;
 * never throws.
 */
public final class SessionBaggageSpanProcessor implements SpanProcessor {

  /** Baggage and attribute key of the session id. */
  public static final String SESSION_ID = "session.id";

  /** Baggage and attribute key of the conversation id. */
  public static final String CONVERSATION_ID = "gen_ai.conversation.id";

  private final String[] allowedKeys;

  private SessionBaggageSpanProcessor(Set<String> allowedKeys) {
    this.allowedKeys = allowedKeys.toArray(new String[0]);
  }

  /** Copies {@code session.id} and {@code gen_ai.conversation.id}. */
  public static SessionBaggageSpanProcessor create() {
    return new SessionBaggageSpanProcessor(Set.of(SESSION_ID, CONVERSATION_ID));
  }

  /** Copies exactly the given baggage keys. */
  public static SessionBaggageSpanProcessor create(List<String> allowedKeys) {
    Objects.requireNonNull(allowedKeys, "allowedKeys");
    for (String k : allowedKeys) {
      if (k == null || k.isBlank()) {
        throw new IllegalArgumentException("allowedKeys must not contain null or blank keys");
      }
    }
    return new SessionBaggageSpanProcessor(Set.copyOf(allowedKeys));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    Baggage baggage = Baggage.fromContextOrNull(parentContext);
    if (baggage == null || baggage.isEmpty()) {
      return;
    }
    for (String key : allowedKeys) {
      String value = baggage.getEntryValue(key);
      if (value != null && !value.isEmpty()) {
        span.setAttribute(key, value);
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
