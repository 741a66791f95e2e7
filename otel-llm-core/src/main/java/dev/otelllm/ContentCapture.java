package dev.otelllm;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How much of the prompts and answers goes into the content attributes ({@code
 * gen_ai.system_instructions}, {@code gen_ai.input.messages}, {@code gen_ai.output.messages},
 * {@code gen_ai.tool.definitions}) of a span. Immutable.
 *
 * <ul>
 *   <li>{@link #none()}: no content attribute at all.
 *   <li>{@link #metadataOnly()}: the structure without the text: roles, part types, tool names and
 *       call ids.
 *   <li>{@link #full()}: everything.
 *   <li>{@link #truncated(int)}: everything, but each attribute's JSON is cut to a byte budget; the
 *       JSON stays valid, cut texts end with {@code ...[truncated]} and the span gets {@code
 *       otel_llm.content.truncated=true}.
 * </ul>
 *
 * <p>Values are structured attributes by default; {@link #asJsonString()} writes JSON strings
 * instead, for backends that do not take structured attributes. A redactor, when set, sees every
 * text before it is recorded (never the text sent to the model).
 */
public final class ContentCapture {

  /** What is captured. */
  public enum Mode {
    NONE,
    METADATA,
    FULL
  }

  private static final ContentCapture NONE =
      new ContentCapture(Mode.NONE, 0, false, UnaryOperator.identity());
  private static final ContentCapture METADATA =
      new ContentCapture(Mode.METADATA, 0, false, UnaryOperator.identity());
  private static final ContentCapture FULL =
      new ContentCapture(Mode.FULL, 0, false, UnaryOperator.identity());

  private final Mode mode;
  private final int maxBytes;
  private final boolean jsonString;
  private final UnaryOperator<String> redactor;

  private ContentCapture(
      Mode mode, int maxBytes, boolean jsonString, UnaryOperator<String> redactor) {
    this.mode = mode;
    this.maxBytes = maxBytes;
    this.jsonString = jsonString;
    this.redactor = redactor;
  }

  public static ContentCapture none() {
    return NONE;
  }

  public static ContentCapture metadataOnly() {
    return METADATA;
  }

  public static ContentCapture full() {
    return FULL;
  }

  /**
   * Full content, each content attribute cut to at most {@code maxBytes} bytes of UTF-8 JSON.
   *
   * @throws IllegalArgumentException when {@code maxBytes < 64}
   */
  public static ContentCapture truncated(int maxBytes) {
    if (maxBytes < 64) {
      throw new IllegalArgumentException("maxBytes must be >= 64, was " + maxBytes);
    }
    return new ContentCapture(Mode.FULL, maxBytes, false, UnaryOperator.identity());
  }

  /** The same capture, written as JSON strings instead of structured values. */
  public ContentCapture asJsonString() {
    return new ContentCapture(mode, maxBytes, true, redactor);
  }

  /** The same capture, passing every recorded text through {@code redactor} first. */
  public ContentCapture withRedactor(UnaryOperator<String> redactor) {
    return new ContentCapture(
        mode, maxBytes, jsonString, Objects.requireNonNull(redactor, "redactor"));
  }

  public Mode mode() {
    return mode;
  }

  /** The byte budget per attribute, or 0 for none. */
  public int maxBytes() {
    return maxBytes;
  }

  /** True when values are JSON strings rather than structured values. */
  public boolean isJsonString() {
    return jsonString;
  }

  public UnaryOperator<String> redactor() {
    return redactor;
  }

  /** The value of {@code otel_llm.content.capture}: none, metadata, full or truncated. */
  public String label() {
    switch (mode) {
      case NONE:
        return "none";
      case METADATA:
        return "metadata";
      default:
        return maxBytes > 0 ? "truncated" : "full";
    }
  }

  @Override
  public String toString() {
    return "ContentCapture{"
        + label()
        + (maxBytes > 0 ? " " + maxBytes + " B" : "")
        + (jsonString ? ", json string" : ", structured")
        + "}";
  }
}
