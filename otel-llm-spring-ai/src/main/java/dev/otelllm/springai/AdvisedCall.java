package dev.otelllm.springai;

import dev.otelllm.Session;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.ChatMemory;

/**
 * What a {@code ChatClient} call's advisor params tell its spans, carried in an OpenTelemetry
 * {@link Context}: the session id as {@code session.id} / {@code gen_ai.conversation.id} baggage
 * (which the session processor copies onto each span), and the step type, attempt number and
 * further metadata under a private context key. Stateless.
 */
final class AdvisedCall {

  private static final ContextKey<Map<String, Object>> METADATA =
      ContextKey.named("otel-llm spring-ai metadata");

  /** Longer ids do not go into baggage, which travels in outgoing HTTP headers. */
  private static final int MAX_SESSION_ID_LENGTH = 256;

  private AdvisedCall() {}

  /** {@code base} with the session and metadata that {@code params} name, if any. */
  static Context of(Context base, Map<String, @Nullable Object> params) {
    Context context = base;
    Object session = params.get(OtelLlmAdvisor.SESSION_ID);
    if (session == null) {
      session = params.get(ChatMemory.CONVERSATION_ID);
    }
    String id = session == null ? "" : session.toString();
    if (!id.isEmpty() && id.length() <= MAX_SESSION_ID_LENGTH) {
      Baggage baggage =
          Baggage.fromContext(base).toBuilder()
              .put(SessionBaggageSpanProcessor.SESSION_ID, id)
              .put(SessionBaggageSpanProcessor.CONVERSATION_ID, id)
              .build();
      context = context.with(baggage);
    }
    Map<String, Object> metadata = metadata(params);
    return metadata.isEmpty() ? context : context.with(METADATA, metadata);
  }

  /** The metadata an advised context carries; empty for any other context. */
  static Map<String, Object> metadata(Context context) {
    Map<String, Object> m = context.get(METADATA);
    return m == null ? Map.of() : m;
  }

  private static Map<String, Object> metadata(Map<String, @Nullable Object> params) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (params.get(OtelLlmAdvisor.METADATA) instanceof Map<?, ?> extra) {
      extra.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              m.put(k.toString(), v);
            }
          });
    }
    Object step = params.get(OtelLlmAdvisor.STEP_TYPE);
    if (step != null) {
      m.put(Session.STEP_TYPE, step.toString());
    }
    Object attempt = params.get(OtelLlmAdvisor.ATTEMPT_NUMBER);
    if (attempt != null) {
      m.put(Session.ATTEMPT_NUMBER, attempt);
    }
    return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
  }
}
