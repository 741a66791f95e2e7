package dev.otelllm.examples.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An OpenAI-compatible server on the loopback interface, on a free port: {@code POST
 * /v1/chat/completions} answers with a canned body of the shape OpenAI's Chat Completions API
 * returns — a JSON completion, or for a {@code .sse} resource the {@code text/event-stream} of a
 * streamed one, written event by event. The first {@link Rule} whose test accepts the request body
 * names the resource; a request no rule accepts, or to another path, gets OpenAI's error body with
 * status 404.
 *
 * <p>Built on the JDK's own HTTP server, so the example jar carries no server library. One request
 * at a time; {@link #close()} stops it.
 */
public final class FakeOpenAiServer implements AutoCloseable {

  /**
   * Answers with {@code resource} (under {@code /openai/}) when {@code accepts} the request body.
   */
  public record Rule(Predicate<String> accepts, String resource) {
    public Rule {
      Objects.requireNonNull(accepts, "accepts");
      Objects.requireNonNull(resource, "resource");
      if (FakeOpenAiServer.class.getResource("/openai/" + resource) == null) {
        throw new IllegalArgumentException("no canned answer /openai/" + resource);
      }
    }
  }

  private static final String NOT_FOUND =
      "{\"error\":{\"message\":\"The fake server has no answer for this request.\","
          + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"unknown_url\"}}";

  private final HttpServer server;
  private final List<Rule> rules;

  private FakeOpenAiServer(HttpServer server, List<Rule> rules) {
    this.server = server;
    this.rules = rules;
  }

  /** A started server answering by {@code rules}, first match wins. */
  public static FakeOpenAiServer start(List<Rule> rules) throws IOException {
    // Headers and body are separate writes: without TCP_NODELAY, Nagle's algorithm and the client's
    // delayed ACK would add some 40 ms to every answer, and the table would show the fake's lag.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    FakeOpenAiServer fake = new FakeOpenAiServer(server, List.copyOf(rules));
    server.createContext("/", fake::answer);
    server.start();
    return fake;
  }

  /** The base URL an OpenAI client is given: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      boolean completions =
          "POST".equals(exchange.getRequestMethod())
              && "/v1/chat/completions".equals(exchange.getRequestURI().getPath());
      Rule rule =
          completions
              ? rules.stream().filter(r -> r.accepts().test(body)).findFirst().orElse(null)
              : null;
      if (rule == null) {
        send(exchange, 404, "application/json", NOT_FOUND);
      } else if (rule.resource().endsWith(".sse")) {
        stream(exchange, resource(rule.resource()));
      } else {
        send(exchange, 200, "application/json", resource(rule.resource()));
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Each event flushed on its own, so the client sees chunks arrive as from a real stream. */
  private static void stream(HttpExchange exchange, String events) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (String event : events.split("\n\n")) {
        if (!event.isBlank()) {
          out.write((event.strip() + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    }
  }

  private static String resource(String name) {
    try (InputStream in = FakeOpenAiServer.class.getResourceAsStream("/openai/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no canned answer /openai/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
