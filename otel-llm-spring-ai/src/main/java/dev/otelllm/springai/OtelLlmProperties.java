package dev.otelllm.springai;

import dev.otelllm.ContentCapture;
import dev.otelllm.ContentPlacement;
import dev.otelllm.LlmTracing;
import dev.otelllm.trace.TraceBuffer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code otel-llm.*} settings of the starter, bound from {@code application.properties}. Each
 * getter's Javadoc names the key and its default. Mutable only while Spring binds it.
 */
@ConfigurationProperties(prefix = OtelLlmProperties.PREFIX)
public class OtelLlmProperties {

  /** The prefix of every key. */
  public static final String PREFIX = "otel-llm";

  private boolean enabled = true;
  private int maxInteractions = TraceBuffer.DEFAULT_MAX_INTERACTIONS;
  private long maxInteractionBytes;
  private final Content content = new Content("full");
  private final Content exportContent = new Content("none");
  private ContentPlacement contentPlacement = ContentPlacement.SPAN_ONLY;
  private @Nullable String serviceName;
  private @Nullable String otlpEndpoint;
  private @Nullable String providerName;

  /** {@code otel-llm.enabled} (true): false turns the whole starter off. */
  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  private boolean recordDroppedGenai = true;
  private int maxSessions = dev.otelllm.trace.TraceBuffer.DEFAULT_MAX_SESSIONS;

  /**
   * {@code otel-llm.record-dropped-genai} (true): the application's sampler bean is wrapped so that
   * GenAI spans it drops are still recorded for the buffer (not exported).
   */
  public boolean isRecordDroppedGenai() {
    return recordDroppedGenai;
  }

  public void setRecordDroppedGenai(boolean recordDroppedGenai) {
    this.recordDroppedGenai = recordDroppedGenai;
  }

  /** {@code otel-llm.max-interactions} (100): interactions the in-memory buffer keeps. */
  public int getMaxInteractions() {
    return maxInteractions;
  }

  public void setMaxInteractions(int maxInteractions) {
    if (maxInteractions < 0) {
      throw new IllegalArgumentException(
          "otel-llm.max-interactions must be >= 0, was " + maxInteractions);
    }
    this.maxInteractions = maxInteractions;
  }

  /**
   * {@code otel-llm.max-sessions} (100): open sessions whose histories the buffer keeps beyond its
   * ring at once.
   */
  public int getMaxSessions() {
    return maxSessions;
  }

  public void setMaxSessions(int maxSessions) {
    if (maxSessions < 0) {
      throw new IllegalArgumentException("otel-llm.max-sessions must be >= 0, was " + maxSessions);
    }
    this.maxSessions = maxSessions;
  }

  /**
   * {@code otel-llm.max-interaction-bytes} (0: the buffer's default, 64 MiB): the buffer's byte
   * bound.
   */
  public long getMaxInteractionBytes() {
    return maxInteractionBytes;
  }

  public void setMaxInteractionBytes(long maxInteractionBytes) {
    if (maxInteractionBytes < 0) {
      throw new IllegalArgumentException(
          "otel-llm.max-interaction-bytes must be >= 0, was " + maxInteractionBytes);
    }
    this.maxInteractionBytes = maxInteractionBytes;
  }

  /** {@code otel-llm.content.*}: what spans and the buffer carry (capture {@code full}). */
  public Content getContent() {
    return content;
  }

  /**
   * {@code otel-llm.export-content.*}: what the library's own exporters receive (capture {@code
   * none}). Applies only when the library builds the SDK; a joined application SDK exports what the
   * spans carry.
   */
  public Content getExportContent() {
    return exportContent;
  }

  /**
   * {@code otel-llm.content-placement} ({@code span-only}, {@code event-only}, {@code
   * span-and-event}).
   */
  public ContentPlacement getContentPlacement() {
    return contentPlacement;
  }

  public void setContentPlacement(ContentPlacement contentPlacement) {
    this.contentPlacement = contentPlacement;
  }

  /**
   * {@code otel-llm.service-name} (unset: {@code spring.application.name}, else the library's
   * default): the resource's service name when the library builds the SDK.
   */
  public @Nullable String getServiceName() {
    return serviceName;
  }

  public void setServiceName(@Nullable String serviceName) {
    this.serviceName = serviceName;
  }

  /**
   * {@code otel-llm.otlp-endpoint} (unset: nothing leaves the process): an OTLP http/protobuf
   * endpoint such as {@code http://localhost:4318} for the SDK the library builds. Not used when
   * the application has its own OpenTelemetry (Spring Boot's {@code management.otlp.*} then
   * decide).
   */
  public @Nullable String getOtlpEndpoint() {
    return otlpEndpoint;
  }

  public void setOtlpEndpoint(@Nullable String otlpEndpoint) {
    this.otlpEndpoint = otlpEndpoint;
  }

  /**
   * {@code otel-llm.provider-name} (unset: from the chat options' class, {@code openai} for {@code
   * OpenAiChatOptions}, else Spring AI's provider name): {@code gen_ai.provider.name} of Spring AI
   * model calls.
   */
  public @Nullable String getProviderName() {
    return providerName;
  }

  public void setProviderName(@Nullable String providerName) {
    this.providerName = providerName;
  }

  /** A content policy: {@code capture} and, for {@code truncated}, {@code max-bytes}. */
  public static class Content {
    private String capture;
    private int maxBytes = LlmTracing.DEFAULT_EXPORT_MAX_BYTES;
    private boolean jsonString;

    Content(String capture) {
      this.capture = capture;
    }

    /** {@code none}, {@code metadata}, {@code full} or {@code truncated}. */
    public String getCapture() {
      return capture;
    }

    public void setCapture(String capture) {
      this.capture = capture;
    }

    /** UTF-8 bytes per content attribute under {@code truncated} (2048). */
    public int getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** True: content as JSON strings, for backends without structured attributes (false). */
    public boolean isJsonString() {
      return jsonString;
    }

    public void setJsonString(boolean jsonString) {
      this.jsonString = jsonString;
    }

    /** The policy these settings name; fails with the bad value's name. */
    ContentCapture toCapture(String key) {
      ContentCapture c =
          switch (capture.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> ContentCapture.none();
            case "metadata", "metadata-only", "metadata_only" -> ContentCapture.metadataOnly();
            case "full" -> ContentCapture.full();
            case "truncated" -> ContentCapture.truncated(maxBytes);
            default ->
                throw new IllegalArgumentException(
                    key
                        + ".capture must be none, metadata, full or truncated, was \""
                        + capture
                        + "\"");
          };
      return jsonString ? c.asJsonString() : c;
    }
  }
}
