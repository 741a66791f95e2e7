package dev.otelllm.providers;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Settings of a provider created by {@link LlmProviders}. Immutable; build with {@link #builder()}.
 * The API key, when not given, comes from the provider's usual environment variable ({@code
 * OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code OPENROUTER_API_KEY}); it is sent in the
 * provider's auth header and appears nowhere else: not in spans, logs, exception messages or {@link
 * #toString()}. Credentials in the base URL (the password of its user info, or a query parameter
 * such as {@code key=...}) are replaced by {@code ***} there too, wherever they appear.
 */
public final class ProviderOptions {

  // Query parameters whose value is a credential: key, api-key, access_token, sig, code, ...
  private static final Pattern CREDENTIAL_PARAMETER =
      Pattern.compile("key|token|secret|sig|pass|auth|code|credential", Pattern.CASE_INSENSITIVE);

  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final Duration streamIdleTimeout;
  private final Duration streamTimeout;
  private final int maxRetries;
  private final boolean propagateContext;
  private final int defaultMaxTokens;
  private final int maxResponseBytes;
  private final int maxStreamEventBytes;
  private final int maxStreamedAnswerBytes;
  private final java.nio.file.Path modelPath;
  private final List<String> urlCredentials;
  final HttpCore.Sleeper sleeper;
  final DoubleSupplier jitter;

  private ProviderOptions(Builder b) {
    this.baseUrl = b.baseUrl;
    this.urlCredentials = urlCredentials(b.baseUrl);
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.streamIdleTimeout = b.streamIdleTimeout;
    this.streamTimeout = b.streamTimeout;
    this.maxRetries = b.maxRetries;
    this.propagateContext = b.propagateContext;
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.maxResponseBytes = b.maxResponseBytes;
    this.maxStreamEventBytes = b.maxStreamEventBytes;
    this.maxStreamedAnswerBytes = b.maxStreamedAnswerBytes;
    this.modelPath = b.modelPath;
    this.sleeper = b.sleeper;
    this.jitter = b.jitter;
  }

  public static ProviderOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The server's base URL as given, credentials included, when given; otherwise the provider's
   * usual one. {@link #toString()} shows it without credentials.
   */
  public Optional<String> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** Longest wait for a complete (non-streamed) answer, retries included. */
  public Duration timeout() {
    return timeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Longest silence between two chunks of a stream. */
  public Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  /** Longest a whole stream may take, however lively. */
  public Duration streamTimeout() {
    return streamTimeout;
  }

  /** Retries of a 429 or 5xx answer, with backoff that honours Retry-After, within the timeout. */
  public int maxRetries() {
    return maxRetries;
  }

  /** Whether requests carry W3C traceparent and the allowed baggage keys. */
  public boolean propagatesContext() {
    return propagateContext;
  }

  /** max_tokens sent when a request sets none and the API requires one (Anthropic). */
  public int defaultMaxTokens() {
    return defaultMaxTokens;
  }

  /**
   * Largest whole (non-streamed) answer read, in bytes; a larger one fails as an invalid response.
   */
  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Largest line of a stream, and largest SSE event (its lines together), in bytes; a larger one
   * fails the stream as an invalid response.
   */
  public int maxStreamEventBytes() {
    return maxStreamEventBytes;
  }

  /**
   * Largest answer a stream assembles (text, reasoning, tool calls together), in UTF-8 bytes; a
   * stream whose answer grows past it fails as an invalid response.
   */
  public int maxStreamedAnswerBytes() {
    return maxStreamedAnswerBytes;
  }

  /** For {@code llamacpp}: the GGUF file to run; empty for the built-in tiny model. */
  public Optional<java.nio.file.Path> modelPath() {
    return Optional.ofNullable(modelPath);
  }

  /** The text with every credential of the base URL replaced by {@code ***}. */
  String scrub(String text) {
    return scrub(text, urlCredentials);
  }

  private static String scrub(String text, List<String> secrets) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  /**
   * The credentials a URL carries, longest first so that none is left half replaced, each as
   * written and percent-decoded: the password of its user info (the user name when there is no
   * password: a token given as user), and the values of query parameters named for a key, token,
   * secret, signature, password, auth or code.
   */
  static List<String> urlCredentials(String url) {
    if (url == null) {
      return List.of();
    }
    Set<String> found = new LinkedHashSet<>();
    int schemeEnd = url.indexOf("://");
    int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    String authority = url.substring(authorityStart, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      addCredential(found, colon < 0 ? userInfo : userInfo.substring(colon + 1));
    }
    int query = url.indexOf('?', authorityEnd);
    if (query >= 0) {
      int fragment = url.indexOf('#', query);
      for (String pair :
          url.substring(query + 1, fragment < 0 ? url.length() : fragment).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && CREDENTIAL_PARAMETER.matcher(decoded(pair.substring(0, eq))).find()) {
          addCredential(found, pair.substring(eq + 1));
        }
      }
    }
    List<String> secrets = new ArrayList<>(found);
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    return List.copyOf(secrets);
  }

  private static void addCredential(Set<String> found, String written) {
    if (!written.isEmpty()) {
      found.add(written);
      String plain = decoded(written);
      if (!plain.isEmpty()) {
        found.add(plain);
      }
    }
  }

  private static String decoded(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }

  @Override
  public String toString() {
    return "ProviderOptions{baseUrl="
        + scrub(baseUrl)
        + ", apiKey="
        + (apiKey == null ? "from environment" : "***")
        + ", timeout="
        + timeout
        + ", maxRetries="
        + maxRetries
        + "}";
  }

  /** Builds {@link ProviderOptions}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private String baseUrl;
    private String apiKey;
    private Duration timeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration streamIdleTimeout = Duration.ofSeconds(60);
    private Duration streamTimeout = Duration.ofMinutes(10);
    private int maxRetries = 2;
    private boolean propagateContext = true;
    private int defaultMaxTokens = 1024;
    private int maxResponseBytes = 64 << 20;
    private int maxStreamEventBytes = 8 << 20;
    private int maxStreamedAnswerBytes = 64 << 20;
    private java.nio.file.Path modelPath;
    private HttpCore.Sleeper sleeper = Thread::sleep;
    private DoubleSupplier jitter = () -> 0.5 + Math.random() * 0.5;

    private Builder() {}

    /** e.g. {@code http://localhost:1234/v1} for LM Studio; must be http or https. */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException(
            "baseUrl must start with http:// or https://, was "
                + scrub(baseUrl, urlCredentials(baseUrl)));
      }
      this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      return this;
    }

    /**
     * The API key. It must be printable ASCII without spaces (a header value); the message of a
     * refused key never repeats it.
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      this.apiKey = checkKey(apiKey, "apiKey");
      return this;
    }

    static String checkKey(String key, String what) {
      if (key.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          throw new IllegalArgumentException(
              what
                  + " must be printable ASCII without spaces or line breaks"
                  + " (character "
                  + (i + 1)
                  + " of "
                  + key.length()
                  + " is not)");
        }
      }
      return key;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive(timeout, "streamIdleTimeout");
      return this;
    }

    public Builder streamTimeout(Duration timeout) {
      this.streamTimeout = positive(timeout, "streamTimeout");
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new IllegalArgumentException("maxRetries must be in [0, 10], was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Send W3C traceparent and the allowed baggage (session ids) with each request; default true.
     */
    public Builder propagateContext(boolean propagate) {
      this.propagateContext = propagate;
      return this;
    }

    public Builder defaultMaxTokens(int maxTokens) {
      if (maxTokens <= 0) {
        throw new IllegalArgumentException("defaultMaxTokens must be > 0, was " + maxTokens);
      }
      this.defaultMaxTokens = maxTokens;
      return this;
    }

    /**
     * Largest whole (non-streamed) answer read, in bytes; default 64 MiB. A larger answer fails
     * with an {@link LlmTransportException} ({@code invalid_response}) once its Content-Length or
     * its bytes pass the cap, holding no more than the cap in memory.
     */
    public Builder maxResponseBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxResponseBytes must be > 0, was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Largest line of a stream (an NDJSON line, an SSE line) and largest SSE event, its lines
     * together, in bytes; default 8 MiB. A larger one fails the stream with an {@link
     * LlmTransportException} ({@code invalid_response}).
     */
    public Builder maxStreamEventBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxStreamEventBytes must be > 0, was " + bytes);
      }
      this.maxStreamEventBytes = bytes;
      return this;
    }

    /**
     * Largest answer a stream assembles, in UTF-8 bytes of its text, reasoning and tool calls
     * together; default 64 MiB. A stream whose answer grows past it fails with an {@link
     * LlmTransportException} ({@code invalid_response}), so that an endless stream cannot exhaust
     * the heap.
     */
    public Builder maxStreamedAnswerBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxStreamedAnswerBytes must be > 0, was " + bytes);
      }
      this.maxStreamedAnswerBytes = bytes;
      return this;
    }

    /** For {@code llamacpp}: a GGUF model file; without one, the built-in tiny model runs. */
    public Builder modelPath(java.nio.file.Path modelPath) {
      Objects.requireNonNull(modelPath, "modelPath");
      if (!java.nio.file.Files.isReadable(modelPath)) {
        throw new IllegalArgumentException("modelPath is not a readable file: " + modelPath);
      }
      this.modelPath = modelPath;
      return this;
    }

    /** Test hook: how retries wait. */
    Builder sleeper(HttpCore.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Test hook: the jitter factor of backoff, in [0.5, 1]. */
    Builder jitter(DoubleSupplier jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    public ProviderOptions build() {
      return new ProviderOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
