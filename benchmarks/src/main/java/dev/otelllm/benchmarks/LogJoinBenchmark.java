package dev.otelllm.benchmarks;

import dev.otelllm.LlmTracing;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Caller-thread cost of an interaction recorded by another instrumentation, as the official
 * openai-java instrumentation records it: a chat span with its content on three log records (the
 * system and user message events and the choice event, ~2 KB of text), joined by the buffer when
 * the span ends; next to the same span with its content as attributes (our own way), and the span
 * alone with no content.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class LogJoinBenchmark {

  private OpenTelemetrySdk sdk;
  private Tracer tracer;
  private Logger logger;
  private final String prompt = Fixtures.PROMPT_2K.substring(0, 1024);
  private final String answer = Fixtures.ANSWER_2K.substring(0, 1024);
  private Value<?> input;
  private Value<?> output;

  @Setup(Level.Trial)
  public void setUp() {
    TraceBuffer buffer = TraceBuffer.create(1000);
    SdkTracerProviderBuilder tp = SdkTracerProvider.builder();
    SdkLoggerProviderBuilder lp = SdkLoggerProvider.builder();
    LlmTracing.addProcessors(tp, lp, buffer);
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tp.build())
            .setLoggerProvider(lp.build())
            .build();
    tracer = sdk.getTracer("bench");
    logger = sdk.getLogsBridge().get("bench");
    input =
        Value.of(
            Value.of(
                Map.of(
                    "role",
                    Value.of("user"),
                    "parts",
                    Value.of(
                        Value.of(Map.of("type", Value.of("text"), "content", Value.of(prompt)))))));
    output =
        Value.of(
            Value.of(
                Map.of(
                    "role",
                    Value.of("assistant"),
                    "parts",
                    Value.of(
                        Value.of(Map.of("type", Value.of("text"), "content", Value.of(answer)))))));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  private Span start() {
    return tracer
        .spanBuilder("chat gpt-4o-mini")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o-mini")
        .startSpan();
  }

  @Benchmark
  public void spanWithoutContent() {
    start().end();
  }

  @Benchmark
  public void contentAsAttributes() {
    Span span = start();
    span.setAttribute(AttributeKey.valueKey("gen_ai.input.messages"), input);
    span.setAttribute(AttributeKey.valueKey("gen_ai.output.messages"), output);
    span.end();
  }

  @Benchmark
  public void contentAsLogRecords() {
    Span span = start();
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      Context context = Context.current();
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.system.message")
          .setContext(context)
          .setBody(Value.of(Map.of("content", Value.of("You are a Python code generator."))))
          .emit();
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.user.message")
          .setContext(context)
          .setBody(Value.of(Map.of("content", Value.of(prompt))))
          .emit();
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.choice")
          .setContext(context)
          .setBody(
              Value.of(
                  Map.of(
                      "index",
                      Value.of(0L),
                      "finish_reason",
                      Value.of("stop"),
                      "message",
                      Value.of(
                          Map.of("role", Value.of("assistant"), "content", Value.of(answer))))))
          .emit();
    }
    span.end();
  }
}
