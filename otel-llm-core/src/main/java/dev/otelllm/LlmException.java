package dev.otelllm;

import java.util.Objects;

/**
 * The root of the exceptions providers throw. {@link #errorType()} becomes the span's {@code
 * error.type}: a low-cardinality code such as {@code timeout} or {@code 429}.
 */
public class LlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final String errorType;

  /**
   * @param provider the provider's name, e.g. {@code openai}
   * @param errorType the value for {@code error.type}
   * @param message what went wrong, without credentials
   * @param cause the underlying failure, or null
   */
  public LlmException(String provider, String errorType, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.provider = Objects.requireNonNull(provider, "provider");
    this.errorType = Objects.requireNonNull(errorType, "errorType");
  }

  public LlmException(String provider, String errorType, String message) {
    this(provider, errorType, message, null);
  }

  /** The provider that failed. */
  public String provider() {
    return provider;
  }

  /** The value recorded as {@code error.type}. */
  public String errorType() {
    return errorType;
  }
}
