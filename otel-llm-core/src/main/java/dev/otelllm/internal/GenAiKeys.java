package dev.otelllm.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;

/**
 * Attribute keys that the semantic-conventions artifact does not define as typed constants (the
 * content attributes are of type "any"), and this library's own keys. Every hand-written key lives
 * here.
 *
 * <p>Not API: public only because several packages of this library share it.
 */
public final class GenAiKeys {
  private GenAiKeys() {}

  public static final String SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  public static final String TOOL_DEFINITIONS = "gen_ai.tool.definitions";

  /** The four content attributes, in the order they are written. */
  public static final java.util.List<String> CONTENT_KEYS =
      java.util.List.of(SYSTEM_INSTRUCTIONS, INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS);

  /** Tool-call arguments and result of an execute_tool span: content, governed like the others. */
  public static final String TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";

  public static final String TOOL_CALL_RESULT = "gen_ai.tool.call.result";
  public static final java.util.List<String> TOOL_CONTENT_KEYS =
      java.util.List.of(TOOL_CALL_ARGUMENTS, TOOL_CALL_RESULT);

  /** Metadata keys the map form reserves for itself; a call's own metadata cannot use them. */
  public static final java.util.Set<String> RESERVED_METADATA_KEYS =
      java.util.Set.of(
          "session_id",
          "otel_trace_id",
          "span_id",
          "parent_span_id",
          "error_type",
          "error_message");

  public static final AttributeKey<Value<?>> SYSTEM_INSTRUCTIONS_VALUE =
      AttributeKey.valueKey(SYSTEM_INSTRUCTIONS);
  public static final AttributeKey<Value<?>> INPUT_MESSAGES_VALUE =
      AttributeKey.valueKey(INPUT_MESSAGES);
  public static final AttributeKey<Value<?>> OUTPUT_MESSAGES_VALUE =
      AttributeKey.valueKey(OUTPUT_MESSAGES);
  public static final AttributeKey<Value<?>> TOOL_DEFINITIONS_VALUE =
      AttributeKey.valueKey(TOOL_DEFINITIONS);

  /**
   * {@code gen_ai.request.top_k}: an integer in the current GenAI conventions, while the Java
   * semantic-conventions constant still declares a double.
   */
  public static final AttributeKey<Long> REQUEST_TOP_K =
      AttributeKey.longKey("gen_ai.request.top_k");

  /** Prefix of the per-call trace metadata attributes ({@code otel_llm.metadata.step_type}). */
  public static final String METADATA_PREFIX = "otel_llm.metadata.";

  /** Prefix of provider-specific request parameters. */
  public static final String EXTRA_PARAM_PREFIX = "otel_llm.request.extra.";

  /** Which capture mode produced the content attributes: none, metadata, full, truncated. */
  public static final AttributeKey<String> CONTENT_CAPTURE =
      AttributeKey.stringKey("otel_llm.content.capture");

  /** True when some content was cut to fit the byte budget. */
  public static final AttributeKey<Boolean> CONTENT_TRUNCATED =
      AttributeKey.booleanKey("otel_llm.content.truncated");

  /**
   * Seconds from the start of a streamed call to its first text chunk, beside the conventions'
   * {@code gen_ai.response.time_to_first_chunk}, which ends at the first chunk of any kind (a role,
   * a tool call, message metadata).
   */
  public static final AttributeKey<Double> RESPONSE_TIME_TO_FIRST_TEXT =
      AttributeKey.doubleKey("otel_llm.response.time_to_first_text");

  /** The exception message of a failed call (the exception event carries it too). */
  public static final AttributeKey<String> ERROR_MESSAGE =
      AttributeKey.stringKey("otel_llm.error.message");
}
