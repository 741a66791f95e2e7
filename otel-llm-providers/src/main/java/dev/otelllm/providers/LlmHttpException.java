package dev.otelllm.providers;

import dev.otelllm.LlmException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A provider answered with an HTTP error. Carries the status, the response headers (credentials
 * removed) and the server's body; {@code error.type} is the status code. A credential the server
 * repeats, in a header, the reason phrase or the body, reads {@code ***}. The typed subclasses let
 * callers catch what they can handle: {@link BadRequest} (400), {@link Authentication} (401, 403),
 * {@link NotFound} (404), {@link Timeout} (408), {@link PayloadTooLarge} (413), {@link RateLimit}
 * (429), {@link Server} (5xx).
 */
public class LlmHttpException extends LlmException {
  private static final long serialVersionUID = 1L;

  private static final Set<String> SECRET_HEADERS =
      Set.of(
          "authorization", "x-api-key", "api-key", "cookie", "set-cookie", "proxy-authorization");

  private final int statusCode;
  private final transient Map<String, List<String>> headers;
  private final String body;

  LlmHttpException(
      String provider,
      int statusCode,
      String reason,
      Map<String, List<String>> headers,
      String body) {
    super(
        provider,
        String.valueOf(statusCode),
        provider
            + ": "
            + statusCode
            + (reason.isEmpty() ? "" : " " + reason)
            + (body.isEmpty() ? "" : ": " + body));
    this.statusCode = statusCode;
    Map<String, List<String>> safe = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (k, v) -> {
          if (!SECRET_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
            safe.put(k, List.copyOf(v));
          }
        });
    this.headers = Collections.unmodifiableMap(safe);
    this.body = body;
  }

  /**
   * The exception of the right type for a status, with {@code scrub} applied to the reason, every
   * header value and the body: headers are dropped by name above, but a server may repeat a key in
   * any of them.
   */
  static LlmHttpException of(
      String provider,
      int status,
      String reason,
      Map<String, List<String>> headers,
      String body,
      UnaryOperator<String> scrub) {
    Map<String, List<String>> scrubbed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, values) -> scrubbed.put(k, values.stream().map(scrub).toList()));
    return of(provider, status, scrub.apply(reason), scrubbed, scrub.apply(body));
  }

  /** The exception of the right type for a status; the texts are taken as already scrubbed. */
  static LlmHttpException of(
      String provider, int status, String reason, Map<String, List<String>> headers, String body) {
    if (status == 400) {
      return new BadRequest(provider, status, reason, headers, body);
    }
    if (status == 401 || status == 403) {
      return new Authentication(provider, status, reason, headers, body);
    }
    if (status == 404) {
      return new NotFound(provider, status, reason, headers, body);
    }
    if (status == 408) {
      return new Timeout(provider, status, reason, headers, body);
    }
    if (status == 413) {
      return new PayloadTooLarge(provider, status, reason, headers, body);
    }
    if (status == 429) {
      return new RateLimit(provider, status, reason, headers, body);
    }
    if (status >= 500) {
      return new Server(provider, status, reason, headers, body);
    }
    return new LlmHttpException(provider, status, reason, headers, body);
  }

  public int statusCode() {
    return statusCode;
  }

  /** Response headers, without Authorization, x-api-key, cookies and the like. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The server's body (at most 8 KB of it), credentials removed. */
  public String body() {
    return body;
  }

  /** 400: the request was malformed or refused as such. */
  public static final class BadRequest extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    BadRequest(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 401 or 403: the API key is missing, wrong or not allowed. */
  public static final class Authentication extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    Authentication(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 404: unknown model or endpoint. */
  public static final class NotFound extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    NotFound(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 408: the server timed out waiting for the request. */
  public static final class Timeout extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    Timeout(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 413: the request is too large. */
  public static final class PayloadTooLarge extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    PayloadTooLarge(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 429: rate limited; retried by the library before this reaches the caller. */
  public static final class RateLimit extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    RateLimit(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }

  /** 5xx: the server failed; retried by the library before this reaches the caller. */
  public static final class Server extends LlmHttpException {
    private static final long serialVersionUID = 1L;

    Server(String p, int s, String r, Map<String, List<String>> h, String b) {
      super(p, s, r, h, b);
    }
  }
}
