package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the content of a call according to a {@link ContentCapture}: as attributes of its span, as
 * a {@code gen_ai.client.inference.operation.details} event emitted in the span's context when the
 * call ends, or both ({@link ContentPlacement}). Thread-safe. Not API.
 */
final class ContentRecorder {

  /** The event the GenAI conventions define for a call's content. */
  public static final String DETAILS_EVENT = "gen_ai.client.inference.operation.details";

  private final ContentCapture capture;
  private final ContentCodec.Options options;
  private final ContentPlacement placement;
  private final Logger events;
  // The content of calls under way whose content goes on an event: taken when the call ends.
  private final Map<Span, Map<String, List<Object>>> pending = new ConcurrentHashMap<>();

  ContentRecorder(ContentCapture capture) {
    this(capture, ContentPlacement.SPAN_ONLY, null);
  }

  ContentRecorder(ContentCapture capture, ContentPlacement placement, Logger events) {
    this.capture = capture;
    this.placement = events == null ? ContentPlacement.SPAN_ONLY : placement;
    this.events = events;
    this.options =
        new ContentCodec.Options(capture.mode() == ContentCapture.Mode.FULL, capture.redactor());
  }

  /** The redactor error texts go through (see {@link ErrorTexts}). */
  java.util.function.UnaryOperator<String> redactor() {
    return capture.redactor();
  }

  void recordInput(Span span, LlmRequest request) {
    if (capture.mode() == ContentCapture.Mode.NONE) {
      return;
    }
    span.setAttribute(GenAiKeys.CONTENT_CAPTURE, capture.label());
    Map<String, List<Object>> event = placement.onEvent() ? new LinkedHashMap<>() : null;
    request
        .systemPrompt()
        .ifPresent(
            s ->
                write(
                    span,
                    event,
                    GenAiKeys.SYSTEM_INSTRUCTIONS,
                    ContentCodec.systemInstructions(s, options)));
    write(
        span, event, GenAiKeys.INPUT_MESSAGES, ContentCodec.messages(request.messages(), options));
    if (!request.tools().isEmpty()) {
      write(
          span,
          event,
          GenAiKeys.TOOL_DEFINITIONS,
          ContentCodec.toolDefinitions(request.tools(), options));
    }
    if (event != null) {
      pending.put(span, event);
    }
  }

  void recordOutput(Span span, LlmResponse response) {
    if (capture.mode() == ContentCapture.Mode.NONE) {
      return;
    }
    write(
        span,
        placement.onEvent() ? pending.get(span) : null,
        GenAiKeys.OUTPUT_MESSAGES,
        ContentCodec.output(response.message(), response.finishReason().orElse(null), options));
  }

  /**
   * Emits the content event of a call that ends now, in its span's context, with the attributes
   * that say which call it was. Call before ending the span; does nothing when content goes on the
   * span only.
   */
  /** Calls whose event content is held now; for tests. */
  int pendingEvents() {
    return pending.size();
  }

  /** Forgets what a call collected for its event; for a call whose recording failed. */
  void discard(Span span) {
    pending.remove(span);
  }

  void emitEvent(Span span, Attributes callAttributes) {
    if (!placement.onEvent()) {
      return;
    }
    Map<String, List<Object>> content = pending.remove(span);
    if (content == null || events == null) {
      return;
    }
    AttributesBuilder attributes = callAttributes.toBuilder();
    attributes.put(GenAiKeys.CONTENT_CAPTURE, capture.label());
    content.forEach(
        (key, tree) -> {
          if (capture.isJsonString()) {
            attributes.put(AttributeKey.stringKey(key), JsonTree.toJson(tree));
          } else {
            attributes.put(AttributeKey.valueKey(key), JsonTree.toValue(tree));
          }
        });
    events
        .logRecordBuilder()
        .setEventName(DETAILS_EVENT)
        .setContext(Context.current().with(span))
        .setAllAttributes(attributes.build())
        .emit();
  }

  private void write(Span span, Map<String, List<Object>> event, String key, List<Object> tree) {
    if (capture.maxBytes() > 0 && ContentTruncator.truncate(tree, capture.maxBytes())) {
      span.setAttribute(GenAiKeys.CONTENT_TRUNCATED, true);
    }
    if (event != null) {
      event.put(key, tree);
    }
    if (!placement.onSpan()) {
      return;
    }
    if (capture.isJsonString()) {
      span.setAttribute(AttributeKey.stringKey(key), JsonTree.toJson(tree));
    } else {
      span.setAttribute(AttributeKey.valueKey(key), JsonTree.toValue(tree));
    }
  }
}
