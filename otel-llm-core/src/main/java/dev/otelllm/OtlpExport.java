package dev.otelllm;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how spans (and metrics) go over OTLP to a collector or a backend. Immutable; build with
 * {@link #builder()} and pass to {@link LlmTracing.Builder#exportOtlp}.
 *
 * <p>Defaults: http/protobuf to {@code http://localhost:4318} ({@code /v1/traces}, {@code
 * /v1/metrics}), no compression, 10 s timeout, metrics every 60 s, a queue of 2,048 spans sent in
 * batches of up to 512 at least every 200 ms. gRPC ({@code http://localhost:4317}) needs {@code
 * io.opentelemetry:opentelemetry-exporter-sender-okhttp} and {@code
 * com.squareup.okhttp3:okhttp-jvm} on the classpath; http/protobuf uses the JDK's HTTP client.
 */
public final class OtlpExport {

  /** OTLP/HTTP's usual port. */
  public static final int DEFAULT_HTTP_PORT = 4318;

  /** Default of {@link Builder#maxQueueBytes(long)}: 32 MiB. */
  public static final long DEFAULT_MAX_QUEUE_BYTES = 32L << 20;

  /** OTLP/gRPC's usual port. */
  public static final int DEFAULT_GRPC_PORT = 4317;

  /** The wire protocol. */
  public enum Protocol {
    HTTP_PROTOBUF("http/protobuf"),
    GRPC("grpc");

    private final String id;

    Protocol(String id) {
      this.id = id;
    }

    /** As {@code OTEL_EXPORTER_OTLP_PROTOCOL} spells it. */
    public String id() {
      return id;
    }

    /** The protocol of a name as {@code OTEL_EXPORTER_OTLP_PROTOCOL} spells it. */
    public static Protocol fromId(String id) {
      for (Protocol p : values()) {
        if (p.id.equalsIgnoreCase(id.trim())) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "unknown OTLP protocol '" + id + "': use http/protobuf or grpc");
    }
  }

  private final Protocol protocol;
  private final String endpoint;
  private final Map<String, String> headers;
  private final String compression;
  private final Duration timeout;
  private final boolean metrics;
  private final Duration metricInterval;
  private final int maxQueueSize;
  private final long maxQueueBytes;
  private final int maxBatchSize;
  private final Duration scheduleDelay;

  private OtlpExport(Builder b) {
    this.protocol = b.protocol;
    this.endpoint =
        b.endpoint != null
            ? b.endpoint
            : "http://localhost:"
                + (b.protocol == Protocol.GRPC ? DEFAULT_GRPC_PORT : DEFAULT_HTTP_PORT);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.compression = b.compression;
    this.timeout = b.timeout;
    this.metrics = b.metrics;
    this.metricInterval = b.metricInterval;
    this.maxQueueSize = b.maxQueueSize;
    this.maxQueueBytes = b.maxQueueBytes;
    this.maxBatchSize = b.maxBatchSize;
    this.scheduleDelay = b.scheduleDelay;
  }

  /** http/protobuf to localhost:4318 with every default. */
  public static OtlpExport defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Protocol protocol() {
    return protocol;
  }

  /** The base endpoint: for http/protobuf, {@code /v1/traces} and {@code /v1/metrics} are added. */
  public String endpoint() {
    return endpoint;
  }

  /** The full URL spans go to. */
  public String tracesEndpoint() {
    return protocol == Protocol.GRPC ? endpoint : join(endpoint, "v1/traces");
  }

  /** The full URL metrics go to. */
  public String metricsEndpoint() {
    return protocol == Protocol.GRPC ? endpoint : join(endpoint, "v1/metrics");
  }

  /** Where log records go: the content events when content is placed on events. */
  public String logsEndpoint() {
    return protocol == Protocol.GRPC ? endpoint : join(endpoint, "v1/logs");
  }

  private static String join(String base, String path) {
    return base.endsWith("/") ? base + path : base + "/" + path;
  }

  /** Headers sent with every export (a tenant, an API token); never recorded anywhere else. */
  public Map<String, String> headers() {
    return headers;
  }

  /** {@code gzip} or {@code none}. */
  public String compression() {
    return compression;
  }

  public Duration timeout() {
    return timeout;
  }

  public boolean exportsMetrics() {
    return metrics;
  }

  public Duration metricInterval() {
    return metricInterval;
  }

  public int maxQueueSize() {
    return maxQueueSize;
  }

  /** Estimated bytes of the spans waiting for export (after the export content policy). */
  public long maxQueueBytes() {
    return maxQueueBytes;
  }

  public int maxBatchSize() {
    return maxBatchSize;
  }

  public Duration scheduleDelay() {
    return scheduleDelay;
  }

  @Override
  public String toString() {
    // Header values may be credentials: names only.
    return "OtlpExport{"
        + protocol.id()
        + " "
        + endpoint
        + ", headers="
        + headers.keySet()
        + ", compression="
        + compression
        + ", timeout="
        + timeout
        + ", metrics="
        + metrics
        + "}";
  }

  /** Builds {@link OtlpExport}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private Protocol protocol = Protocol.HTTP_PROTOBUF;
    private String endpoint;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String compression = "none";
    private Duration timeout = Duration.ofSeconds(10);
    private boolean metrics = true;
    private Duration metricInterval = Duration.ofSeconds(60);
    private int maxQueueSize = 2048;
    private long maxQueueBytes = DEFAULT_MAX_QUEUE_BYTES;
    private int maxBatchSize = 512;
    private Duration scheduleDelay = Duration.ofMillis(200);

    private Builder() {}

    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * The collector's base URL, e.g. {@code http://collector:4318} (http/protobuf) or {@code
     * http://collector:4317} (gRPC); default localhost with the protocol's usual port.
     */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("endpoint is not a URL: " + endpoint, e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an http:// or https:// URL with a host, was " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /** A header sent with every export. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      headers.put(name, value);
      return this;
    }

    /** {@code gzip} or {@code none}. */
    public Builder compression(String compression) {
      Objects.requireNonNull(compression, "compression");
      String c = compression.toLowerCase(Locale.ROOT);
      if (!c.equals("gzip") && !c.equals("none")) {
        throw new IllegalArgumentException("compression must be gzip or none, was " + compression);
      }
      this.compression = c;
      return this;
    }

    /** Longest wait for one export request; positive. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Whether the GenAI client metrics go too; default true. */
    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder metricInterval(Duration interval) {
      this.metricInterval = positive(interval, "metricInterval");
      return this;
    }

    /** Spans waiting for export; past this, new spans are dropped and counted. */
    public Builder maxQueueSize(int maxQueueSize) {
      if (maxQueueSize < 1) {
        throw new IllegalArgumentException("maxQueueSize must be >= 1, was " + maxQueueSize);
      }
      this.maxQueueSize = maxQueueSize;
      return this;
    }

    /**
     * Estimated bytes of the spans waiting for export (what the export content policy lets leave),
     * default {@value OtlpExport#DEFAULT_MAX_QUEUE_BYTES}: past this, new spans are dropped and
     * counted, so a collector that is down costs the application at most this much memory however
     * large the prompts.
     */
    public Builder maxQueueBytes(long maxQueueBytes) {
      if (maxQueueBytes < 1) {
        throw new IllegalArgumentException("maxQueueBytes must be >= 1, was " + maxQueueBytes);
      }
      this.maxQueueBytes = maxQueueBytes;
      return this;
    }

    public Builder maxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + maxBatchSize);
      }
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /** Longest time a span waits for its batch; positive. */
    public Builder scheduleDelay(Duration delay) {
      this.scheduleDelay = positive(delay, "scheduleDelay");
      return this;
    }

    public OtlpExport build() {
      if (maxBatchSize > maxQueueSize) {
        throw new IllegalStateException(
            "maxBatchSize ("
                + maxBatchSize
                + ") must not exceed maxQueueSize ("
                + maxQueueSize
                + ")");
      }
      return new OtlpExport(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
