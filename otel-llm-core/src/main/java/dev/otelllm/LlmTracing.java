package dev.otelllm;

import dev.otelllm.internal.ExportPipelines;
import dev.otelllm.internal.ExportPolicyProcessor;
import dev.otelllm.internal.GenAiMetrics;
import dev.otelllm.internal.OtlpExporters;
import dev.otelllm.internal.TracingLlmProvider;
import dev.otelllm.trace.RecordGenAiSampler;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry side of the library: the tracer and meter that record GenAI spans and metrics,
 * the in-memory {@link TraceBuffer}, and the content policies.
 *
 * <p>Either it builds its own {@link OpenTelemetrySdk} (the default: always-on sampling, the
 * session-baggage processor, the buffer, and any exporters added to the builder, each behind the
 * export content policy and a batch processor; a logger provider whose only processor is the
 * buffer's, for instrumentations that emit GenAI content as log records), or it joins an {@link
 * OpenTelemetry} the application already has ({@link #joining}). It registers nothing globally
 * unless {@link Builder#registerGlobal(boolean)} asks it to.
 *
 * <p>Two content settings: {@link Builder#contentCapture} decides what the spans carry, and so what
 * stays in memory (default: full content, the reference's complete transparency); {@link
 * Builder#exportContentCapture} decides what leaves the process through the exporters added here
 * (default: none, as the conventions ask).
 *
 * <p>Thread-safe. {@link #close()} flushes and shuts down an SDK this instance built, bounded by
 * ten seconds; a joined OpenTelemetry is left alone.
 */
public final class LlmTracing implements AutoCloseable {

  /** Instrumentation scope name of the spans and metrics. */
  public static final String INSTRUMENTATION_NAME = "dev.otelllm";

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk ownedSdk;
  private final TraceBuffer buffer;
  private final Tracer tracer;
  private final GenAiMetrics metrics;
  private final ContentCapture contentCapture;
  private final ContentCapture exportContentCapture;
  private final ContentPlacement contentPlacement;
  private final List<ExportPolicyProcessor> exportProcessors;
  private final AutoCloseable ownedJoined;
  private final Duration closeTimeout;
  // Set once close() returns: the counts as they stood then, with what was still queued counted as
  // dropped, so that answers arriving later do not change them.
  private volatile ExportStats finalStats;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private LlmTracing(Builder b) {
    this.exportProcessors = new java.util.concurrent.CopyOnWriteArrayList<>(b.exportProcessors);
    this.closeTimeout = b.closeTimeout;
    this.contentPlacement = b.contentPlacement;
    this.contentCapture = b.contentCapture;
    this.exportContentCapture = b.exportContentCapture;
    if (b.joined != null) {
      this.openTelemetry = b.joined;
      this.ownedSdk = null;
      this.buffer = b.buffer;
      this.ownedJoined = b.ownedJoined;
    } else {
      this.ownedJoined = null;
      this.buffer = b.buffer != null ? b.buffer : b.bounds.build();
      Resource resource =
          Resource.getDefault()
              .merge(
                  Resource.create(
                      Attributes.of(
                          io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                          b.serviceName != null ? b.serviceName : Builder.defaultServiceName())));
      SdkTracerProviderBuilder tracing = SdkTracerProvider.builder().setResource(resource);
      if (b.sampler != null) {
        tracing.setSampler(RecordGenAiSampler.wrap(b.sampler));
      }
      addProcessors(tracing, buffer);
      // Other instrumentations given this OpenTelemetry (OpenAITelemetry.builder(..)) emit the
      // content as log records: the buffer's processor is this logger provider's only one.
      SdkLoggerProviderBuilder logging = SdkLoggerProvider.builder().setResource(resource);
      addProcessors(logging, buffer);
      SdkMeterProviderBuilder metering = SdkMeterProvider.builder().setResource(resource);
      b.metricReaders.forEach(metering::registerMetricReader);
      // The batch processors report their queue through the meter provider built below.
      java.util.concurrent.atomic.AtomicReference<io.opentelemetry.api.metrics.MeterProvider>
          meters =
              new java.util.concurrent.atomic.AtomicReference<>(
                  io.opentelemetry.api.metrics.MeterProvider.noop());
      // Exporters added by hand get the default queue bounds and the SDK's usual exporter timeout;
      // the OTLP exporter gets the queue of its own settings and a timeout that covers its retries.
      for (SpanExporter exporter : b.exporters) {
        addExportPipeline(
            tracing,
            ExportPipelines.batched(
                exporter, exportContentCapture, b.queueSettings, b.exporterTimeout, meters::get));
      }
      OtlpExport otlp = b.otlp;
      if (otlp != null) {
        addExportPipeline(
            tracing,
            ExportPipelines.batched(
                OtlpExporters.spans(otlp),
                exportContentCapture,
                otlp,
                OtlpExporters.worstCase(otlp),
                meters::get));
        if (otlp.exportsMetrics()) {
          metering.registerMetricReader(
              PeriodicMetricReader.builder(OtlpExporters.metrics(otlp))
                  .setInterval(otlp.metricInterval())
                  .build());
        }
      }
      if (otlp != null && b.contentPlacement.onEvent()) {
        // The content events leave like the spans: governed by the export content policy before
        // they wait in the queue, and only for sampled spans.
        logging.addLogRecordProcessor(
            new dev.otelllm.internal.GovernedLogProcessor(
                io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor.builder(
                        OtlpExporters.logs(otlp))
                    .setMaxQueueSize(otlp.maxQueueSize())
                    .setScheduleDelay(otlp.scheduleDelay())
                    .build(),
                exportContentCapture));
      }
      SdkMeterProvider meterProvider = metering.build();
      meters.set(meterProvider);
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(tracing.build())
              .setLoggerProvider(logging.build())
              .setMeterProvider(meterProvider)
              .setPropagators(
                  ContextPropagators.create(
                      TextMapPropagator.composite(
                          W3CTraceContextPropagator.getInstance(),
                          W3CBaggagePropagator.getInstance())))
              .build();
      if (b.registerGlobal) {
        try {
          GlobalOpenTelemetry.set(sdk);
        } catch (IllegalStateException e) {
          // Do not leave an SDK (and its export threads) running that nobody can reach.
          sdk.shutdown().join(10, TimeUnit.SECONDS);
          throw new IllegalStateException(
              "registerGlobal: a global OpenTelemetry is already set", e);
        }
      }
      this.openTelemetry = sdk;
      this.ownedSdk = sdk;
    }
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.metrics = new GenAiMetrics(openTelemetry.getMeter(INSTRUMENTATION_NAME));
  }

  private void addExportPipeline(SdkTracerProviderBuilder tracing, ExportPolicyProcessor pipeline) {
    exportProcessors.add(pipeline);
    tracing.addSpanProcessor(pipeline);
  }

  /**
   * The export content budget that fits what backends keep of an attribute by default (Grafana
   * Tempo keeps 2,048 bytes); see {@link ContentCapture#truncated(int)}.
   */
  public static final int DEFAULT_EXPORT_MAX_BYTES = 2048;

  /**
   * Records into an SDK built by OpenTelemetry's autoconfigure from the standard {@code OTEL_*}
   * environment variables and system properties ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
   * OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_SERVICE_NAME},
   * {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_TRACES_SAMPLER}, ...), with this library's buffer
   * ({@code otel.llm.max.interactions}, default 100; its log record processor goes on the logger
   * provider, so that content other instrumentations emit as log records is kept too), baggage
   * processor, export content policy and sampler wrapper added through the autoconfigure builder's
   * customizers. The OTLP protocol defaults to http/protobuf here (the JDK's HTTP client; gRPC
   * needs an extra sender). {@link #exportStats()} counts what the exporters autoconfigure built
   * did with the spans, as for {@link Builder#exportOtlp}. With {@code OTEL_SDK_DISABLED=true} it
   * records in memory only, exports nothing. The SDK is not registered globally; {@link #close()}
   * shuts it down.
   *
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException for a bad setting, naming
   *     it
   */
  public static LlmTracing autoconfigured() {
    // Made by whichever of the tracer and logger provider customizers runs first.
    TraceBuffer[] buffer = new TraceBuffer[1];
    String[] captureSetting = new String[1];
    java.util.function.Function<
            io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties, TraceBuffer>
        bufferOf =
            config -> {
              if (buffer[0] == null) {
                captureSetting[0] =
                    config.getString("otel.instrumentation.genai.capture-message-content");
                buffer[0] = dev.otelllm.internal.BufferSettings.buffer(config);
              }
              return buffer[0];
            };
    List<ExportPolicyProcessor> pipelines = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk auto =
        io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    java.util.Map.of(
                        "otel.exporter.otlp.protocol",
                        "http/protobuf",
                        dev.otelllm.internal.LlmAutoConfiguration.BUILT_BY_LIBRARY,
                        "true"))
            .addTracerProviderCustomizer(
                (builder, config) -> addProcessors(builder, bufferOf.apply(config)))
            .addLoggerProviderCustomizer(
                (builder, config) -> addProcessors(builder, bufferOf.apply(config)))
            .addSpanExporterCustomizer(dev.otelllm.internal.LlmAutoConfiguration::settlingExporter)
            .addLogRecordExporterCustomizer(
                dev.otelllm.internal.LlmAutoConfiguration::governedLogExporter)
            .addSpanProcessorCustomizer(
                (processor, config) -> {
                  ExportPolicyProcessor p =
                      dev.otelllm.internal.LlmAutoConfiguration.boundedProcessor(processor, config);
                  pipelines.add(p);
                  return p;
                })
            .addSamplerCustomizer(dev.otelllm.internal.LlmAutoConfiguration::recordDroppedGenAi)
            .build();
    OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
    if (buffer[0] == null) {
      // OTEL_SDK_DISABLED: nothing may leave the process, but the program still reads its own
      // interactions back, as with tracing built here and no exporter.
      sdk.shutdown().join(10, TimeUnit.SECONDS);
      return builder().build();
    }
    Builder b = joining(sdk, buffer[0]).settings;
    String capture = captureSetting[0] == null ? "" : captureSetting[0].trim();
    if (capture.equalsIgnoreCase("NO_CONTENT") || capture.equalsIgnoreCase("false")) {
      b.contentCapture(ContentCapture.none());
    } else if (!capture.isEmpty()) {
      try {
        b.contentPlacement(ContentPlacement.fromSetting(capture));
      } catch (IllegalArgumentException e) {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
        throw new io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException(
            "otel.instrumentation.genai.capture-message-content: " + e.getMessage(), e);
      }
    }
    b.ownedJoined = sdk;
    b.exportProcessors = pipelines;
    return b.build();
  }

  /** Its own SDK, 100 interactions kept in memory with full content, nothing exported. */
  public static LlmTracing create() {
    return builder().build();
  }

  /**
   * A builder of tracing with its own SDK: buffer bounds, content policies, exporters, OTLP,
   * sampler, metric readers, service name. To record into an OpenTelemetry the application already
   * has, use {@link #joining(OpenTelemetry, TraceBuffer)}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records into the application's OpenTelemetry instead of building one, with {@code buffer} as
   * the in-memory store; that buffer must have been added to the application's tracer provider (see
   * {@link LlmTracing#addProcessors}), or it stays empty, and its log record processor to the
   * logger provider for the content that other instrumentations emit as log records. Only the
   * content settings apply: the application's pipeline decides what is exported, sampled and where
   * metrics go.
   *
   * <p>Under the Java agent, {@code GlobalOpenTelemetry.get()} is the agent's SDK, which lives in
   * the agent's class loader: the application cannot add a buffer to it, so this buffer stays empty
   * (the agent extension jar adds the library's processors and export policy there). To query
   * interactions in process under the agent, use {@link LlmTracing#autoconfigured()} instead: its
   * spans are children of the agent's spans and are exported once, by the library.
   */
  public static JoinBuilder joining(OpenTelemetry openTelemetry, TraceBuffer buffer) {
    return new JoinBuilder(openTelemetry, buffer);
  }

  /**
   * Adds the library's span processors (session baggage, then the buffer) to an application's own
   * tracer provider builder, so that its SDK feeds {@code buffer}. Pass the same buffer to {@link
   * #joining(OpenTelemetry, TraceBuffer)}. To keep the content that other instrumentations emit as
   * log records too, use {@link #addProcessors(SdkTracerProviderBuilder, SdkLoggerProviderBuilder,
   * TraceBuffer)}.
   */
  public static SdkTracerProviderBuilder addProcessors(
      SdkTracerProviderBuilder builder, TraceBuffer buffer) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(buffer, "buffer");
    return builder.addSpanProcessor(SessionBaggageSpanProcessor.create()).addSpanProcessor(buffer);
  }

  /**
   * As {@link #addProcessors(SdkTracerProviderBuilder, TraceBuffer)}, and adds the buffer's {@link
   * TraceBuffer#logRecordProcessor() log record processor} to the same SDK's logger provider
   * builder: interactions recorded by other GenAI instrumentations (the official openai-java one,
   * whose prompts and answers are log records) are then kept with their content. The records reach
   * the application's own log processors and exporters unchanged.
   */
  public static void addProcessors(
      SdkTracerProviderBuilder tracerProvider,
      SdkLoggerProviderBuilder loggerProvider,
      TraceBuffer buffer) {
    Objects.requireNonNull(loggerProvider, "loggerProvider");
    addProcessors(tracerProvider, buffer);
    addProcessors(loggerProvider, buffer);
  }

  private static SdkLoggerProviderBuilder addProcessors(
      SdkLoggerProviderBuilder builder, TraceBuffer buffer) {
    return builder.addLogRecordProcessor(buffer.logRecordProcessor());
  }

  /** Decorates a provider so that each call becomes a GenAI span. */
  public LlmProvider wrap(LlmProvider provider) {
    Objects.requireNonNull(provider, "provider");
    if (provider instanceof TracingLlmProvider) {
      return provider;
    }
    return new TracingLlmProvider(
        provider,
        tracer,
        metrics,
        contentCapture,
        contentPlacement,
        contentPlacement.onEvent()
            ? openTelemetry.getLogsBridge().get(INSTRUMENTATION_NAME)
            : null);
  }

  /**
   * Opens an {@code invoke_workflow {name}} span and makes it current on this thread until the
   * scope is closed; interactions started inside become its children. Close it on the same thread.
   */
  public WorkflowScope workflow(String name) {
    return WorkflowScope.open(tracer, name, contentCapture.redactor());
  }

  /**
   * Opens an {@code execute_tool {name}} span for running one tool call (see {@link ToolScope}).
   */
  public ToolScope tool(Part.ToolCall call) {
    return ToolScope.open(tracer, call, null, contentCapture);
  }

  /**
   * As {@link #tool(Part.ToolCall)}, with the tool's definition: its description is recorded too.
   */
  public ToolScope tool(Part.ToolCall call, ToolDefinition definition) {
    Objects.requireNonNull(definition, "definition");
    return ToolScope.open(tracer, call, definition.description(), contentCapture);
  }

  /** The in-memory buffer; empty and unconnected when a joined SDK was given none. */
  public TraceBuffer traceBuffer() {
    return buffer;
  }

  /** The OpenTelemetry this instance records to. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** What spans (and so the buffer) carry of the content. */
  public ContentCapture contentCapture() {
    return contentCapture;
  }

  /** What leaves the process through the exporters added to this builder. */
  public ContentCapture exportContentCapture() {
    return exportContentCapture;
  }

  /** Where recorded content goes: on the span, on the details event, or both. */
  public ContentPlacement contentPlacement() {
    return contentPlacement;
  }

  /**
   * What the exporters added to this builder did with the spans handed to them: queued, exported,
   * failed, dropped. Zeros when there is none or the SDK was joined; under {@link
   * #autoconfigured()} the pipelines of the exporters autoconfigure built.
   */
  public ExportStats exportStats() {
    ExportStats frozen = finalStats;
    return frozen != null ? frozen : liveStats();
  }

  private ExportStats liveStats() {
    long queued = 0;
    long exported = 0;
    long failed = 0;
    long dropped = 0;
    for (ExportPolicyProcessor p : exportProcessors) {
      ExportStats s = p.stats();
      queued += s.queued();
      exported += s.exported();
      failed += s.failed();
      dropped += s.dropped();
    }
    return new ExportStats(queued, exported, failed, dropped);
  }

  /**
   * Exports what is queued and sends the metrics, waiting at most {@code timeout} in all. True when
   * everything queued before the call was accepted by the receivers in time; false when an export
   * failed or the time ran out. Blocks the calling thread. True at once for a joined SDK, whose
   * pipeline belongs to the application.
   */
  public boolean forceFlush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    OpenTelemetrySdk sdk =
        ownedSdk != null ? ownedSdk : ownedJoined instanceof OpenTelemetrySdk own ? own : null;
    if (sdk == null) {
      return true;
    }
    io.opentelemetry.sdk.common.CompletableResultCode flush =
        io.opentelemetry.sdk.common.CompletableResultCode.ofAll(
            List.of(
                sdk.getSdkTracerProvider().forceFlush(),
                sdk.getSdkLoggerProvider().forceFlush(),
                sdk.getSdkMeterProvider().forceFlush()));
    return flush.join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
  }

  /**
   * Flushes and shuts down an SDK this instance built (traces and metrics together), returning
   * within the close timeout ({@link Builder#closeTimeout}, default ten seconds) however the
   * collector behaves. When it returns, {@link #exportStats()} is final: spans not answered by then
   * count as dropped. A joined OpenTelemetry is left alone. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    AutoCloseable sdk = ownedSdk != null ? ownedSdk : ownedJoined;
    if (sdk != null) {
      // A metric reader's shutdown blocks its caller before its own bound starts: shutting down on
      // another thread puts the whole close under one bound.
      Thread closer =
          new Thread(
              () -> {
                try {
                  if (sdk instanceof OpenTelemetrySdk own) {
                    own.shutdown().join(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                  } else {
                    sdk.close();
                  }
                } catch (Exception e) {
                  java.util.logging.Logger.getLogger(LlmTracing.class.getName())
                      .log(
                          java.util.logging.Level.WARNING,
                          "shutting down the OpenTelemetry SDK failed",
                          e);
                }
              },
              "otel-llm-close");
      closer.setDaemon(true);
      closer.start();
      try {
        closer.join(closeTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ExportStats last = liveStats();
    finalStats = new ExportStats(0, last.exported(), last.failed(), last.dropped() + last.queued());
  }

  /** Builds {@link LlmTracing}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    // The bounds of the buffer built here, checked and defaulted by the buffer's own builder.
    private final TraceBuffer.Builder bounds = TraceBuffer.builder();
    private TraceBuffer buffer;
    private String boundSetting;
    private ContentCapture contentCapture = ContentCapture.full();
    private ContentCapture exportContentCapture = ContentCapture.none();
    private final List<SpanExporter> exporters = new ArrayList<>();
    private final List<MetricReader> metricReaders = new ArrayList<>();
    // Read when the SDK is built, not when the class is loaded: the environment of the build
    // counts.
    private String serviceName;
    private boolean registerGlobal;
    private OpenTelemetry joined;
    private AutoCloseable ownedJoined;
    private List<ExportPolicyProcessor> exportProcessors = List.of();
    private Duration closeTimeout = Duration.ofSeconds(10);
    private ContentPlacement contentPlacement = ContentPlacement.SPAN_ONLY;
    private OtlpExport queueSettings = OtlpExport.defaults();
    private Duration exporterTimeout = Duration.ofSeconds(30);
    private OtlpExport otlp;
    private io.opentelemetry.sdk.trace.samplers.Sampler sampler;

    private Builder() {}

    /** Interactions kept in memory; {@code >= 0}, default 100; 0 records spans but keeps none. */
    public Builder maxInteractions(int maxInteractions) {
      refuseWithGivenBuffer("maxInteractions");
      bounds.maxInteractions(maxInteractions);
      return this;
    }

    /**
     * Estimated bytes kept in memory, ring and session histories together; default {@value
     * TraceBuffer#DEFAULT_MAX_BYTES} (64 MiB), {@code Long.MAX_VALUE} for no byte bound.
     */
    public Builder maxInteractionBytes(long maxInteractionBytes) {
      refuseWithGivenBuffer("maxInteractionBytes");
      if (maxInteractionBytes <= 0) {
        throw new IllegalArgumentException(
            "maxInteractionBytes must be > 0, was " + maxInteractionBytes);
      }
      bounds.maxBytes(maxInteractionBytes);
      return this;
    }

    /**
     * Open sessions whose histories the buffer keeps beyond its ring at once; default {@value
     * TraceBuffer#DEFAULT_MAX_SESSIONS}, {@code >= 0}. One more ends the retention of the least
     * recently active one.
     */
    public Builder maxSessions(int maxSessions) {
      refuseWithGivenBuffer("maxSessions");
      bounds.maxSessions(maxSessions);
      return this;
    }

    /**
     * Use this buffer, with its own bounds, instead of building one.
     *
     * @throws IllegalStateException when {@link #maxInteractions}, {@link #maxInteractionBytes} or
     *     {@link #maxSessions} was set: those bound a buffer built here
     */
    public Builder traceBuffer(TraceBuffer buffer) {
      Objects.requireNonNull(buffer, "buffer");
      if (boundSetting != null) {
        throw boundsOfAGivenBuffer(boundSetting);
      }
      this.buffer = buffer;
      return this;
    }

    private void refuseWithGivenBuffer(String setting) {
      if (buffer != null) {
        throw boundsOfAGivenBuffer(setting);
      }
      boundSetting = setting;
    }

    private static IllegalStateException boundsOfAGivenBuffer(String setting) {
      return new IllegalStateException(
          setting
              + " bounds the buffer built here; a given traceBuffer has its own bounds:"
              + " set them on TraceBuffer.builder()");
    }

    /** What the spans carry of prompts and answers; default {@link ContentCapture#full()}. */
    public Builder contentCapture(ContentCapture capture) {
      this.contentCapture = Objects.requireNonNull(capture, "capture");
      return this;
    }

    /**
     * What leaves the process through {@link #addSpanExporter exporters}; default {@link
     * ContentCapture#none()}. It cannot add what {@link #contentCapture} did not record.
     */
    public Builder exportContentCapture(ContentCapture capture) {
      this.exportContentCapture = Objects.requireNonNull(capture, "capture");
      return this;
    }

    /** Exports spans (batched, behind the export content policy) from the SDK built here. */
    public Builder addSpanExporter(SpanExporter exporter) {
      exporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /**
     * Ships spans (and, unless turned off, metrics) over OTLP from the SDK built here, behind the
     * export content policy and a bounded queue that never blocks the application.
     *
     * @throws IllegalStateException at {@link #build()} when gRPC is asked for and its sender is
     *     not on the classpath
     */
    public Builder exportOtlp(OtlpExport export) {
      this.otlp = Objects.requireNonNull(export, "export");
      return this;
    }

    /**
     * Samples what is exported: spans the sampler drops are not exported, but GenAI spans are still
     * recorded, so the in-memory buffer keeps every interaction. Default: everything.
     */
    public Builder sampler(io.opentelemetry.sdk.trace.samplers.Sampler sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /** Reads the GenAI client metrics from the SDK built here. */
    public Builder addMetricReader(MetricReader reader) {
      metricReaders.add(Objects.requireNonNull(reader, "reader"));
      return this;
    }

    /**
     * {@code service.name} of the SDK built here; default {@code OTEL_SERVICE_NAME} or otel-llm.
     */
    public Builder serviceName(String serviceName) {
      Objects.requireNonNull(serviceName, "serviceName");
      if (serviceName.isBlank()) {
        throw new IllegalArgumentException("serviceName must not be blank");
      }
      this.serviceName = serviceName;
      return this;
    }

    /**
     * The longest {@link LlmTracing#close()} waits for the SDK to send what is queued and shut
     * down, traces and metrics together; default ten seconds, positive.
     */
    public Builder closeTimeout(Duration closeTimeout) {
      Objects.requireNonNull(closeTimeout, "closeTimeout");
      if (closeTimeout.isNegative() || closeTimeout.isZero()) {
        throw new IllegalArgumentException("closeTimeout must be positive, was " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Where recorded content goes: on the span (default), on a {@code
     * gen_ai.client.inference.operation.details} event, or both. Events go through the Logs API of
     * the OpenTelemetry recorded into; with {@link #exportOtlp} they are exported over OTLP logs
     * behind the export content policy, and the in-memory buffer reads them either way.
     */
    public Builder contentPlacement(ContentPlacement placement) {
      this.contentPlacement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /**
     * How long one export through an exporter added with {@link #addSpanExporter} may take before
     * its batch counts as failed and its room in the queue is freed; default 30 seconds, as the
     * SDK's batch processor. OTLP export derives its own from its timeout and retries.
     */
    public Builder exporterTimeout(Duration exporterTimeout) {
      Objects.requireNonNull(exporterTimeout, "exporterTimeout");
      if (exporterTimeout.isNegative() || exporterTimeout.isZero()) {
        throw new IllegalArgumentException(
            "exporterTimeout must be positive, was " + exporterTimeout);
      }
      this.exporterTimeout = exporterTimeout;
      return this;
    }

    /** The queue bounds of exporters added with {@link #addSpanExporter}; for tests. */
    Builder queueSettings(OtlpExport settings) {
      this.queueSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Registers the SDK built here as {@link GlobalOpenTelemetry}; default false. */
    public Builder registerGlobal(boolean registerGlobal) {
      this.registerGlobal = registerGlobal;
      return this;
    }

    public LlmTracing build() {
      return new LlmTracing(this);
    }

    private static String defaultServiceName() {
      String env = System.getenv("OTEL_SERVICE_NAME");
      return env == null || env.isBlank() ? "otel-llm" : env;
    }
  }

  /**
   * Builds {@link LlmTracing} that records into an OpenTelemetry the application already has. Only
   * content settings: everything about export belongs to the application's pipeline. Not
   * thread-safe.
   */
  public static final class JoinBuilder {
    private final Builder settings = new Builder();

    private JoinBuilder(OpenTelemetry openTelemetry, TraceBuffer buffer) {
      settings.joined = Objects.requireNonNull(openTelemetry, "openTelemetry");
      settings.buffer = Objects.requireNonNull(buffer, "buffer");
    }

    /** What the spans carry of prompts and answers; default {@link ContentCapture#full()}. */
    public JoinBuilder contentCapture(ContentCapture capture) {
      settings.contentCapture(capture);
      return this;
    }

    /** Where recorded content goes; see {@link Builder#contentPlacement}. */
    public JoinBuilder contentPlacement(ContentPlacement placement) {
      settings.contentPlacement(placement);
      return this;
    }

    public LlmTracing build() {
      return new LlmTracing(settings);
    }
  }
}
