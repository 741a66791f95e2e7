package dev.otelllm.testing.assertj;

import dev.otelllm.Part;
import dev.otelllm.Usage;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceError;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Fluent assertions on one kept interaction; failures name the interaction's span. */
public final class InteractionAssert extends AbstractAssert<InteractionAssert, Interaction> {

  InteractionAssert(Interaction actual) {
    super(actual, InteractionAssert.class);
  }

  public InteractionAssert hasStepType(String expected) {
    return hasMetadata("step_type", expected);
  }

  public InteractionAssert hasAttemptNumber(long expected) {
    return hasMetadata("attempt_number", expected);
  }

  /** The call's metadata has this entry (numbers as the interaction keeps them: longs, doubles). */
  public InteractionAssert hasMetadata(String key, Object expected) {
    isNotNull();
    Object value = actual.metadata().get(key);
    Object want = expected instanceof Integer i ? Long.valueOf(i) : expected;
    if (!Objects.equals(value, want)) {
      failWithMessage(
          "Expected metadata %s of span %s to be <%s> but was <%s>",
          key, actual.spanId(), want, value);
    }
    return this;
  }

  public InteractionAssert hasSession(String expected) {
    return check("session", expected, actual == null ? null : actual.sessionId());
  }

  public InteractionAssert hasProvider(String expected) {
    return check("provider", expected, actual == null ? null : actual.provider());
  }

  public InteractionAssert hasModel(String expected) {
    return check("model", expected, actual == null ? null : actual.model());
  }

  public InteractionAssert hasPrompt(String expected) {
    return check("prompt", expected, actual == null ? null : actual.prompt());
  }

  public InteractionAssert hasAnswer(String expected) {
    return check("answer", expected, actual == null ? null : actual.response().content());
  }

  public InteractionAssert answerContains(String part) {
    isNotNull();
    if (!actual.response().content().contains(part)) {
      failWithMessage(
          "Expected the answer of span %s to contain <%s> but was <%s>",
          actual.spanId(), part, actual.response().content());
    }
    return this;
  }

  /**
   * The finish reason in the conventions' terms: stop, length, content_filter, tool_call, error.
   */
  public InteractionAssert hasFinishReason(String expected) {
    return check(
        "finish reason", expected, actual == null ? null : actual.response().finishReason());
  }

  public InteractionAssert hasTotalTokens(long expected) {
    return check("total tokens", expected, usage().totalTokens());
  }

  public InteractionAssert hasInputTokens(long expected) {
    return check("input tokens", expected, usage().inputTokens());
  }

  public InteractionAssert hasOutputTokens(long expected) {
    return check("output tokens", expected, usage().outputTokens());
  }

  /** The model asked for a call of this tool. */
  public InteractionAssert calledTool(String name) {
    isNotNull();
    if (actual.response().toolCalls().stream().map(Part.ToolCall::name).noneMatch(name::equals)) {
      failWithMessage(
          "Expected span %s to call tool <%s> but its tool calls were %s",
          actual.spanId(),
          name,
          actual.response().toolCalls().stream().map(Part.ToolCall::name).toList());
    }
    return this;
  }

  public InteractionAssert hasNoError() {
    isNotNull();
    if (actual.failed()) {
      failWithMessage(
          "Expected span %s to have no error but it failed: %s",
          actual.spanId(), actual.error().orElseThrow());
    }
    return this;
  }

  /** The call failed with this {@code error.type} (a status code such as 429, timeout, ...). */
  public InteractionAssert hasErrorType(String expected) {
    isNotNull();
    String type = actual.error().map(TraceError::type).orElse(null);
    if (!expected.equals(type)) {
      failWithMessage(
          "Expected span %s to have failed with error type <%s> but %s",
          actual.spanId(), expected, type == null ? "it did not fail" : "it was <" + type + ">");
    }
    return this;
  }

  private Usage usage() {
    isNotNull();
    return actual
        .response()
        .usage()
        .orElseGet(
            () -> {
              failWithMessage(
                  "Expected span %s to report token usage but it reported none", actual.spanId());
              return null;
            });
  }

  private InteractionAssert check(String what, Object expected, Object value) {
    isNotNull();
    if (!Objects.equals(expected, value)) {
      failWithMessage(
          "Expected the %s of span %s to be <%s> but was <%s>",
          what, actual.spanId(), expected, value);
    }
    return this;
  }
}
