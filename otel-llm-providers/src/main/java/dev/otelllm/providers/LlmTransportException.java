package dev.otelllm.providers;

import dev.otelllm.LlmException;

/**
 * A call failed outside HTTP: no connection ({@code error.type} {@code connection}), no answer in
 * time ({@code timeout}), or an answer that is not what the provider's API returns ({@code
 * invalid_response}: not JSON, the wrong shape, a stream cut short).
 */
public final class LlmTransportException extends LlmException {
  private static final long serialVersionUID = 1L;

  public static final String CONNECTION = "connection";
  public static final String TIMEOUT = "timeout";
  public static final String INVALID_RESPONSE = "invalid_response";

  LlmTransportException(String provider, String errorType, String message, Throwable cause) {
    super(provider, errorType, provider + ": " + message, cause);
  }
}
