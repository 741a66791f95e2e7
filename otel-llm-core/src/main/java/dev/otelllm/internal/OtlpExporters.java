package dev.otelllm.internal;

import dev.otelllm.OtlpExport;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;

/** Builds the SDK's OTLP exporters from {@link OtlpExport} settings. Not API. */
public final class OtlpExporters {
  private OtlpExporters() {}

  /** Attempts per batch, with the backoff between them. */
  public static final int MAX_ATTEMPTS = 3;

  // 429 and 5xx are retried twice, 200 ms then 400 ms (with jitter) apart: enough for a brief
  // outage, short enough that a dead collector costs one batch a few seconds, never the caller.
  // A refused connection is not retried: nothing listens there, and retrying it only delays close()
  // by seconds; the next batch tries again anyway.
  static final RetryPolicy RETRY =
      RetryPolicy.builder()
          .setMaxAttempts(MAX_ATTEMPTS)
          .setInitialBackoff(Duration.ofMillis(200))
          .setMaxBackoff(Duration.ofSeconds(1))
          .setBackoffMultiplier(2)
          .setRetryExceptionPredicate(
              e ->
                  !(e instanceof java.net.ConnectException)
                      && !(e.getCause() instanceof java.net.ConnectException))
          .build();

  /** The longest one batch can take, all attempts and backoff included. */
  public static Duration worstCase(OtlpExport o) {
    return o.timeout().multipliedBy(MAX_ATTEMPTS).plus(Duration.ofMillis(1200 + 600));
  }

  static final String GRPC_SENDER_MISSING =
      "OTLP over gRPC needs a gRPC sender on the classpath: add "
          + "io.opentelemetry:opentelemetry-exporter-sender-okhttp and com.squareup.okhttp3:okhttp-jvm, "
          + "or use Protocol.HTTP_PROTOBUF";

  public static SpanExporter spans(OtlpExport o) {
    return built(
        o,
        () -> {
          if (o.protocol() == OtlpExport.Protocol.GRPC) {
            OtlpGrpcSpanExporterBuilder b =
                OtlpGrpcSpanExporter.builder()
                    .setEndpoint(o.tracesEndpoint())
                    .setTimeout(o.timeout())
                    .setCompression(o.compression())
                    .setRetryPolicy(RETRY);
            o.headers().forEach(b::addHeader);
            return b.build();
          }
          OtlpHttpSpanExporterBuilder b =
              OtlpHttpSpanExporter.builder()
                  .setEndpoint(o.tracesEndpoint())
                  .setTimeout(o.timeout())
                  .setCompression(o.compression())
                  .setRetryPolicy(RETRY);
          o.headers().forEach(b::addHeader);
          return b.build();
        });
  }

  public static MetricExporter metrics(OtlpExport o) {
    return built(
        o,
        () -> {
          if (o.protocol() == OtlpExport.Protocol.GRPC) {
            OtlpGrpcMetricExporterBuilder b =
                OtlpGrpcMetricExporter.builder()
                    .setEndpoint(o.metricsEndpoint())
                    .setTimeout(o.timeout())
                    .setCompression(o.compression())
                    .setRetryPolicy(RETRY);
            o.headers().forEach(b::addHeader);
            return b.build();
          }
          OtlpHttpMetricExporterBuilder b =
              OtlpHttpMetricExporter.builder()
                  .setEndpoint(o.metricsEndpoint())
                  .setTimeout(o.timeout())
                  .setCompression(o.compression())
                  .setRetryPolicy(RETRY);
          o.headers().forEach(b::addHeader);
          return b.build();
        });
  }

  /** The OTLP log record exporter, for the content events ({@code ContentPlacement}). */
  public static io.opentelemetry.sdk.logs.export.LogRecordExporter logs(OtlpExport o) {
    return built(
        o,
        () -> {
          if (o.protocol() == OtlpExport.Protocol.GRPC) {
            io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder b =
                io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint(o.endpoint())
                    .setTimeout(o.timeout())
                    .setCompression(o.compression())
                    .setRetryPolicy(RETRY);
            o.headers().forEach(b::addHeader);
            return b.build();
          }
          io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder b =
              io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter.builder()
                  .setEndpoint(o.logsEndpoint())
                  .setTimeout(o.timeout())
                  .setCompression(o.compression())
                  .setRetryPolicy(RETRY);
          o.headers().forEach(b::addHeader);
          return b.build();
        });
  }

  /**
   * What {@code build} makes, with a missing sender reported as such: the SDK's own message, or for
   * gRPC what to add.
   */
  private static <T> T built(OtlpExport o, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalStateException e) {
      throw missingSender(o, e);
    } catch (LinkageError e) {
      // The gRPC sender is there but okhttp-jvm is not: a bare NoClassDefFoundError otherwise.
      throw missingSender(o, new IllegalStateException(e.toString(), e));
    }
  }

  private static IllegalStateException missingSender(OtlpExport o, IllegalStateException e) {
    if (o.protocol() == OtlpExport.Protocol.GRPC) {
      return new IllegalStateException(GRPC_SENDER_MISSING, e);
    }
    return e;
  }
}
