package dev.otelllm.springai;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import dev.otelllm.trace.RecordGenAiSampler;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import dev.otelllm.trace.TraceBuffer;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration of otel-llm for Spring AI: an {@link LlmTracing} and its {@link
 * TraceBuffer} as beans, an {@link OtelLlmObservationHandler} on the {@code ObservationRegistry}
 * Spring AI builds its models and clients with (Spring Boot's, else one of its own), and an {@link
 * OtelLlmAdvisor} added to every {@code ChatClient.Builder} that Spring AI's auto-configuration
 * hands out. So each model call, through a {@code ChatClient} or on a bare {@code ChatModel}, is
 * this library's GenAI span with content under the {@code otel-llm.*} content policy, each tool
 * execution an {@code execute_tool} span, kept in the buffer.
 *
 * <p>The {@code LlmTracing}: when the application has an {@link OpenTelemetry} bean (Spring Boot's
 * own OpenTelemetry SDK, or the application's), the library joins it and records through it; the
 * buffer and the session-baggage processor are beans of type {@code SpanProcessor}, which Spring
 * Boot's tracing auto-configuration adds to the tracer provider it builds — its exporters, sampler
 * and {@code management.otlp.*} settings stay as they are. An SDK that does not collect {@code
 * SpanProcessor} beans must be given them itself ({@link LlmTracing#addProcessors}), otherwise the
 * buffer stays empty. Without such a bean the library builds its own SDK from the properties
 * ({@code otel-llm.otlp-endpoint} for export). Every bean backs off when the application defines
 * its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration"
    },
    beforeName = {
      "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = OtelLlmProperties.PREFIX,
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(OtelLlmProperties.class)
public class OtelLlmAutoConfiguration {

  /** Public for Spring; use the beans, not this constructor. */
  public OtelLlmAutoConfiguration() {}

  /**
   * The in-memory store of interactions, bounded by {@code otel-llm.max-interactions} and bytes.
   */
  @Bean
  @ConditionalOnMissingBean
  public TraceBuffer otelLlmTraceBuffer(OtelLlmProperties properties) {
    TraceBuffer.Builder b =
        TraceBuffer.builder()
            .maxInteractions(properties.getMaxInteractions())
            .maxSessions(properties.getMaxSessions());
    if (properties.getMaxInteractionBytes() > 0) {
      b.maxBytes(properties.getMaxInteractionBytes());
    }
    return b.build();
  }

  /**
   * Copies {@code session.id} from baggage onto spans of an application SDK that collects span
   * processor beans (the buffer is the other one).
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(OpenTelemetry.class)
  public SessionBaggageSpanProcessor otelLlmSessionBaggageSpanProcessor() {
    return SessionBaggageSpanProcessor.create();
  }

  /**
   * The buffer's log side, for an application SDK whose logger provider collects log record
   * processor beans (Spring Boot's does): content placed on events, and the prompts that other
   * GenAI instrumentations emit as log records, are then kept too.
   */
  @Bean
  @ConditionalOnBean(OpenTelemetry.class)
  public LogRecordProcessor otelLlmLogRecordProcessor(TraceBuffer buffer) {
    return buffer.logRecordProcessor();
  }

  /**
   * The tracing: joins the application's {@link OpenTelemetry} bean when there is one, otherwise
   * builds an SDK from the {@code otel-llm.*} properties. Closed with the context.
   */
  @Bean
  @ConditionalOnMissingBean
  public LlmTracing otelLlmTracing(
      OtelLlmProperties properties,
      TraceBuffer buffer,
      ObjectProvider<OpenTelemetry> openTelemetry,
      Environment environment) {
    ContentCapture capture =
        properties.getContent().toCapture(OtelLlmProperties.PREFIX + ".content");
    OpenTelemetry host = openTelemetry.getIfUnique();
    if (host != null) {
      return LlmTracing.joining(host, buffer)
          .contentCapture(capture)
          .contentPlacement(properties.getContentPlacement())
          .build();
    }
    LlmTracing.Builder b =
        LlmTracing.builder()
            .contentCapture(capture)
            .contentPlacement(properties.getContentPlacement());
    b.traceBuffer(buffer)
        .exportContentCapture(
            properties.getExportContent().toCapture(OtelLlmProperties.PREFIX + ".export-content"));
    String service = properties.getServiceName();
    if (service == null || service.isBlank()) {
      service = environment.getProperty("spring.application.name");
    }
    if (service != null && !service.isBlank()) {
      b.serviceName(service);
    }
    String endpoint = properties.getOtlpEndpoint();
    if (endpoint != null && !endpoint.isBlank()) {
      b.exportOtlp(OtlpExport.builder().endpoint(endpoint).build());
    }
    return b.build();
  }

  /**
   * Wraps the application's {@link Sampler} bean (Spring Boot's samples 10% by default) in {@link
   * RecordGenAiSampler}: a GenAI span the sampler drops is still recorded, not sampled, so the
   * buffer keeps every interaction while what is exported stays exactly as sampled. Off with {@code
   * otel-llm.record-dropped-genai=false}.
   */
  @Bean
  @ConditionalOnClass(name = "io.opentelemetry.sdk.trace.samplers.Sampler")
  @ConditionalOnProperty(
      prefix = OtelLlmProperties.PREFIX,
      name = "record-dropped-genai",
      havingValue = "true",
      matchIfMissing = true)
  public static BeanPostProcessor otelLlmRecordGenAiSampler() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof Sampler s && !(bean instanceof RecordGenAiSampler)
            ? RecordGenAiSampler.wrap(s)
            : bean;
      }
    };
  }

  /**
   * Spring AI's side: the observation handler that records every model call and tool execution, the
   * registry it needs when the application has none, and the advisor on every ChatClient builder
   * for the advisor params and streamed chunks.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ChatClient.class)
  static class SpringAiConfiguration {

    /**
     * Spring Boot's observation auto-configuration registers every {@code ObservationHandler} bean,
     * this one too, on the registry it builds.
     */
    @Bean
    @ConditionalOnMissingBean
    OtelLlmObservationHandler otelLlmObservationHandler(
        LlmTracing tracing, OtelLlmProperties properties) {
      String provider = properties.getProviderName();
      return provider != null && !provider.isBlank()
          ? OtelLlmObservationHandler.create(tracing, provider)
          : OtelLlmObservationHandler.create(tracing);
    }

    /**
     * Without Spring Boot's observation support (no actuator), Spring AI's auto-configurations
     * build its models and clients with a no-op registry, whose observations no handler sees: this
     * registry has the handler and nothing else.
     */
    @Bean
    @ConditionalOnMissingBean(ObservationRegistry.class)
    ObservationRegistry otelLlmObservationRegistry(
        OtelLlmObservationHandler handler, ObjectProvider<ObservationHandler<?>> handlers) {
      // Created first, so that a Micrometer tracing member has taken the calls over by now.
      handlers.orderedStream().forEach(h -> {});
      ObservationRegistry registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(handler);
      // Other components that take the registry bean (HTTP server and clients) would otherwise
      // make real observations of their own, for no handler. Spring AI's all stay: the handler
      // finds the caller's context through the chain of its client, advisor and model ones.
      registry
          .observationConfig()
          .observationPredicate(
              (name, context) ->
                  context.getClass().getName().startsWith("org.springframework.ai."));
      // Micrometer tracing without Spring Boot's observations: nothing else would register it.
      ObservationHandler<?> calls = handler.callHandler();
      if (calls != null) {
        registry.observationConfig().observationHandler(calls);
      }
      return registry;
    }

    /**
     * Tool exceptions that Spring AI hands to the model as results still mark their span failed.
     */
    @Bean
    static BeanPostProcessor otelLlmToolFailureReporter(
        ObjectProvider<OtelLlmObservationHandler> handler) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
          return bean instanceof ToolExecutionExceptionProcessor p
                  && !(bean instanceof ToolFailureReporter)
              ? new ToolFailureReporter(p, handler::getIfUnique)
              : bean;
        }
      };
    }

    @Bean
    @ConditionalOnMissingBean
    OtelLlmAdvisor otelLlmAdvisor() {
      return OtelLlmAdvisor.create();
    }

    @Bean
    ChatClientCustomizer otelLlmChatClientCustomizer(OtelLlmAdvisor advisor) {
      return builder -> builder.defaultAdvisors(advisor);
    }
  }

  /**
   * With Micrometer tracing, the handler goes first in its tracing handler group, so that Spring
   * AI's model and tool observations are this library's spans and not also Micrometer's.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "io.micrometer.tracing.handler.TracingObservationHandler",
        "org.springframework.ai.chat.client.ChatClient"
      })
  @ConditionalOnBean(type = "io.micrometer.tracing.Tracer")
  static class MicrometerTracingConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ObservationHandler<?> otelLlmMicrometerTracingHandler(
        OtelLlmObservationHandler handler, io.micrometer.tracing.Tracer tracer) {
      return new MicrometerTracingHandler(handler, tracer);
    }
  }
}
