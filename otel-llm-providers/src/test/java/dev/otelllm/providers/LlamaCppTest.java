package dev.otelllm.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.CallListener;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Session;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through llama.cpp in process, on the library's own tiny model. */
class LlamaCppTest {

  private static InMemorySpanExporter spans;
  private static LlmTracing tracing;
  private static LlmClient client;

  @BeforeAll
  static void load() {
    spans = InMemorySpanExporter.create();
    tracing = LlmTracing.builder().addSpanExporter(spans).build();
    client =
        LlmClient.builder(LlmProviders.create("llamacpp", "tiny-llama")).tracing(tracing).build();
  }

  @AfterAll
  static void close() {
    client.close();
    tracing.close();
  }

  @Test
  void embeddings_inProcess_areAnInternalEmbeddingsSpan() {
    dev.otelllm.EmbeddingResponse r = client.embed("hello world", "good night");
    assertThat(r.vectors()).hasSize(2);
    assertThat(r.dimensionCount()).isPositive();
    assertThat(r.vectors().get(0)).hasSize(r.dimensionCount());
    assertThat(r.usage().orElseThrow().inputTokens()).isPositive();
    // The same text, the same vector: real embeddings of the model file, not noise.
    assertThat(client.embed("hello world").vectors().get(0)).isEqualTo(r.vectors().get(0));
    tracing.forceFlush(java.time.Duration.ofSeconds(5));
    io.opentelemetry.sdk.trace.data.SpanData span =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().startsWith("embeddings"))
            .findFirst()
            .orElseThrow();
    assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.INTERNAL);
    assertThat(
            span.getAttributes()
                .get(
                    io.opentelemetry.api.common.AttributeKey.longKey(
                        "gen_ai.embeddings.dimension.count")))
        .isEqualTo((long) r.dimensionCount());
  }

  @Test
  void tinyModel_isDeterministic_withRealTokensAndUsage() {
    LlmRequest request = LlmRequest.builder().prompt("Hello").maxTokens(12).build();
    LlmResponse a = client.generate(request);
    LlmResponse b = client.generate(request);
    assertThat(a.content()).isEqualTo(b.content()).isNotBlank().matches("[a-z ]+");
    assertThat(a.usage().orElseThrow().outputTokens()).isEqualTo(12);
    assertThat(a.usage().orElseThrow().inputTokens()).isPositive();
    assertThat(a.finishReason()).contains("length");
    Interaction t = client.getInteraction(a.spanId().orElseThrow()).orElseThrow();
    assertThat(t.provider()).isEqualTo("llama.cpp");
    assertThat(t.server()).isEqualTo(Interaction.Server.NONE);
  }

  @Test
  void stream_deliversTokensAsTheyAreMade_asOneInternalSpan() {
    List<String> chunks = new ArrayList<>();
    LlmResponse r =
        client.stream(
            LlmRequest.builder().prompt("Stream please").maxTokens(10).build(), chunks::add);
    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(String.join("", chunks)).isEqualTo(r.content());
    Interaction t = client.getInteraction(r.spanId().orElseThrow()).orElseThrow();
    assertThat(t.response().timeToFirstChunkSeconds()).isPresent();
    tracing.forceFlush(Duration.ofSeconds(5));
    assertThat(spans.getFinishedSpanItems())
        .filteredOn(s -> s.getSpanContext().getSpanId().equals(r.spanId().get()))
        .singleElement()
        .satisfies(s -> assertThat(s.getKind()).isEqualTo(SpanKind.INTERNAL));
  }

  @Test
  void theFirstTokenIsTheFirstChunk_reportedBeforeItsText_andTimedOnTheSpan() {
    LlamaCppProvider tiny = (LlamaCppProvider) LlmProviders.create("llamacpp", "tiny-llama");
    List<String> seen = new ArrayList<>();
    try {
      tiny.stream(
          LlmRequest.builder().prompt("Stream please").maxTokens(4).build(),
          c -> seen.add("text"),
          new CallListener() {
            @Override
            public void firstChunk() {
              seen.add("first chunk");
            }
          });
    } finally {
      tiny.close();
    }
    assertThat(seen).first().isEqualTo("first chunk");
    assertThat(seen).containsOnlyOnce("first chunk").contains("text");
    LlmResponse r =
        client.stream(LlmRequest.builder().prompt("Stream please").maxTokens(4).build(), c -> {});
    tracing.forceFlush(Duration.ofSeconds(5));
    assertThat(spans.getFinishedSpanItems())
        .filteredOn(s -> s.getSpanContext().getSpanId().equals(r.spanId().get()))
        .singleElement()
        .satisfies(
            s ->
                assertThat(
                        s.getAttributes()
                            .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                    .isPositive()
                    .isLessThanOrEqualTo(
                        s.getAttributes()
                            .get(AttributeKey.doubleKey("otel_llm.response.time_to_first_text"))));
  }

  @Test
  void sessionOfThreeTurns_isReadBack() {
    try (Session s = client.session().systemPrompt("You are tiny.").build()) {
      for (int i = 1; i <= 3; i++) {
        s.generate(
            "turn " + i, "chat", i, GenerationParams.builder().maxTokens(6).build(), Map.of());
      }
      List<Interaction> history = s.getInteractionHistory();
      assertThat(history)
          .extracting(Interaction::prompt)
          .containsExactly("turn 1", "turn 2", "turn 3");
      assertThat(history.get(2).messages()).hasSize(5);
      assertThat(history)
          .allSatisfy(
              t -> assertThat(t.response().usage().orElseThrow().outputTokens()).isEqualTo(6));
      // Each turn sends the history: more input tokens each time.
      assertThat(history.get(2).response().usage().orElseThrow().inputTokens())
          .isGreaterThan(history.get(0).response().usage().orElseThrow().inputTokens());
    }
  }

  @Test
  void aModelFile_getsItsChatTemplate_withToolResultsAsUserTurns() {
    // The tiny model's file given as a user's model: no template inside, so llama.cpp's ChatML.
    LlmProvider fromFile =
        LlmProviders.create(
            "llamacpp",
            "from-file",
            ProviderOptions.builder().modelPath(LlamaCppProvider.tinyModel()).build());
    try (LlmClient c = LlmClient.builder(fromFile).tracing(tracing).build()) {
      Part.ToolCall call = new Part.ToolCall("call_7", "lookup", Map.of("q", "x"));
      LlmRequest request =
          LlmRequest.builder()
              .systemPrompt("Be brief.")
              .message(Message.user("Find x"))
              .message(Message.of(Message.ASSISTANT, List.of(call)))
              .message(Message.toolResult("call_7", "x = 1"))
              .prompt("So?")
              .maxTokens(4)
              .build();
      LlmResponse r = c.generate(request);
      String expected =
          "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nFind x<|im_end|>\n"
              + "<|im_start|>assistant\nTool call call_7: lookup{\"q\":\"x\"}<|im_end|>\n"
              + "<|im_start|>user\nResult of tool call call_7: x = 1<|im_end|>\n"
              + "<|im_start|>user\nSo?<|im_end|>\n<|im_start|>assistant\n";
      // The input token count is that of the templated prompt, not of the plain lines.
      LlmProvider tiny = LlmProviders.create("llamacpp", "tiny-llama");
      long templatedTokens = r.usage().orElseThrow().inputTokens();
      assertThat(templatedTokens).isEqualTo(((LlamaCppProvider) tiny).countTokens(expected));
      assertThat(templatedTokens)
          .isNotEqualTo(((LlamaCppProvider) tiny).countTokens(LlamaCppProvider.render(request)));
      ((LlamaCppProvider) tiny).close();
      assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(4);
    }
  }

  @Test
  void everyToolResultIsATurn_andTextsTheBindingWouldGarble_fallBackToPlainLines() {
    LlmProvider fromFile =
        LlmProviders.create(
            "llamacpp",
            "from-file",
            ProviderOptions.builder().modelPath(LlamaCppProvider.tinyModel()).build());
    LlamaCppProvider counter = (LlamaCppProvider) LlmProviders.create("llamacpp", "tiny-llama");
    try (LlmClient c = LlmClient.builder(fromFile).tracing(tracing).build()) {
      // Two results in one tool message: both reach the model.
      Message twoResults =
          Message.of(
              Message.TOOL,
              List.of(new Part.ToolCallResponse("a", "1"), new Part.ToolCallResponse("b", "2")));
      LlmRequest tools =
          LlmRequest.builder()
              .message(Message.user("Run both"))
              .message(twoResults)
              .prompt("Sum?")
              .maxTokens(2)
              .build();
      String expected =
          "<|im_start|>user\nRun both<|im_end|>\n<|im_start|>user\nResult of tool call a: 1<|im_end|>\n"
              + "<|im_start|>user\nResult of tool call b: 2<|im_end|>\n<|im_start|>user\nSum?<|im_end|>\n"
              + "<|im_start|>assistant\n";
      assertThat(c.generate(tools).usage().orElseThrow().inputTokens())
          .isEqualTo(counter.countTokens(expected));
      assertThat(LlamaCppProvider.render(tools))
          .contains("Tool: Result of tool call a: 1\nTool: Result of tool call b: 2");

      // An emoji would come back garbled from the template: the plain lines are used instead.
      LlmRequest emoji = LlmRequest.builder().prompt("Smile \uD83D\uDE00").maxTokens(2).build();
      assertThat(c.generate(emoji).usage().orElseThrow().inputTokens())
          .isEqualTo(counter.countTokens(LlamaCppProvider.render(emoji)));
    } finally {
      counter.close();
    }
  }

  @Test
  void tinyModelFile_isTheSameBytesEveryTime(@TempDir Path dir) throws Exception {
    byte[] first = Files.readAllBytes(TinyGguf.write(dir.resolve("a.gguf")));
    byte[] second = Files.readAllBytes(TinyGguf.write(dir.resolve("b.gguf")));
    assertThat(first).isEqualTo(second);
    assertThat(new String(first, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("GGUF");
  }

  @Test
  void badModelPath_failsAtCreation() {
    assertThatThrownBy(
            () -> ProviderOptions.builder().modelPath(Path.of("/nonexistent/model.gguf")))
        .hasMessage("modelPath is not a readable file: /nonexistent/model.gguf");
  }
}
