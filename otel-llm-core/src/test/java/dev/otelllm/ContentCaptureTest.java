package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otelllm.internal.GenAiKeys;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentCaptureTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String json(Attributes a, String key) {
    Value<?> v = a.get(AttributeKey.valueKey(key));
    return v == null ? a.get(AttributeKey.stringKey(key)) : JsonTree.toJson(JsonTree.fromValue(v));
  }

  private static Interaction run(
      ContentCapture capture, LlmRequest request, TestTracingHolder out) {
    TestTracing t = new TestTracing(b -> b.contentCapture(capture));
    out.tracing = t;
    LlmClient client =
        t.client(
            ScriptedProvider.builder("m")
                .answer(r -> LlmResponse.builder().content("answer: " + r.prompt()).build())
                .repeatLast()
                .build());
    client.generate(request);
    return client.getTraces().get(0);
  }

  static final class TestTracingHolder implements AutoCloseable {
    TestTracing tracing;

    @Override
    public void close() {
      tracing.close();
    }
  }

  @Test
  void none_recordsNoContentAttribute() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.none(),
              LlmRequest.builder().systemPrompt("s").prompt("secret").build(),
              h);
      Attributes a = h.tracing.onlySpan().getAttributes();
      for (String key : GenAiKeys.CONTENT_KEYS) {
        assertThat(json(a, key)).as(key).isNull();
      }
      assertThat(trace.prompt()).isEmpty();
      assertThat(trace.response().content()).isEmpty();
      assertThat(trace.contentCapture()).isEqualTo("none");
      assertThat(trace.response().usage()).isPresent();
    }
  }

  @Test
  void metadataOnly_keepsStructureWithoutText() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.metadataOnly(),
              LlmRequest.builder().systemPrompt("s").prompt("secret").build(),
              h);
      Attributes a = h.tracing.onlySpan().getAttributes();
      assertThat(json(a, GenAiKeys.INPUT_MESSAGES))
          .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\"}]}]");
      assertThat(json(a, GenAiKeys.OUTPUT_MESSAGES))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\"}],\"finish_reason\":\"stop\"}]");
      assertThat(a.toString()).doesNotContain("secret");
      assertThat(trace.messages()).hasSize(1);
      assertThat(trace.prompt()).isEmpty();
      assertThat(trace.contentCapture()).isEqualTo("metadata");
    }
  }

  @Test
  void full_asJsonString_writesStringAttributesThatReadBackTheSame() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.full().asJsonString(),
              LlmRequest.builder().systemPrompt("s").prompt("q").build(),
              h);
      Attributes a = h.tracing.onlySpan().getAttributes();
      assertThat(a.get(AttributeKey.stringKey(GenAiKeys.INPUT_MESSAGES)))
          .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"q\"}]}]");
      Value<?> asValue = a.get(AttributeKey.valueKey(GenAiKeys.INPUT_MESSAGES));
      // A string attribute, not a structured one (the SDK may also show it through a value key).
      assertThat(
              asValue == null || asValue.getType() == io.opentelemetry.api.common.ValueType.STRING)
          .isTrue();
      assertThat(trace.prompt()).isEqualTo("q");
      assertThat(trace.systemPrompt()).isEqualTo("s");
      assertThat(trace.response().content()).isEqualTo("answer: q");
    }
  }

  @Test
  void redactor_seesEveryRecordedText_butNotWhatIsSent() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.full().withRedactor(s -> s.replaceAll("\\d{4}-\\d{4}", "####")),
              LlmRequest.builder()
                  .systemPrompt("card 1234-5678")
                  .prompt("my card is 1234-5678")
                  .build(),
              h);
      assertThat(trace.prompt()).isEqualTo("my card is ####");
      assertThat(trace.systemPrompt()).isEqualTo("card ####");
      // The model saw the real text and echoed it; the recorded answer is redacted too.
      assertThat(trace.response().content()).isEqualTo("answer: my card is ####");
    }
  }

  private static final java.util.function.UnaryOperator<String> MASK_CARDS =
      s -> s.replaceAll("\\d{4}-\\d{4}", "####");

  private static LlmProvider refusing() {
    // A server that quotes the request back in its error.
    return new LlmProvider() {
      @Override
      public ProviderInfo info() {
        return ScriptedProvider.echo("m").info();
      }

      @Override
      public LlmResponse generate(LlmRequest request) {
        throw new LlmException(
            "deterministic", "400", "invalid content: '" + request.prompt() + "'");
      }
    };
  }

  private static void assertErrorTexts(SpanData span, String expected, String absent) {
    assertThat(span.getStatus().getDescription()).contains(expected).doesNotContain(absent);
    assertThat(span.getAttributes().get(GenAiKeys.ERROR_MESSAGE))
        .contains(expected)
        .doesNotContain(absent);
    io.opentelemetry.sdk.trace.data.EventData event =
        span.getEvents().stream()
            .filter(e -> e.getName().equals("exception"))
            .findFirst()
            .orElseThrow();
    // Only the redacted texts: nothing overwritten, so nothing counted as dropped.
    assertThat(event.getTotalAttributeCount()).isEqualTo(event.getAttributes().size());
    assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(LlmException.class.getName());
    assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message")))
        .contains(expected)
        .doesNotContain(absent);
    assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
        .contains(expected)
        .doesNotContain(absent)
        .contains("LlmException");
  }

  @Test
  void redactor_seesErrorTexts_theCallerGetsTheOriginalException() {
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(MASK_CARDS)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("1234-5678");
      assertErrorTexts(t.onlySpan(), "my card is ####", "1234-5678");
      assertThat(client.getTraces().get(0).error().orElseThrow().message())
          .contains("my card is ####")
          .doesNotContain("1234-5678");
    }
  }

  @Test
  void exportRedactor_seesErrorTexts_memoryKeepsThemWhole() {
    try (TestTracing t =
        new TestTracing(
            b -> b.exportContentCapture(ContentCapture.none().withRedactor(MASK_CARDS)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class);
      assertErrorTexts(t.onlySpan(), "my card is ####", "1234-5678");
      assertThat(
              t.onlySpan().getAttributes().get(io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE))
          .isEqualTo("400");
      assertThat(client.getTraces().get(0).error().orElseThrow().message())
          .contains("my card is 1234-5678");
    }
    // Without a redactor, error texts leave as recorded in every mode: they are not content.
    try (TestTracing t = new TestTracing(b -> b.exportContentCapture(ContentCapture.none()))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class);
      assertThat(t.onlySpan().getStatus().getDescription()).contains("1234-5678");
    }
  }

  @Test
  void aFailingRedactor_removesErrorTexts_neverLetsThemThrough() {
    java.util.function.UnaryOperator<String> broken =
        text -> {
          throw new IllegalStateException("redactor bug");
        };
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(broken)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("1234-5678");
      SpanData span = t.onlySpan();
      assertThat(span.getStatus().getDescription())
          .contains("redactor failed")
          .doesNotContain("1234-5678");
      // What an exporter sends: attributes, event attributes, status (not the Throwable object).
      assertThat(span.getAttributes().toString()).doesNotContain("1234-5678");
      assertThat(span.getEvents())
          .allSatisfy(e -> assertThat(e.getAttributes().toString()).doesNotContain("1234-5678"));
      assertThat(client.getTraces().get(0).error().orElseThrow().type()).isEqualTo("400");
    }
    try (TestTracing t =
        new TestTracing(b -> b.exportContentCapture(ContentCapture.none().withRedactor(broken)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class);
      SpanData exported = t.onlySpan();
      assertThat(exported.getAttributes().toString()).doesNotContain("1234-5678");
      assertThat(exported.getStatus().getDescription()).doesNotContain("1234-5678");
      assertThat(exported.getEvents())
          .allSatisfy(e -> assertThat(e.getAttributes().toString()).doesNotContain("1234-5678"));
      assertThat(exported.getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      assertThat(client.getTraces().get(0).error().orElseThrow().message()).contains("1234-5678");
    }
  }

  @Test
  void workflowAndToolFailures_andExceptionsOnSpansThatDidNotFail_areRedactedToo() {
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(MASK_CARDS)))) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      try (WorkflowScope w = client.workflow("w")) {
        w.recordFailure(new IllegalStateException("card 1234-5678 rejected"));
      }
      try (ToolScope tool = client.tool(new Part.ToolCall("c1", "pay", Map.of()))) {
        tool.recordFailure(new IllegalStateException("card 1234-5678 declined"));
      }
      for (SpanData span : t.spans()) {
        assertThat(span.getStatus().getDescription())
            .as(span.getName())
            .contains("card ####")
            .doesNotContain("1234-5678");
        assertThat(span.getEvents())
            .allSatisfy(e -> assertThat(e.getAttributes().toString()).doesNotContain("1234-5678"));
      }
    }
    try (TestTracing t =
        new TestTracing(
            b -> b.exportContentCapture(ContentCapture.none().withRedactor(MASK_CARDS)))) {
      io.opentelemetry.api.trace.Span span =
          t.tracing.openTelemetry().getTracer("app").spanBuilder("app work").startSpan();
      span.recordException(
          new IllegalArgumentException("card 1234-5678 retried")); // the span itself does not fail
      span.end();
      SpanData exported = t.onlySpan();
      assertThat(exported.getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
      assertThat(exported.getEvents())
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message")))
                      .isEqualTo("card #### retried"));
    }
  }

  @Test
  void aRedactorThatAnswersNull_neverLetsTheOriginalThrough() {
    java.util.function.UnaryOperator<String> answersNull = text -> null;
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(answersNull)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class);
      SpanData span = t.onlySpan();
      assertThat(span.getStatus().getDescription()).contains("redactor returned null");
      assertThat(span.getAttributes().toString()).doesNotContain("1234-5678");
      assertThat(span.getEvents())
          .allSatisfy(e -> assertThat(e.getAttributes().toString()).doesNotContain("1234-5678"));
    }
    try (TestTracing t =
        new TestTracing(
            b -> b.exportContentCapture(ContentCapture.none().withRedactor(answersNull)))) {
      LlmClient client = t.client(refusing());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.generate("my card is 1234-5678"))
          .isInstanceOf(LlmException.class);
      SpanData exported = t.onlySpan();
      assertThat(exported.getStatus().getDescription()).doesNotContain("1234-5678");
      assertThat(exported.getAttributes().toString()).doesNotContain("1234-5678");
      assertThat(exported.getEvents())
          .allSatisfy(e -> assertThat(e.getAttributes().toString()).doesNotContain("1234-5678"));
    }
  }

  @Test
  void aToolScopeWhoseRedactorFails_neverThrowsIntoTheApplication() {
    java.util.function.UnaryOperator<String> broken =
        text -> {
          throw new IllegalStateException("redactor bug");
        };
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(broken)))) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      try (ToolScope tool =
          client.tool(new Part.ToolCall("c1", "pay", Map.of("card", "1234-5678")))) {
        tool.result("paid with 1234-5678");
      }
      SpanData span = t.onlySpan();
      assertThat(span.getName()).isEqualTo("execute_tool pay");
      assertThat(span.getAttributes().toString())
          .doesNotContain("1234-5678")
          .contains("redactor failed");
    }
  }

  @Test
  void truncated_staysValidJson_underBudget_withMultiByteCharacters() throws Exception {
    String prompt = "é😀中".repeat(2000) + "\"quoted\"\n\t\u0001";
    int budget = 1024;
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.truncated(budget).asJsonString(),
              LlmRequest.builder()
                  .systemPrompt("short system")
                  .message(Message.user("first, short"))
                  .prompt(prompt)
                  .build(),
              h);
      SpanData span = h.tracing.onlySpan();
      Attributes a = span.getAttributes();
      assertThat(a.get(GenAiKeys.CONTENT_TRUNCATED)).isTrue();
      assertThat(a.get(GenAiKeys.CONTENT_CAPTURE)).isEqualTo("truncated");
      for (String key :
          List.of(
              GenAiKeys.INPUT_MESSAGES, GenAiKeys.OUTPUT_MESSAGES, GenAiKeys.SYSTEM_INSTRUCTIONS)) {
        String json = a.get(AttributeKey.stringKey(key));
        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
            .as(key)
            .isLessThanOrEqualTo(budget);
        JsonNode node = JSON.readTree(json);
        assertThat(node.isArray()).isTrue();
        assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
            .isEqualTo(json);
      }
      // Short texts are kept whole; the long one is cut on a character boundary and says so.
      assertThat(trace.messages().get(0).text()).isEqualTo("first, short");
      assertThat(trace.systemPrompt()).isEqualTo("short system");
      String cut = trace.prompt();
      assertThat(cut).endsWith("...[truncated]");
      String kept = cut.substring(0, cut.length() - "...[truncated]".length());
      assertThat(prompt).startsWith(kept);
      assertThat(kept.length()).isGreaterThan(100);
      assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
      assertThat(trace.contentTruncated()).isTrue();
    }
  }

  @Test
  void truncated_structuredValues_fitTheBudgetToo() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.truncated(300),
              LlmRequest.builder().prompt("x".repeat(5000)).build(),
              h);
      String json = json(h.tracing.onlySpan().getAttributes(), GenAiKeys.INPUT_MESSAGES);
      assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(300);
      assertThat(trace.prompt()).endsWith("...[truncated]");
    }
  }

  @Test
  void truncated_underBudget_isNotMarked() {
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(ContentCapture.truncated(4096), LlmRequest.builder().prompt("small").build(), h);
      assertThat(trace.contentTruncated()).isFalse();
      assertThat(trace.prompt()).isEqualTo("small");
      assertThat(h.tracing.onlySpan().getAttributes().get(GenAiKeys.CONTENT_TRUNCATED)).isNull();
    }
  }

  @Test
  void truncated_manyMessages_dropsTheOldestWhenTheStructureAloneIsTooBig() throws Exception {
    LlmRequest.Builder request = LlmRequest.builder();
    for (int i = 0; i < 200; i++) {
      request.message(Message.user("m" + i)).message(Message.assistant("a" + i));
    }
    request.prompt("last question");
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace = run(ContentCapture.truncated(512), request.build(), h);
      String json = json(h.tracing.onlySpan().getAttributes(), GenAiKeys.INPUT_MESSAGES);
      assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
      JSON.readTree(json);
      assertThat(trace.prompt()).isEqualTo("last question");
      assertThat(trace.messages().size()).isLessThan(401);
    }
  }

  @Test
  void exportPolicy_defaultNone_keepsFullContentInMemoryOnly() {
    try (TestTracing t = new TestTracing(b -> b.exportContentCapture(ContentCapture.none()))) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      client.generate("private prompt");
      Attributes exported = t.onlySpan().getAttributes();
      for (String key : GenAiKeys.CONTENT_KEYS) {
        assertThat(json(exported, key)).isNull();
      }
      assertThat(exported.get(GenAiKeys.CONTENT_CAPTURE)).isEqualTo("none");
      assertThat(exported.toString()).doesNotContain("private prompt");
      assertThat(client.getTraces().get(0).prompt()).isEqualTo("private prompt");
    }
  }

  @Test
  void exportPolicy_metadataOnly_andTruncatedJsonString() throws Exception {
    try (TestTracing meta =
        new TestTracing(b -> b.exportContentCapture(ContentCapture.metadataOnly()))) {
      meta.client(ScriptedProvider.echo("m")).generate("private prompt");
      Attributes exported = meta.onlySpan().getAttributes();
      assertThat(json(exported, GenAiKeys.INPUT_MESSAGES))
          .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\"}]}]");
      assertThat(exported.get(GenAiKeys.CONTENT_CAPTURE)).isEqualTo("metadata");
    }
    try (TestTracing cut =
        new TestTracing(
            b -> b.exportContentCapture(ContentCapture.truncated(200).asJsonString()))) {
      LlmClient client = cut.client(ScriptedProvider.echo("m"));
      client.generate("z".repeat(3000));
      Attributes exported = cut.onlySpan().getAttributes();
      String json = exported.get(AttributeKey.stringKey(GenAiKeys.INPUT_MESSAGES));
      assertThat(json.length()).isLessThanOrEqualTo(200);
      JSON.readTree(json);
      assertThat(exported.get(GenAiKeys.CONTENT_TRUNCATED)).isTrue();
      assertThat(client.getTraces().get(0).prompt()).hasSize(3000);
      assertThat(dev.otelllm.internal.SpanMapper.toTrace(cut.onlySpan()).orElseThrow().prompt())
          .endsWith("...[truncated]");
    }
  }

  @Test
  void theMapping_readsTheExportedSpanLikeTheBufferDoes() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(ScriptedProvider.echo("m"));
      client.generate(
          LlmRequest.builder().systemPrompt("s").prompt("q").metadata("step_type", "x").build());
      Interaction fromExport = dev.otelllm.internal.SpanMapper.toTrace(t.onlySpan()).orElseThrow();
      assertThat(fromExport).isEqualTo(client.getTraces().get(0));
      assertThat(fromExport.toMap()).isEqualTo(client.getTraces().get(0).toMap());
      assertThat(Map.of("k", 1)).hasSize(1);
    }
  }

  @Test
  void truncated_longHistory_keepsTheNewestMessagesWithinTheBudget() {
    // How fast this runs is measured by TruncateLongHistoryBenchmark; here only what it keeps.
    LlmRequest.Builder request = LlmRequest.builder();
    String kb2 = "h".repeat(2048);
    for (int i = 0; i < 2000; i++) {
      request.message(Message.user(kb2 + i));
    }
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace = run(ContentCapture.truncated(4096), request.build(), h);
      assertThat(trace.contentTruncated()).isTrue();
      assertThat(trace.messages()).isNotEmpty();
      assertThat(
              json(h.tracing.onlySpan().getAttributes(), GenAiKeys.INPUT_MESSAGES)
                  .getBytes(StandardCharsets.UTF_8)
                  .length)
          .isLessThanOrEqualTo(4096);
    }
  }

  @Test
  void genericPartWithPartsField_doesNotBreakTruncation() {
    Part.Generic odd =
        new Part.Generic(
            "container", Map.of("parts", List.of(Map.of("content", "x".repeat(3000)))));
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.truncated(512),
              LlmRequest.builder()
                  .message(Message.of("user", List.of(new Part.Text("keep me"), odd)))
                  .build(),
              h);
      assertThat(trace.messages()).isNotEmpty();
      assertThat(
              json(h.tracing.onlySpan().getAttributes(), GenAiKeys.INPUT_MESSAGES)
                  .getBytes(StandardCharsets.UTF_8)
                  .length)
          .isLessThanOrEqualTo(512);
    }
  }

  @Test
  void largeDataUri_isCut_notTheWholeMessage() {
    Part.Uri image =
        new Part.Uri("image/png", "image", "data:image/png;base64," + "A".repeat(5000));
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.truncated(1024),
              LlmRequest.builder()
                  .message(Message.of("user", List.of(new Part.Text("describe this"), image)))
                  .build(),
              h);
      assertThat(trace.prompt()).isEqualTo("describe this");
    }
  }

  @Test
  void redactor_seesToolArgumentsDescriptionsAndUris() {
    java.util.function.UnaryOperator<String> mask = s -> s.replace("4111-1111", "####");
    ToolDefinition charge =
        new ToolDefinition("charge", "charges card 4111-1111", Map.of("card", "4111-1111"));
    try (TestTracing t =
        new TestTracing(b -> b.contentCapture(ContentCapture.full().withRedactor(mask)))) {
      LlmClient client =
          t.client(
              ScriptedProvider.builder("m")
                  .toolCall(new Part.ToolCall("c1", "charge", Map.of("card", "4111-1111")))
                  .build());
      client.generate(
          LlmRequest.builder()
              .message(
                  Message.of(
                      "user",
                      List.of(
                          new Part.Text("pay with 4111-1111"),
                          new Part.Uri("", "document", "https://x/4111-1111"))))
              .tool(charge)
              .build());
      String all = t.onlySpan().getAttributes().toString();
      assertThat(all).doesNotContain("4111-1111").contains("####");
    }
  }

  @Test
  void exportMetadataOnly_keepsNoFieldOfUnknownParts() {
    Part.Generic image =
        new Part.Generic(
            "image_url", Map.of("image_url", Map.of("url", "https://secret.example/x.png")));
    try (TestTracing t =
        new TestTracing(b -> b.exportContentCapture(ContentCapture.metadataOnly()))) {
      t.client(ScriptedProvider.echo("m"))
          .generate(
              LlmRequest.builder()
                  .message(Message.of("user", List.of(new Part.Text("look"), image)))
                  .build());
      String exported = json(t.onlySpan().getAttributes(), GenAiKeys.INPUT_MESSAGES);
      assertThat(exported)
          .isEqualTo(
              "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\"},{\"type\":\"image_url\"}]}]");
    }
  }

  @Test
  void exportRedactor_seesEveryNonStructuralString() {
    java.util.function.UnaryOperator<String> mask = s -> s.replace("secret", "***");
    try (TestTracing t =
        new TestTracing(b -> b.exportContentCapture(ContentCapture.full().withRedactor(mask)))) {
      LlmClient client =
          t.client(
              ScriptedProvider.builder("m")
                  .toolCall(new Part.ToolCall("c1", "lookup", Map.of("q", "secret plan")))
                  .build());
      client.generate("tell me the secret");
      String exported = t.onlySpan().getAttributes().toString();
      assertThat(exported).doesNotContain("secret").contains("***");
      assertThat(client.getTraces().get(0).prompt()).isEqualTo("tell me the secret");
    }
  }

  @Test
  void toolArgumentsAndResults_followTheExportPolicy() {
    Part.ToolCall call = new Part.ToolCall("c1", "lookup_patient", Map.of("ssn", "123-45-6789"));
    try (TestTracing none = new TestTracing(b -> b.exportContentCapture(ContentCapture.none()))) {
      LlmClient client = none.client(ScriptedProvider.echo("m"));
      try (ToolScope tool = client.tool(call)) {
        tool.result("diagnosis: private");
      }
      String exported = none.onlySpan().getAttributes().toString();
      assertThat(exported).doesNotContain("123-45-6789").doesNotContain("diagnosis");
    }
    try (TestTracing cut =
        new TestTracing(
            b ->
                b.exportContentCapture(
                    ContentCapture.truncated(64)
                        .withRedactor(s -> s.replace("123-45-6789", "###"))))) {
      LlmClient client = cut.client(ScriptedProvider.echo("m"));
      try (ToolScope tool = client.tool(call)) {
        tool.result("x".repeat(500));
      }
      Attributes a = cut.onlySpan().getAttributes();
      assertThat(a.get(AttributeKey.stringKey("gen_ai.tool.call.arguments")))
          .isEqualTo("{\"ssn\":\"###\"}");
      assertThat(a.get(AttributeKey.stringKey("gen_ai.tool.call.result")))
          .hasSizeLessThanOrEqualTo(64)
          .endsWith("...[truncated]");
    }
  }

  @Test
  void metadataTexts_passThroughTheRedactors_inMemoryAndOnExport() {
    LlmRequest request =
        LlmRequest.builder()
            .prompt("hi")
            .metadata("user_email", "ann@example.com")
            .metadata("tags", List.of("ann@example.com", "vip"))
            .metadata("attempt_number", 2)
            .build();
    try (TestTracingHolder h = new TestTracingHolder()) {
      Interaction trace =
          run(
              ContentCapture.full().withRedactor(t -> t.replace("ann@example.com", "[email]")),
              request,
              h);
      assertThat(trace.metadata())
          .containsEntry("user_email", "[email]")
          .containsEntry("tags", List.of("[email]", "vip"))
          .containsEntry("attempt_number", 2L);
    }
    // The in-memory capture keeps everything; the export policy's redactor sees the metadata on the
    // way out.
    try (TestTracing t =
        new TestTracing(
            b ->
                b.exportContentCapture(
                    ContentCapture.none()
                        .withRedactor(x -> x.replace("ann@example.com", "[email]"))))) {
      t.client(ScriptedProvider.echo("m")).generate(request);
      Attributes exported = t.onlySpan().getAttributes();
      assertThat(exported.get(AttributeKey.stringKey("otel_llm.metadata.user_email")))
          .isEqualTo("[email]");
      assertThat(exported.get(AttributeKey.stringArrayKey("otel_llm.metadata.tags")))
          .containsExactly("[email]", "vip");
      assertThat(t.client(ScriptedProvider.echo("m")).getTraces().get(0).metadata())
          .containsEntry("user_email", "ann@example.com");
    }
  }
}
