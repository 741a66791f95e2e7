package dev.otelllm;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * An OTLP/HTTP receiver on 127.0.0.1 that decodes what arrives with the OTLP protobuf classes.
 * Shared with other modules' tests through this module's test jar.
 */
public final class OtlpReceiver implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  public final List<RecordedRequest> traceRequests = new CopyOnWriteArrayList<>();
  public final List<ExportTraceServiceRequest> accepted = new CopyOnWriteArrayList<>();

  /** Log export requests received at /v1/logs, decoded. */
  public final List<io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest> logs =
      new CopyOnWriteArrayList<>();

  final AtomicInteger acceptedSpans = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  /**
   * @param answer the response to the n-th trace request (0-based)
   */
  public OtlpReceiver(IntFunction<MockResponse> answer) throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getUrl().encodedPath().equals("/v1/logs")) {
              try {
                logs.add(
                    io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(
                        body(request)));
              } catch (IOException e) {
                return new MockResponse.Builder().code(400).body(e.toString()).build();
              }
              return ok();
            }
            if (!request.getUrl().encodedPath().equals("/v1/traces")) {
              return new MockResponse.Builder().code(200).build();
            }
            traceRequests.add(request);
            MockResponse response = answer.apply(calls.getAndIncrement());
            if (response.getCode() == 200) {
              try {
                ExportTraceServiceRequest decoded = decode(request);
                accepted.add(decoded);
                acceptedSpans.addAndGet(spans(decoded).size());
              } catch (IOException e) {
                return new MockResponse.Builder().code(400).body(e.toString()).build();
              }
            }
            return response;
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  public static OtlpReceiver alwaysOk() throws IOException {
    return new OtlpReceiver(n -> ok());
  }

  static MockResponse ok() {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/x-protobuf")
        .build();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  static ExportTraceServiceRequest decode(RecordedRequest request) throws IOException {
    return ExportTraceServiceRequest.parseFrom(body(request));
  }

  private static byte[] body(RecordedRequest request) throws IOException {
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    if ("gzip".equals(request.getHeaders().get("Content-Encoding"))) {
      body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
    }
    return body;
  }

  /** Every log record received, in order. */
  public List<io.opentelemetry.proto.logs.v1.LogRecord> allLogRecords() {
    List<io.opentelemetry.proto.logs.v1.LogRecord> out = new ArrayList<>();
    for (var request : logs) {
      for (var resourceLogs : request.getResourceLogsList()) {
        for (var scopeLogs : resourceLogs.getScopeLogsList()) {
          out.addAll(scopeLogs.getLogRecordsList());
        }
      }
    }
    return out;
  }

  static List<Span> spans(ExportTraceServiceRequest request) {
    List<Span> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        out.addAll(ss.getSpansList());
      }
    }
    return out;
  }

  public List<Span> allSpans() {
    List<Span> out = new ArrayList<>();
    for (ExportTraceServiceRequest r : accepted) {
      out.addAll(spans(r));
    }
    return out;
  }

  @Override
  public void close() {
    server.close();
  }
}
