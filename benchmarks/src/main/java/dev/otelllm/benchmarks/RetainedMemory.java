package dev.otelllm.benchmarks;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import org.openjdk.jol.info.GraphLayout;

/**
 * Heap retained per kept interaction: JOL walks the whole buffer after N generations and the total
 * is divided by N. Content bytes are the characters of prompt, system prompt and answer (Latin-1
 * strings take one byte per character). Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.otelllm.benchmarks.RetainedMemory} (add {@code -Dfootprint=true} for a table per class).
 */
public final class RetainedMemory {

  private RetainedMemory() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    report("2 KB prompt + 2 KB answer, full content", n, Fixtures.PROMPT_2K, true);
    report("short prompt + 2 KB answer, full content", n, "short prompt", true);
    reportFromLogRecords("2 KB prompt + 2 KB answer, content from log records", n);
    System.exit(0);
  }

  /**
   * The same content recorded as another instrumentation records it: a chat span whose prompt and
   * answer come as log records (the official openai-java instrumentation's events), joined by the
   * buffer.
   */
  private static void reportFromLogRecords(String label, int n) {
    TraceBuffer buffer = TraceBuffer.builder().maxInteractions(n).maxBytes(Long.MAX_VALUE).build();
    io.opentelemetry.sdk.trace.SdkTracerProviderBuilder tp =
        io.opentelemetry.sdk.trace.SdkTracerProvider.builder();
    io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder lp =
        io.opentelemetry.sdk.logs.SdkLoggerProvider.builder();
    LlmTracing.addProcessors(tp, lp, buffer);
    io.opentelemetry.sdk.OpenTelemetrySdk sdk =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder()
            .setTracerProvider(tp.build())
            .setLoggerProvider(lp.build())
            .build();
    io.opentelemetry.api.trace.Tracer tracer = sdk.getTracer("other-instrumentation");
    io.opentelemetry.api.logs.Logger logger = sdk.getLogsBridge().get("other-instrumentation");
    for (int i = 0; i < n; i++) {
      io.opentelemetry.api.trace.Span span =
          tracer
              .spanBuilder("chat gpt-4o-mini")
              .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.provider.name", "openai")
              .setAttribute("gen_ai.request.model", "gpt-4o-mini")
              .setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
              .setAttribute("gen_ai.usage.input_tokens", 512L)
              .setAttribute("gen_ai.usage.output_tokens", 512L)
              .startSpan();
      io.opentelemetry.context.Context context = io.opentelemetry.context.Context.root().with(span);
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.user.message")
          .setContext(context)
          .setBody(
              io.opentelemetry.api.common.Value.of(
                  java.util.Map.of(
                      "content", io.opentelemetry.api.common.Value.of(Fixtures.PROMPT_2K + i))))
          .emit();
      logger
          .logRecordBuilder()
          .setEventName("gen_ai.choice")
          .setContext(context)
          .setBody(
              io.opentelemetry.api.common.Value.of(
                  java.util.Map.of(
                      "index", io.opentelemetry.api.common.Value.of(0L),
                      "finish_reason", io.opentelemetry.api.common.Value.of("stop"),
                      "message",
                          io.opentelemetry.api.common.Value.of(
                              java.util.Map.of(
                                  "content",
                                  io.opentelemetry.api.common.Value.of(Fixtures.ANSWER_2K + i))))))
          .emit();
      span.end();
    }
    print(label, buffer);
    sdk.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static void report(String label, int n, String prompt, boolean session) {
    TraceBuffer buffer = TraceBuffer.builder().maxInteractions(n).maxBytes(Long.MAX_VALUE).build();
    LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build();
    // Each answer a distinct string, as from a real model, so that none is shared between records.
    java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    dev.otelllm.LlmProvider distinct =
        new dev.otelllm.LlmProvider() {
          private final dev.otelllm.ProviderInfo info = new Fixtures.InstantProvider().info();

          @Override
          public dev.otelllm.ProviderInfo info() {
            return info;
          }

          @Override
          public dev.otelllm.LlmResponse generate(dev.otelllm.LlmRequest request) {
            return dev.otelllm.LlmResponse.builder()
                .content(Fixtures.ANSWER_2K + calls.incrementAndGet())
                .finishReason("stop")
                .model("gpt-4o-mini-2024-07-18")
                .responseId("chatcmpl-" + calls.get())
                .usage(dev.otelllm.Usage.of(512, 512))
                .build();
          }
        };
    LlmClient client = LlmClient.builder(distinct).tracing(tracing).build();
    try (Session s = client.session().maxHistory(0).build()) {
      for (int i = 0; i < n; i++) {
        String p = prompt + i;
        if (session) {
          s.clearHistory();
          s.generate(p, "code_generation", 1);
        } else {
          client.generate(p);
        }
      }
    }
    print(label, buffer);
    tracing.close();
  }

  /**
   * Retained bytes of the buffer's interactions, with and without their content characters (strings
   * shared by every interaction, such as model and provider names, count once).
   */
  private static void print(String label, TraceBuffer buffer) {
    long contentBytes = 0;
    for (Interaction t : buffer.getTraces()) {
      contentBytes += t.systemPrompt().length() + t.response().content().length();
      for (Message m : t.messages()) {
        for (Part part : m.parts()) {
          if (part instanceof Part.Text text) {
            contentBytes += text.content().length();
          }
        }
      }
    }
    GraphLayout layout = GraphLayout.parseInstance(buffer);
    long total = layout.totalSize();
    // Strings shared by every interaction (model and provider names, the system prompt) count once.
    System.out.printf(
        "%s: %d interactions, %d B retained in all, %.0f B per interaction, "
            + "%.0f B content per interaction, %.0f B overhead per interaction%n",
        label,
        buffer.size(),
        total,
        total / (double) buffer.size(),
        contentBytes / (double) buffer.size(),
        (total - contentBytes) / (double) buffer.size());
    if (Boolean.getBoolean("footprint")) {
      System.out.println(layout.toFootprint()); // per class, to see where the overhead goes
    }
  }
}
