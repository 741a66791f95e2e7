package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * Writes the content attributes of a span according to a {@link ContentCapture}. Thread-safe. Not
 * API.
 */
final class ContentRecorder {

  private final ContentCapture capture;
  private final ContentCodec.Options options;

  ContentRecorder(ContentCapture capture) {
    this.capture = capture;
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
    request
        .systemPrompt()
        .ifPresent(
            s ->
                write(
                    span,
                    GenAiKeys.SYSTEM_INSTRUCTIONS,
                    ContentCodec.systemInstructions(s, options)));
    write(span, GenAiKeys.INPUT_MESSAGES, ContentCodec.messages(request.messages(), options));
    if (!request.tools().isEmpty()) {
      write(
          span, GenAiKeys.TOOL_DEFINITIONS, ContentCodec.toolDefinitions(request.tools(), options));
    }
  }

  void recordOutput(Span span, LlmResponse response) {
    if (capture.mode() == ContentCapture.Mode.NONE) {
      return;
    }
    write(
        span,
        GenAiKeys.OUTPUT_MESSAGES,
        ContentCodec.output(response.message(), response.finishReason().orElse(null), options));
  }

  private void write(Span span, String key, List<Object> tree) {
    if (capture.maxBytes() > 0 && ContentTruncator.truncate(tree, capture.maxBytes())) {
      span.setAttribute(GenAiKeys.CONTENT_TRUNCATED, true);
    }
    if (capture.isJsonString()) {
      span.setAttribute(AttributeKey.stringKey(key), JsonTree.toJson(tree));
    } else {
      span.setAttribute(AttributeKey.valueKey(key), JsonTree.toValue(tree));
    }
  }
}
