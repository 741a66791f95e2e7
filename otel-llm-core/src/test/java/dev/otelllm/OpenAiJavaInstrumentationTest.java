package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.instrumentation.openai.v1_1.OpenAITelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Interactions recorded by the official OpenTelemetry openai-java instrumentation (library form,
 * {@link OpenAITelemetry}) around the real openai-java client, against a loopback server that
 * answers with real Chat Completions bodies. That instrumentation records the span without content
 * and emits the prompt and the answer as log records (the deprecated per-message events): the
 * buffer keeps them as one interaction, with its content.
 */
class OpenAiJavaInstrumentationTest {

  private static final String SYSTEM = "You are a terse assistant.";
  private static final String PROMPT = "Say hello.";
  private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");

  @StartStop private final MockWebServer server = new MockWebServer();

  /** An application's own SDK with exporters of its own; the library's processors if asked. */
  private static final class AppSdk implements AutoCloseable {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    final TraceBuffer buffer = TraceBuffer.create(10);
    final OpenTelemetrySdk sdk;

    AppSdk(boolean withLibrary) {
      SdkTracerProviderBuilder tp =
          SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans));
      SdkLoggerProviderBuilder lp =
          SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs));
      if (withLibrary) {
        LlmTracing.addProcessors(tp, lp, buffer);
      }
      sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(tp.build())
              .setLoggerProvider(lp.build())
              .build();
    }

    @Override
    public void close() {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private OpenAIClient client(OpenTelemetry openTelemetry, boolean captureContent) {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.url("/v1").toString())
            .apiKey("sk-test-not-a-key")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(10))
            .build();
    return OpenAITelemetry.builder(openTelemetry)
        .setCaptureMessageContent(captureContent)
        .build()
        .wrap(client);
  }

  private static ChatCompletionCreateParams request() {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini")
        .addSystemMessage(SYSTEM)
        .addUserMessage(PROMPT)
        .build();
  }

  private ChatCompletion chat(OpenAIClient client) {
    server.enqueue(json("openai/chat_completion.json"));
    return client.chat().completions().create(request());
  }

  private String stream(OpenAIClient client) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(resource("openai/stream.sse"))
            .build());
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> chunks =
        client.chat().completions().createStreaming(request())) {
      chunks.stream()
          .flatMap(c -> c.choices().stream())
          .forEach(c -> c.delta().content().ifPresent(text::append));
    }
    return text.toString();
  }

  @Test
  void plainCall_isOneInteractionWithItsContent() {
    try (AppSdk app = new AppSdk(true)) {
      ChatCompletion answer = chat(client(app.sdk, true));
      assertThat(answer.choices().get(0).message().content())
          .hasValue("Hello! How can I assist you today?");

      List<Interaction> traces = app.buffer.getTraces();
      assertThat(traces).hasSize(1);
      Interaction t = traces.get(0);
      assertThat(t.spanId()).isEqualTo(app.spans.getFinishedSpanItems().get(0).getSpanId());
      assertThat(t.provider()).isEqualTo("openai");
      assertThat(t.model()).isEqualTo("gpt-4o-mini");
      assertThat(t.systemPrompt()).isEqualTo(SYSTEM);
      assertThat(t.prompt()).isEqualTo(PROMPT);
      assertThat(t.messages()).extracting(Message::role).containsExactly("user");
      assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
      assertThat(t.response().finishReason()).isEqualTo("stop");
      assertThat(t.response().id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
      assertThat(t.response().model()).isEqualTo("gpt-4o-mini-2024-07-18");
      Usage usage = t.response().usage().orElseThrow();
      assertThat(usage.inputTokens()).isEqualTo(19);
      assertThat(usage.outputTokens()).isEqualTo(10);
      assertThat(t.contentCapture()).isEqualTo("full");
      assertThat(app.buffer.pendingContentCount()).isZero();
    }
  }

  @Test
  void streamedCall_isOneInteractionWithItsContent() {
    try (AppSdk app = new AppSdk(true)) {
      assertThat(stream(client(app.sdk, true))).isEqualTo("Hello there!");

      List<Interaction> traces = app.buffer.getTraces();
      assertThat(traces).hasSize(1);
      Interaction t = traces.get(0);
      assertThat(t.systemPrompt()).isEqualTo(SYSTEM);
      assertThat(t.prompt()).isEqualTo(PROMPT);
      assertThat(t.response().content()).isEqualTo("Hello there!");
      assertThat(t.response().finishReason()).isEqualTo("stop");
      assertThat(t.response().id()).isEqualTo("chatcmpl-123");
      assertThat(t.response().model()).isEqualTo("gpt-4o-mini-2024-07-18");
      Usage usage = t.response().usage().orElseThrow();
      assertThat(usage.inputTokens()).isEqualTo(9);
      assertThat(usage.outputTokens()).isEqualTo(3);
      assertThat(app.buffer.pendingContentCount()).isZero();
    }
  }

  @Test
  void toolCalls_andToolResults_keepTheirIdsNamesAndArguments() throws Exception {
    try (AppSdk app = new AppSdk(true)) {
      OpenAIClient client = client(app.sdk, true);
      server.enqueue(json("openai/tool_calls.json"));
      ChatCompletion first = client.chat().completions().create(request());
      server.enqueue(json("openai/chat_completion.json"));
      client
          .chat()
          .completions()
          .create(
              request().toBuilder()
                  .addMessage(first.choices().get(0).message())
                  .addMessage(
                      ChatCompletionToolMessageParam.builder()
                          .toolCallId("call_abc123")
                          .content("{\"temperature\": 22}")
                          .build())
                  .build());

      List<Interaction> traces = app.buffer.getTraces();
      assertThat(traces).hasSize(2);
      Interaction asked = traces.get(0);
      assertThat(asked.response().finishReason()).isEqualTo("tool_call");
      Part.ToolCall call = asked.response().toolCalls().get(0);
      assertThat(call.id()).isEqualTo("call_abc123");
      assertThat(call.name()).isEqualTo("get_current_weather");
      assertThat(call.arguments()).isEqualTo(Map.of("location", "Boston, MA"));

      Interaction answered = traces.get(1);
      assertThat(answered.messages())
          .extracting(Message::role)
          .containsExactly("user", "assistant", "tool");
      assertThat(answered.messages().get(1).toolCalls())
          .extracting(Part.ToolCall::name)
          .containsExactly("get_current_weather");
      Part.ToolCallResponse result =
          (Part.ToolCallResponse) answered.messages().get(2).parts().get(0);
      assertThat(result.id()).isEqualTo("call_abc123");
      assertThat(result.response()).isEqualTo("{\"temperature\": 22}");
      assertThat(answered.response().content()).isEqualTo("Hello! How can I assist you today?");
    }
  }

  @Test
  void jsonlExport_showsTheContent() {
    try (AppSdk app = new AppSdk(true)) {
      OpenAIClient client = client(app.sdk, true);
      chat(client);
      stream(client);

      String jsonl = TraceExport.toString(app.buffer.getTraces(), TraceFormat.JSONL);
      List<String> lines = jsonl.lines().toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0))
          .contains("\"system_prompt\":\"" + SYSTEM + "\"")
          .contains("\"prompt\":\"" + PROMPT + "\"")
          .contains("\"content\":\"Hello! How can I assist you today?\"")
          .contains("\"finish_reason\":\"stop\"")
          .contains("\"total_tokens\":29");
      assertThat(lines.get(1))
          .contains("\"prompt\":\"" + PROMPT + "\"")
          .contains("\"content\":\"Hello there!\"")
          .contains("\"total_tokens\":12");
    }
  }

  @Test
  void theApplicationsExporters_receiveWhatTheyReceiveWithoutTheLibrary() {
    List<SpanData> spansWith;
    List<LogRecordData> logsWith;
    try (AppSdk app = new AppSdk(true)) {
      OpenAIClient client = client(app.sdk, true);
      chat(client);
      stream(client);
      spansWith = app.spans.getFinishedSpanItems();
      logsWith = app.logs.getFinishedLogRecordItems();
    }
    List<SpanData> spansWithout;
    List<LogRecordData> logsWithout;
    try (AppSdk app = new AppSdk(false)) {
      OpenAIClient client = client(app.sdk, true);
      chat(client);
      stream(client);
      spansWithout = app.spans.getFinishedSpanItems();
      logsWithout = app.logs.getFinishedLogRecordItems();
    }
    assertThat(spansWith).hasSameSizeAs(spansWithout);
    for (int i = 0; i < spansWith.size(); i++) {
      // The session-baggage processor adds nothing outside a session.
      assertThat(spansWith.get(i).getAttributes()).isEqualTo(spansWithout.get(i).getAttributes());
    }
    assertThat(spansWith.get(0).getAttributes().asMap().keySet())
        .extracting(AttributeKey::getKey)
        .doesNotContain("gen_ai.input.messages", "gen_ai.output.messages");
    assertThat(summary(logsWith))
        .isEqualTo(summary(logsWithout))
        .containsExactly(
            "gen_ai.system.message " + Map.of("content", SYSTEM),
            "gen_ai.user.message " + Map.of("content", PROMPT),
            "gen_ai.choice",
            "gen_ai.system.message " + Map.of("content", SYSTEM),
            "gen_ai.user.message " + Map.of("content", PROMPT),
            "gen_ai.choice");
  }

  /** Each record's event name, with the body of the prompt events. */
  private static List<String> summary(List<LogRecordData> records) {
    return records.stream()
        .map(
            r -> {
              String name = r.getAttributes().get(EVENT_NAME);
              if ("gen_ai.choice".equals(name)) {
                return name;
              }
              Map<String, Object> body =
                  ((List<?>) r.getBodyValue().getValue())
                      .stream()
                          .map(io.opentelemetry.api.common.KeyValue.class::cast)
                          .collect(
                              Collectors.toMap(
                                  io.opentelemetry.api.common.KeyValue::getKey,
                                  kv -> kv.getValue().getValue()));
              return name + " " + body;
            })
        .toList();
  }

  @Test
  void contentCaptureOff_keepsTheStructureWithoutText() {
    try (AppSdk app = new AppSdk(true)) {
      chat(client(app.sdk, false));

      Interaction t = app.buffer.getTraces().get(0);
      assertThat(t.prompt()).isEmpty();
      assertThat(t.systemPrompt()).isEmpty();
      assertThat(t.response().content()).isEmpty();
      assertThat(t.response().finishReason()).isEqualTo("stop");
      assertThat(t.response().usage().orElseThrow().inputTokens()).isEqualTo(19);
      assertThat(t.contentCapture()).isEqualTo("metadata");
    }
  }

  @Test
  void theLibrarysOwnSdk_keepsTheContent() {
    try (LlmTracing tracing = LlmTracing.create()) {
      chat(client(tracing.openTelemetry(), true));

      Interaction t = tracing.traceBuffer().getTraces().get(0);
      assertThat(t.prompt()).isEqualTo(PROMPT);
      assertThat(t.response().content()).isEqualTo("Hello! How can I assist you today?");
    }
  }

  @Test
  void aSessionMadeCurrent_scopesTheOfficialInstrumentationsCalls() {
    try (LlmTracing tracing = LlmTracing.create();
        LlmClient ours =
            LlmClient.builder(dev.otelllm.internal.ScriptedProvider.echo("m"))
                .tracing(tracing)
                .build();
        Session session = ours.session().id("notebook-7").build()) {
      session.generate("our own turn");
      try (io.opentelemetry.context.Scope ignored = session.makeCurrent()) {
        chat(client(tracing.openTelemetry(), true));
      }
      chat(client(tracing.openTelemetry(), true)); // outside the session

      List<Interaction> history = session.getInteractionHistory();
      assertThat(history).hasSize(2);
      assertThat(history.get(1).provider()).isEqualTo("openai");
      assertThat(history.get(1).prompt()).isEqualTo(PROMPT);
      assertThat(history.get(1).sessionId()).isEqualTo("notebook-7");
      assertThat(ours.getTraces(dev.otelllm.trace.TraceQuery.session("notebook-7"))).hasSize(2);
      assertThat(tracing.traceBuffer().getTraces()).hasSize(3);
      // The conversation it sends is its own turns only.
      assertThat(session.history()).hasSize(2);
    }
  }

  @Test
  void autoconfigured_keepsTheContent() {
    Map<String, String> props =
        Map.of(
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");
    props.forEach(System::setProperty);
    try (LlmTracing tracing = LlmTracing.autoconfigured()) {
      stream(client(tracing.openTelemetry(), true));

      Interaction t = tracing.traceBuffer().getTraces().get(0);
      assertThat(t.prompt()).isEqualTo(PROMPT);
      assertThat(t.response().content()).isEqualTo("Hello there!");
    } finally {
      props.keySet().forEach(System::clearProperty);
    }
  }

  private static MockResponse json(String resource) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(resource(resource))
        .build();
  }

  private static String resource(String name) {
    try (InputStream in = OpenAiJavaInstrumentationTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
