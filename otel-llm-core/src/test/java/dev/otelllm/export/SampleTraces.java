package dev.otelllm.export;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmException;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.WorkflowScope;
import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Interactions of every kind the exports must handle, recorded through the real tracing. */
public final class SampleTraces implements AutoCloseable {

  public static final String NASTY =
      "```` fence ``` </script><script>document.body.setAttribute('data-pwned','1')</script>"
          + "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> | pipe # hash \u0001\u001b[31m ctrl "
          + "é 中文 😀 \"quotes\" \\ backslash";

  public final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  public final LlmTracing tracing;
  public final LlmClient client;
  public final String sessionId;

  public SampleTraces() {
    tracing =
        LlmTracing.builder()
            .maxInteractions(1000)
            .addSpanExporter(exporter)
            .exportContentCapture(ContentCapture.full())
            .build();
    ScriptedProvider provider =
        ScriptedProvider.builder("test-model")
            .answer("```python\nprint('hi')\n```")
            .answer(
                r ->
                    LlmResponse.builder()
                        .content("fixed " + NASTY)
                        .usage(new Usage(10, 20, 3, 0, 5))
                        .build())
            .fail(new LlmException("deterministic", "429", "rate limited: " + NASTY))
            .toolCall(
                new Part.ToolCall("call_1", "get_weather", Map.of("city", "Zürich", "days", 3)))
            .answer("Sunny, 21°C")
            .answer("prose")
            .build();
    client = LlmClient.builder(provider).tracing(tracing).build();
    try (WorkflowScope run = client.workflow("codegen");
        Session s =
            client.session().id("sess-1").systemPrompt("You write Python. " + NASTY).build()) {
      sessionId = s.id();
      s.generate("Create a histogram", "code_generation", 1);
      s.generate("Fix it: " + NASTY, "code_generation", 2);
      try {
        s.generate("Try again", "code_generation", 3);
      } catch (LlmException expected) {
        // recorded as a failed interaction
      }
    }
    ToolDefinition weather = new ToolDefinition("get_weather", "Weather", Map.of("type", "object"));
    LlmResponse call =
        client.generate(
            LlmRequest.builder()
                .prompt("Weather in Zürich?")
                .tool(weather)
                .temperature(0.5)
                .maxTokens(100)
                .metadata("user_id", "u1")
                .build());
    client.generate(
        LlmRequest.builder()
            .prompt("Weather in Zürich?")
            .message(call.message())
            .message(Message.toolResult("call_1", Map.of("temp_c", 21)))
            .tool(weather)
            .build());
    client.generate(
        LlmRequest.builder()
            .prompt("Write prose")
            .metadata("step_type", "methodology_generation")
            .build());
  }

  public List<Interaction> traces() {
    return client.getTraces();
  }

  public List<SpanData> spans() {
    tracing.forceFlush(Duration.ofSeconds(5));
    return exporter.getFinishedSpanItems();
  }

  /** A hand-made interaction with exact figures. */
  public static Interaction trace(
      String spanId,
      long startMs,
      long durationMs,
      Long in,
      Long out,
      boolean failed,
      String session,
      String step,
      String finish) {
    Map<String, Object> meta = step == null ? Map.of() : Map.of("step_type", step);
    return Interaction.builder()
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId(spanId)
        .parentSpanId("")
        .startEpochNanos(startMs * 1_000_000L)
        .durationNanos(durationMs * 1_000_000L)
        .operation("chat")
        .provider("openai")
        .model("gpt")
        .server(Interaction.Server.NONE)
        .systemPrompt("")
        .messages(List.of(Message.user("p")))
        .parameters(Map.of())
        .tools(List.of())
        .response(
            new Interaction.Response(
                "a",
                List.of(),
                finish,
                in == null ? Optional.empty() : Optional.of(Usage.of(in, out)),
                "",
                "",
                List.of()))
        .metadata(meta)
        .sessionId(session)
        .error(
            failed
                ? Optional.of(new dev.otelllm.trace.TraceError("500", "boom"))
                : Optional.empty())
        .contentCapture("full")
        .contentTruncated(false)
        .build();
  }

  @Override
  public void close() {
    tracing.close();
  }
}
