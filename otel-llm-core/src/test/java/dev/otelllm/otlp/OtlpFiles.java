package dev.otelllm.otlp;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Writes OTLP files the way a Collector's file exporter would, from what the real OTLP exporters
 * produce. Shared with other modules' tests through this module's test jar.
 */
public final class OtlpFiles {
  private OtlpFiles() {}

  /**
   * One OTLP JSON request per line, each holding one batch, as the Java OTLP marshaler encodes it.
   */
  public static Path jsonLines(Path file, List<List<SpanData>> batches, boolean gzip)
      throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      for (List<SpanData> batch : batches) {
        TraceRequestMarshaler.create(batch).writeJsonTo(out);
        out.write('\n');
      }
    }
    return file;
  }

  /**
   * The request bodies the real OTLP/HTTP exporter sends to a loopback receiver, framed as the
   * Collector's file exporter frames protobuf: each preceded by its length, 4 bytes big-endian.
   */
  public static Path protobufRecords(Path file, List<List<SpanData>> batches) throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          synchronized (bodies) {
            bodies.add(body);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, 0);
          exchange.close();
        });
    server.start();
    try {
      OtlpHttpSpanExporter exporter =
          OtlpHttpSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces")
              .build();
      for (List<SpanData> batch : batches) {
        CompletableResultCode result = exporter.export(batch).join(10, TimeUnit.SECONDS);
        if (!result.isSuccess()) {
          throw new IOException("export to the loopback receiver failed");
        }
      }
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    } finally {
      server.stop(0);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] body : bodies) {
        out.write(
            new byte[] {
              (byte) (body.length >>> 24),
              (byte) (body.length >>> 16),
              (byte) (body.length >>> 8),
              (byte) body.length
            });
        out.write(body);
      }
    }
    return file;
  }

  public static byte[] jsonLine(List<SpanData> batch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(batch).writeJsonTo(out);
    return out.toByteArray();
  }
}
