package dev.otelllm.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP receiver on 127.0.0.1 (JDK HttpServer, no Nagle delay) that decodes each request and
 * counts the spans it accepted. Its behaviour per request is chosen by the caller.
 */
final class LoopbackReceiver implements AutoCloseable {

  /** What to answer. */
  enum Mode {
    OK,
    SLOW_30S,
    STATUS_500,
    STATUS_429,
    STATUS_413,
    HALF_FAIL
  }

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  final AtomicLong acceptedSpans = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "receiver");
            t.setDaemon(true);
            return t;
          });
  private volatile Mode mode;
  // A collector runs elsewhere; on this 2-core machine the receiver shares the cores with the
  // program measured, so by default it only walks the protobuf framing to count spans.
  private final boolean fullDecode = Boolean.getBoolean("receiver.fullDecode");

  static long decodeAndCount(byte[] bytes) throws IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
    long spans = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        spans += ss.getSpansCount();
      }
    }
    return spans;
  }

  /** Spans (field 2 of ScopeSpans, in field 2 of ResourceSpans, in field 1 of the request). */
  static long countSpans(byte[] b) throws IOException {
    com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(b);
    long spans = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == 10) {
        int limit = in.pushLimit(in.readRawVarint32());
        int t2;
        while ((t2 = in.readTag()) != 0) {
          if (t2 == 18) {
            int limit2 = in.pushLimit(in.readRawVarint32());
            int t3;
            while ((t3 = in.readTag()) != 0) {
              if (t3 == 18) {
                spans++;
              }
              in.skipField(t3);
            }
            in.popLimit(limit2);
          } else {
            in.skipField(t2);
          }
        }
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
    return spans;
  }

  LoopbackReceiver(Mode mode) throws IOException {
    this.mode = mode;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readAllBytes();
      long n = requests.incrementAndGet();
      if (!exchange.getRequestURI().getPath().equals("/v1/traces")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      Mode m = mode;
      int status =
          switch (m) {
            case STATUS_500 -> 500;
            case STATUS_429 -> 429;
            case STATUS_413 -> 413;
            case HALF_FAIL -> n % 2 == 0 ? 503 : 200;
            default -> 200;
          };
      if (m == Mode.SLOW_30S) {
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (status == 200) {
        acceptedSpans.addAndGet(fullDecode ? decodeAndCount(bytes) : countSpans(bytes));
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
