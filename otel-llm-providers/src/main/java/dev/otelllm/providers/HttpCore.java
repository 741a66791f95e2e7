package dev.otelllm.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.otelllm.CallListener;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * The HTTP core every provider shares: one okhttp client, JSON in and out, retries of 429 and 5xx
 * (and of the same errors reported inside a stream that has delivered nothing yet) with exponential
 * backoff and jitter that honours {@code Retry-After} / {@code Retry-After-Ms} (each retry an event
 * on the current span), timeouts on every call, W3C context propagation, SSE and NDJSON reading,
 * and the mapping of failures to the library's exceptions. Credentials are sent in headers and
 * scrubbed from everything read back.
 *
 * <p>Nothing a server sends is held without a bound: a whole answer is read up to {@link
 * ProviderOptions#maxResponseBytes()}, a stream's line or SSE event up to {@link
 * ProviderOptions#maxStreamEventBytes()}, and what a stream assembles (see {@link Answer}) up to
 * {@link ProviderOptions#maxStreamedAnswerBytes()}; past a cap the call fails as an invalid
 * response whose message names the option that raises it.
 */
final class HttpCore {

  /** How a retry waits; a test replaces it. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** Receives a stream's lines (NDJSON) or events (SSE). Returns false to stop reading. */
  interface EventHandler {
    boolean on(String event, String data) throws IOException;

    /**
     * Whether this attempt handed anything to the caller yet. An {@link LlmHttpException} the
     * handler throws for an error inside the stream is retried, like the same status, only while
     * this is false: once the caller holds part of one answer, a second answer cannot follow it.
     * The default says yes, so a handler that does not track it is never retried.
     */
    default boolean delivered() {
      return true;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType APPLICATION_JSON = MediaType.get("application/json");
  private static final OkHttpClient SHARED = new OkHttpClient();
  private static final long MAX_RETRY_DELAY_MS = 60_000;
  private static final int MAX_ERROR_BODY = 8192;
  private static final List<String> PROPAGATED_BAGGAGE =
      List.of("session.id", "gen_ai.conversation.id");
  private static final TextMapSetter<Request.Builder> SETTER =
      (builder, key, value) -> {
        if (builder != null) {
          builder.header(key, value);
        }
      };

  private final String provider;
  private final ProviderOptions options;
  private final Map<String, String> authHeaders;
  private final String secret;
  private final OkHttpClient client;
  private final OkHttpClient streamingClient;

  HttpCore(
      String provider, ProviderOptions options, Map<String, String> authHeaders, String secret) {
    this.provider = provider;
    this.options = options;
    this.authHeaders = Map.copyOf(authHeaders);
    this.secret = secret;
    this.client =
        SHARED
            .newBuilder()
            .connectTimeout(options.connectTimeout())
            .readTimeout(options.timeout())
            .callTimeout(options.timeout())
            .build();
    // Silence between chunks is bounded by the idle timeout; a stream kept alive by pings or
    // comments but never finishing is bounded by the whole-stream timeout.
    this.streamingClient =
        SHARED
            .newBuilder()
            .connectTimeout(options.connectTimeout())
            .readTimeout(options.streamIdleTimeout())
            .callTimeout(options.streamTimeout())
            .build();
  }

  /** POSTs JSON and returns the JSON answer, retrying 429 and 5xx, each retry told to listener. */
  JsonNode post(String url, ObjectNode body, CallListener listener) {
    try (Response response =
        execute(client, url, bytes(body), new Retries(options.timeout(), listener))) {
      String text;
      try {
        text = text(response.body());
      } catch (InterruptedIOException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.TIMEOUT,
            "no complete answer within " + options.timeout(),
            e);
      } catch (IOException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.CONNECTION,
            "reading the answer failed: " + e.getMessage(),
            e);
      }
      return parse(text);
    }
  }

  /**
   * The whole answer as text, in the charset it declares (UTF-8 when none), refused past
   * maxResponseBytes: at once when its Content-Length says so, else once that much has arrived, so
   * that no more than the cap is ever held.
   */
  private String text(ResponseBody rb) throws IOException {
    long cap = options.maxResponseBytes();
    BufferedSource source = rb.source();
    if (rb.contentLength() > cap || source.request(cap + 1)) {
      throw tooLong("the answer", cap, "maxResponseBytes");
    }
    MediaType type = rb.contentType();
    return source.readString(
        type == null ? StandardCharsets.UTF_8 : type.charset(StandardCharsets.UTF_8));
  }

  /**
   * POSTs JSON and hands each SSE event (or NDJSON line, event "") to the handler until it ends,
   * telling {@code listener} when the first one arrived.
   */
  void stream(
      String url, ObjectNode body, boolean sse, CallListener listener, EventHandler handler) {
    stream(url, body, sse, listener, () -> handler);
  }

  /**
   * As {@link #stream(String, ObjectNode, boolean, CallListener, EventHandler)}, with a new handler
   * from {@code attempts} for every attempt, so that a retry starts from nothing. An error the
   * handler reports from inside the stream by throwing an {@link LlmHttpException} is retried as
   * that status would be, within the same retries and deadline, unless the handler already
   * {@linkplain EventHandler#delivered() delivered} something. Each attempt reports its first event
   * or line to {@code listener}, whatever it carries. Returns the handler of the attempt that
   * ended.
   */
  <H extends EventHandler> H stream(
      String url, ObjectNode body, boolean sse, CallListener listener, Supplier<H> attempts) {
    byte[] bytes = bytes(body);
    Retries retries = new Retries(options.streamTimeout(), listener);
    while (true) {
      H handler = attempts.get();
      Response response = execute(streamingClient, url, bytes, retries);
      LlmHttpException inStream;
      try (response) {
        read(response.body().source(), sse, listener, handler);
        return handler;
      } catch (LlmHttpException e) {
        if (handler.delivered()) {
          throw e;
        }
        inStream = e;
      } catch (SocketTimeoutException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.TIMEOUT,
            "no chunk for " + options.streamIdleTimeout() + " (stream idle timeout)",
            e);
      } catch (InterruptedIOException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.TIMEOUT,
            "the stream did not finish within " + options.streamTimeout() + " (stream timeout)",
            e);
      } catch (IOException e) {
        throw new LlmTransportException(
            provider, LlmTransportException.CONNECTION, "the stream broke: " + e.getMessage(), e);
      }
      // Outside the try: the failed stream is closed before the wait.
      retries.await(inStream, response, true);
    }
  }

  private void read(BufferedSource source, boolean sse, CallListener listener, EventHandler handler)
      throws IOException {
    Lines lines = new Lines(source);
    if (sse) {
      readSse(lines, listener, handler);
      return;
    }
    boolean first = true;
    String line;
    while ((line = lines.next()) != null) {
      if (line.isBlank()) {
        continue;
      }
      if (first) {
        first = false;
        listener.firstChunk();
      }
      if (!handler.on("", line)) {
        return;
      }
    }
  }

  private void readSse(Lines lines, CallListener listener, EventHandler handler)
      throws IOException {
    long cap = options.maxStreamEventBytes();
    boolean first = true;
    String event = "";
    StringBuilder data = new StringBuilder();
    // The bytes of the event's lines so far: data lines accumulate, so one line under the cap
    // after another would otherwise build an event without bound.
    long eventBytes = 0;
    String line;
    while ((line = lines.next()) != null) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          if (first) {
            first = false;
            listener.firstChunk();
          }
          if (!handler.on(event, data.toString())) {
            return;
          }
        }
        event = "";
        data.setLength(0);
        eventBytes = 0;
        continue;
      }
      eventBytes += lines.bytes;
      if (eventBytes > cap) {
        throw tooLong("a stream event", cap, "maxStreamEventBytes");
      }
      if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line, line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5, line.length());
      } else if (line.startsWith("event:")) {
        event = line.substring(6).trim();
      }
      // Comments (":") and other fields (id, retry) are ignored.
    }
    // An event not closed by a blank line was cut short: it is not delivered.
  }

  /** The lines of a stream, none held past maxStreamEventBytes; CRLF and LF both end a line. */
  private final class Lines {
    private final BufferedSource source;
    private final long cap = options.maxStreamEventBytes();

    /** The bytes of the line {@link #next()} returned last, without its line break. */
    long bytes;

    Lines(BufferedSource source) {
      this.source = source;
    }

    /** The next line without its line break; null at the end of the stream. */
    String next() throws IOException {
      // Looks no further than one byte past the cap, so that a line that never ends is refused
      // with the cap (and a read buffer) in memory, not the whole line.
      long newline = source.indexOf((byte) '\n', 0, cap + 1);
      String line;
      if (newline >= 0) {
        bytes = newline;
        line = source.readUtf8(newline);
        source.skip(1);
      } else if (source.request(cap + 1)) {
        throw tooLong("a stream line", cap, "maxStreamEventBytes");
      } else if (source.exhausted()) {
        return null;
      } else {
        // The last line, without a line break.
        bytes = source.getBuffer().size();
        line = source.readUtf8();
      }
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
  }

  /**
   * What one attempt at a stream assembles into its answer (text, reasoning, tool calls), counted
   * in UTF-8 bytes as the handler appends it; past maxStreamedAnswerBytes the stream fails, so an
   * endless stream cannot grow the answer without bound.
   */
  final class Answer {
    private long bytes;

    /** Counts {@code piece} into the answer and returns it. */
    String add(String piece) {
      bytes += utf8Length(piece);
      if (bytes > options.maxStreamedAnswerBytes()) {
        throw tooLong(
            "the streamed answer", options.maxStreamedAnswerBytes(), "maxStreamedAnswerBytes");
      }
      return piece;
    }
  }

  /** A counter for the answer of one stream attempt. */
  Answer answer() {
    return new Answer();
  }

  static long utf8Length(CharSequence s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // A surrogate pair is four bytes: two for each half.
      n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  private LlmTransportException tooLong(String what, long cap, String option) {
    return new LlmTransportException(
        provider,
        LlmTransportException.INVALID_RESPONSE,
        what
            + " is longer than "
            + cap
            + " bytes (ProviderOptions.Builder."
            + option
            + "; raise it to accept more)",
        null);
  }

  JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new LlmTransportException(
          provider,
          LlmTransportException.INVALID_RESPONSE,
          "the answer is not JSON: " + scrub(abbreviate(text, 200)),
          e);
    }
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("could not write the request body", e);
    }
  }

  /**
   * The attempts of one call: one deadline for all of them, so retries never stretch a call past
   * its timeout, and one count, so errors inside a stream and HTTP errors share the same retries.
   */
  private final class Retries {
    private final long deadline;
    private final CallListener listener;
    private int attempt = 1;

    Retries(Duration timeout, CallListener listener) {
      this.deadline = System.nanoTime() + timeout.toNanos();
      this.listener = listener;
    }

    /**
     * Waits before the next attempt, after telling the listener; throws {@code failure} instead
     * when its status is not retried (only 429 and 5xx are), the retries are used up, or the wait
     * would end past the deadline.
     */
    void await(LlmHttpException failure, Response response, boolean inStream) {
      int code = failure.statusCode();
      boolean retryable = code == 429 || code >= 500;
      long delay =
          retryable && attempt <= options.maxRetries() ? retryDelay(response, attempt) : -1;
      if (delay < 0 || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) >= deadline) {
        throw failure;
      }
      try {
        // The HTTP status was 200 for an error inside a stream: its type says what it reported.
        listener.retrying(
            attempt,
            Duration.ofMillis(delay),
            inStream ? 0 : code,
            inStream ? failure.errorType() : "");
      } catch (RuntimeException e) {
        // A listener that throws loses its report, not the call.
      }
      try {
        options.sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
      attempt++;
    }
  }

  private Response execute(OkHttpClient http, String url, byte[] bytes, Retries retries) {
    while (true) {
      Request.Builder rb =
          new Request.Builder().url(url).post(RequestBody.create(bytes, APPLICATION_JSON));
      authHeaders.forEach(rb::header);
      if (options.propagatesContext()) {
        propagate(rb);
      }
      Response response;
      long remaining = retries.deadline - System.nanoTime();
      OkHttpClient attemptClient =
          retries.attempt == 1
              ? http
              : http.newBuilder()
                  .callTimeout(
                      Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)), TimeUnit.MILLISECONDS)
                  .build();
      try {
        response = attemptClient.newCall(rb.build()).execute();
      } catch (InterruptedIOException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.TIMEOUT,
            "no answer within " + options.timeout() + " from " + host(url),
            e);
      } catch (ConnectException | UnknownHostException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.CONNECTION,
            "cannot connect to " + host(url) + ": " + e.getMessage(),
            e);
      } catch (IOException e) {
        throw new LlmTransportException(
            provider,
            LlmTransportException.CONNECTION,
            "request to " + host(url) + " failed: " + e.getMessage(),
            e);
      }
      if (response.isSuccessful()) {
        return response;
      }
      LlmHttpException failure;
      try (response) {
        failure =
            LlmHttpException.of(
                provider,
                response.code(),
                response.message(),
                response.headers().toMultimap(),
                errorBody(response),
                text -> options.scrub(scrub(text)));
      }
      retries.await(failure, response, false);
    }
  }

  /**
   * Retry-After-Ms, Retry-After (seconds or an HTTP date), else backoff; -1 when too long to wait.
   */
  long retryDelay(Response response, int attempt) {
    String ms = response.header("Retry-After-Ms");
    String after = response.header("Retry-After");
    long delay = -2;
    try {
      if (ms != null) {
        delay = (long) Double.parseDouble(ms.trim());
      } else if (after != null) {
        String a = after.trim();
        if (a.chars().allMatch(Character::isDigit)) {
          delay = Long.parseLong(a) * 1000;
        } else {
          ZonedDateTime at = ZonedDateTime.parse(a, DateTimeFormatter.RFC_1123_DATE_TIME);
          delay = Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
        }
      }
    } catch (RuntimeException unreadable) {
      delay = -2;
    }
    if (delay == -2) {
      long base = 500L << Math.min(attempt - 1, 6);
      delay = (long) (base * options.jitter.getAsDouble());
    }
    return delay > MAX_RETRY_DELAY_MS ? -1 : delay;
  }

  private static void propagate(Request.Builder rb) {
    Context current = Context.current();
    W3CTraceContextPropagator.getInstance().inject(current, rb, SETTER);
    Baggage baggage = Baggage.fromContext(current);
    if (!baggage.isEmpty()) {
      // Only the session ids leave the process: baggage from elsewhere may hold anything.
      BaggageBuilder allowed = Baggage.builder();
      boolean any = false;
      for (String key : PROPAGATED_BAGGAGE) {
        String value = baggage.getEntryValue(key);
        if (value != null) {
          allowed.put(key, value);
          any = true;
        }
      }
      if (any) {
        W3CBaggagePropagator.getInstance().inject(Context.root().with(allowed.build()), rb, SETTER);
      }
    }
  }

  private static String errorBody(Response response) {
    try {
      BufferedSource source = response.body().source();
      source.request(MAX_ERROR_BODY);
      long size = Math.min(source.getBuffer().size(), MAX_ERROR_BODY);
      return source.getBuffer().readUtf8(size);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The text with the API key and any credential of the base URL, wherever they appear, replaced.
   */
  String scrub(String text) {
    if (text == null) {
      return "";
    }
    String out = options.scrub(text);
    return secret == null || secret.isEmpty() ? out : out.replace(secret, "***");
  }

  /**
   * The answer does not have the shape the API documents: what was missing, and the start of it.
   */
  LlmTransportException invalidAnswer(String what, JsonNode answer) {
    return new LlmTransportException(
        provider,
        LlmTransportException.INVALID_RESPONSE,
        "the answer has no " + what + ": " + scrub(abbreviate(answer.toString(), 300)),
        null);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String host(String url) {
    okhttp3.HttpUrl u = okhttp3.HttpUrl.parse(url);
    return u == null ? url : u.host() + ":" + u.port();
  }
}
