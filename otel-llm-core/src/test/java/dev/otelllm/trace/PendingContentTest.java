package dev.otelllm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
import dev.otelllm.Part;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Content that arrives as log records beside a span: held until the span ends, and bounded. */
class PendingContentTest {

  private final TestClock clock = TestClock.create();
  private SdkTracerProvider tracerProvider;
  private SdkLoggerProvider loggerProvider;
  private Tracer tracer;
  private Logger logger;
  private TraceBuffer buffer;

  private void setUp(Consumer<TraceBuffer.Builder> configure) {
    TraceBuffer.Builder b = TraceBuffer.builder().maxInteractions(10).clock(clock);
    configure.accept(b);
    buffer = b.build();
    SdkTracerProviderBuilder tp = SdkTracerProvider.builder();
    SdkLoggerProviderBuilder lp = SdkLoggerProvider.builder();
    LlmTracing.addProcessors(tp, lp, buffer);
    tracerProvider = tp.build();
    loggerProvider = lp.build();
    tracer = tracerProvider.get("other-instrumentation");
    logger = loggerProvider.get("other-instrumentation");
  }

  @AfterEach
  void tearDown() {
    if (tracerProvider != null) {
      tracerProvider.close();
      loggerProvider.close();
    }
  }

  private Span startChat() {
    return tracer
        .spanBuilder("chat m")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "m")
        .startSpan();
  }

  private void emit(Span span, String event, Map<String, Value<?>> body) {
    logger
        .logRecordBuilder()
        .setEventName(event)
        .setContext(Context.root().with(span))
        .setBody(Value.of(body))
        .emit();
  }

  private void userMessage(Span span, String text) {
    emit(span, "gen_ai.user.message", Map.of("content", Value.of(text)));
  }

  private void choice(Span span, String text) {
    emit(
        span,
        "gen_ai.choice",
        Map.of(
            "index", Value.of(0L),
            "finish_reason", Value.of("stop"),
            "message", Value.of(Map.of("content", Value.of(text)))));
  }

  private Interaction only() {
    assertThat(buffer.getTraces()).hasSize(1);
    return buffer.getTraces().get(0);
  }

  @Test
  void recordsOfOneSpan_makeOneInteraction() {
    setUp(b -> {});
    Span span = startChat();
    emit(span, "gen_ai.system.message", Map.of("content", Value.of("Be brief.")));
    userMessage(span, "first");
    emit(span, "gen_ai.assistant.message", Map.of("content", Value.of("an earlier answer")));
    userMessage(span, "second");
    choice(span, "done");
    assertThat(buffer.pendingContentCount()).isEqualTo(1);
    span.end();

    Interaction t = only();
    assertThat(t.systemPrompt()).isEqualTo("Be brief.");
    assertThat(t.messages()).extracting(Message::role).containsExactly("user", "assistant", "user");
    assertThat(t.prompt()).isEqualTo("second");
    assertThat(t.response().content()).isEqualTo("done");
    assertThat(t.response().finishReason()).isEqualTo("stop");
    assertThat(buffer.pendingContentCount()).isZero();
    assertThat(buffer.droppedContentCount()).isZero();
  }

  @Test
  void aSpanThatNeverEnds_doesNotKeepItsRecordsPastTheTimeout() {
    setUp(b -> b.pendingTimeout(Duration.ofMinutes(1)));
    Span neverEnds = startChat();
    userMessage(neverEnds, "lost");
    assertThat(buffer.pendingContentCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(59));
    assertThat(buffer.pendingContentCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(buffer.pendingContentCount()).isZero();
    assertThat(buffer.droppedContentCount()).isEqualTo(1);
    assertThat(buffer.getTraces()).isEmpty();
  }

  @Test
  void contentOlderThanTheTimeout_isDroppedAtTheNextRecord_andNotMerged() {
    setUp(b -> b.pendingTimeout(Duration.ofMinutes(1)));
    Span slow = startChat();
    userMessage(slow, "too old");
    clock.advance(Duration.ofMinutes(2));
    Span other = startChat();
    userMessage(other, "fresh");

    assertThat(buffer.droppedContentCount()).isEqualTo(1);
    assertThat(buffer.pendingContentCount()).isEqualTo(1);
    slow.end();
    other.end();
    assertThat(buffer.getTraces()).extracting(Interaction::prompt).containsExactly("", "fresh");
    assertThat(buffer.getTraces().get(0).contentCapture()).isEqualTo("none");
  }

  @Test
  void pastTheByteBound_theOldestSpansContentIsDropped() {
    setUp(b -> b.maxPendingBytes(1_500));
    Span first = startChat();
    Span second = startChat();
    userMessage(first, "a".repeat(600));
    userMessage(second, "b".repeat(600));

    assertThat(buffer.droppedContentCount()).isEqualTo(1);
    assertThat(buffer.pendingContentCount()).isEqualTo(1);
    first.end();
    second.end();
    assertThat(buffer.getTraces())
        .extracting(Interaction::prompt)
        .containsExactly("", "b".repeat(600));
  }

  @Test
  void aRecordLargerThanTheBound_isNotHeld() {
    setUp(b -> b.maxPendingBytes(1_000));
    Span span = startChat();
    userMessage(span, "x".repeat(2_000));

    assertThat(buffer.pendingContentCount()).isZero();
    assertThat(buffer.droppedContentCount()).isEqualTo(1);
    span.end();
    assertThat(only().prompt()).isEmpty();
  }

  @Test
  void aSpanThatIsNoInteraction_releasesItsRecordsWhenItEnds() {
    setUp(b -> {});
    Span tool =
        tracer
            .spanBuilder("execute_tool lookup")
            .setAttribute("gen_ai.operation.name", "execute_tool")
            .startSpan();
    userMessage(tool, "not kept");
    tool.end();

    assertThat(buffer.pendingContentCount()).isZero();
    assertThat(buffer.droppedContentCount()).isZero();
    assertThat(buffer.getTraces()).isEmpty();
  }

  @Test
  void recordsWithoutASpan_orOfOtherEvents_areIgnored() {
    setUp(b -> {});
    logger
        .logRecordBuilder()
        .setEventName("gen_ai.user.message")
        .setBody(Value.of(Map.of("content", Value.of("no span"))))
        .emit();
    Span span = startChat();
    emit(span, "app.audit", Map.of("content", Value.of("not GenAI")));
    logger.logRecordBuilder().setContext(Context.root().with(span)).setBody("plain log").emit();

    assertThat(buffer.pendingContentCount()).isZero();
  }

  @Test
  void recordsAfterTheSpanEnded_areNotHeld() {
    setUp(b -> {});
    Span span = startChat();
    span.end();
    choice(span, "too late");

    assertThat(buffer.pendingContentCount()).isZero();
    assertThat(only().response().content()).isEmpty();
  }

  @Test
  void theEventNameAttribute_namesTheEventToo() {
    setUp(b -> {});
    Span span = startChat();
    // As the openai-java instrumentation writes it: an attribute, not the record's event name.
    logger
        .logRecordBuilder()
        .setAttribute(AttributeKey.stringKey("event.name"), "gen_ai.user.message")
        .setContext(Context.root().with(span))
        .setBody(Value.of(Map.of("content", Value.of("hello"))))
        .emit();
    span.end();

    assertThat(only().prompt()).isEqualTo("hello");
  }

  @Test
  void theDetailsEvent_structuredOrJsonString() {
    setUp(b -> {});
    Span span = startChat();
    logger
        .logRecordBuilder()
        .setEventName("gen_ai.client.inference.operation.details")
        .setContext(Context.root().with(span))
        .setAttribute(
            AttributeKey.valueKey("gen_ai.system_instructions"),
            Value.of(Value.of(textPart("Answer in French."))))
        .setAttribute(
            AttributeKey.valueKey("gen_ai.input.messages"),
            Value.of(
                Value.of(
                    KeyValue.of("role", Value.of("user")),
                    KeyValue.of("parts", Value.of(Value.of(textPart("Hello")))))))
        .setAttribute(
            AttributeKey.stringKey("gen_ai.output.messages"),
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Bonjour\"}],"
                + "\"finish_reason\":\"stop\"}]")
        .emit();
    span.end();

    Interaction t = only();
    assertThat(t.systemPrompt()).isEqualTo("Answer in French.");
    assertThat(t.prompt()).isEqualTo("Hello");
    assertThat(t.response().content()).isEqualTo("Bonjour");
    assertThat(t.response().finishReason()).isEqualTo("stop");
    assertThat(t.contentCapture()).isEqualTo("full");
  }

  private static KeyValue[] textPart(String text) {
    return new KeyValue[] {
      KeyValue.of("type", Value.of("text")), KeyValue.of("content", Value.of(text))
    };
  }

  @Test
  void theSpansOwnContent_winsOverRecords() {
    setUp(b -> {});
    Span span = startChat();
    span.setAttribute(
        "gen_ai.input.messages",
        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"from the span\"}]}]");
    userMessage(span, "from a record");
    span.end();

    assertThat(only().prompt()).isEqualTo("from the span");
    assertThat(buffer.pendingContentCount()).isZero();
  }

  @Test
  void deprecatedSpanEvents_areReadFromTheSpan() {
    setUp(b -> {});
    Span span = startChat();
    span.addEvent(
        "gen_ai.system.message",
        Attributes.of(
            AttributeKey.stringKey("gen_ai.system"), "az.ai.inference",
            AttributeKey.stringKey("gen_ai.event.content"), "{\"content\":\"Be kind.\"}"));
    span.addEvent(
        "gen_ai.user.message",
        Attributes.of(
            AttributeKey.stringKey("gen_ai.event.content"),
            "{\"role\":\"user\",\"content\":\"What is the weather?\"}"));
    span.addEvent(
        "gen_ai.choice",
        Attributes.builder()
            .put("index", 0L)
            .put("finish_reason", "tool_calls")
            .put(
                "message",
                "{\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}")
            .build());
    span.end();

    Interaction t = only();
    assertThat(t.systemPrompt()).isEqualTo("Be kind.");
    assertThat(t.prompt()).isEqualTo("What is the weather?");
    assertThat(t.response().finishReason()).isEqualTo("tool_call");
    Part.ToolCall call = t.response().toolCalls().get(0);
    assertThat(call.id()).isEqualTo("call_1");
    assertThat(call.name()).isEqualTo("weather");
    assertThat(call.arguments()).isEqualTo(Map.of("city", "Paris"));
  }

  @Test
  void bounds_areValidatedWithTheBadValue() {
    assertThatThrownBy(() -> TraceBuffer.builder().maxPendingBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPendingBytes must be > 0, was 0");
    assertThatThrownBy(() -> TraceBuffer.builder().pendingTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pendingTimeout must be positive, was PT-1S");
  }
}
