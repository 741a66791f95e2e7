package dev.otelllm;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.export.TraceSummary;
import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

  /** Embeds each text as [length, 1.0, 0.5]. */
  static final class Embedder implements LlmProvider {
    @Override
    public ProviderInfo info() {
      return ProviderInfo.remote("openai", "text-embedding-3-small", "api.openai.com", 443);
    }

    @Override
    public LlmResponse generate(LlmRequest request) {
      return LlmResponse.builder().content("unused").build();
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
      if (request.inputs().contains("boom")) {
        throw new LlmException("openai", "429", "rate limited");
      }
      return new EmbeddingResponse(
          request.inputs().stream().map(t -> List.of((double) t.length(), 1.0, 0.5)).toList(),
          Optional.of("text-embedding-3-small-v1"),
          Optional.of(Usage.of(7, 0)));
    }
  }

  @Test
  void anEmbeddingsCall_isAnEmbeddingsSpan_keptAndQueryable() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(new Embedder());
      EmbeddingResponse r =
          client.embed(
              EmbeddingRequest.builder()
                  .input("hello")
                  .input("world!")
                  .encodingFormat("float")
                  .metadata("step_type", "index")
                  .build());
      assertThat(r.vectors()).containsExactly(List.of(5.0, 1.0, 0.5), List.of(6.0, 1.0, 0.5));
      client.generate("a chat too");
      SpanData span =
          t.spans().stream()
              .filter(s -> s.getName().startsWith("embeddings"))
              .findFirst()
              .orElseThrow();
      assertThat(span)
          .hasName("embeddings text-embedding-3-small")
          .hasKind(SpanKind.CLIENT)
          .hasAttribute(AttributeKey.stringKey("gen_ai.operation.name"), "embeddings")
          .hasAttribute(AttributeKey.longKey("gen_ai.embeddings.dimension.count"), 3L)
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.request.encoding_formats"), List.of("float"))
          .hasAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 7L)
          .hasAttribute(
              AttributeKey.stringKey("gen_ai.response.model"), "text-embedding-3-small-v1")
          .hasAttribute(AttributeKey.stringKey("otel_llm.metadata.step_type"), "index");
      List<Interaction> embeddings = client.getTraces(TraceQuery.operation("embeddings"));
      assertThat(embeddings).hasSize(1);
      Interaction e = embeddings.get(0);
      assertThat(e.operation()).isEqualTo("embeddings");
      assertThat(e.parameters())
          .containsEntry("encoding_formats", List.of("float"))
          .containsEntry("embedding_dimensions", 3L);
      assertThat(e.response().usage().orElseThrow().inputTokens()).isEqualTo(7);
      assertThat(client.getTraces(TraceQuery.operation("chat"))).hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> byOperation =
          (Map<String, Object>) TraceSummary.of(client.getTraces()).toMap().get("by_operation");
      assertThat(byOperation).containsOnlyKeys("chat", "embeddings");
      assertThat(TraceExport.toString(client.getTraces(), TraceFormat.MARKDOWN)).contains("index");
      List<String> metricNames =
          t.metrics.collectAllMetrics().stream().map(m -> m.getName()).toList();
      assertThat(metricNames)
          .contains("gen_ai.client.operation.duration", "gen_ai.client.token.usage");
    }
  }

  @Test
  void aFailedEmbeddingsCall_isTracedAndRethrown() {
    try (TestTracing t = new TestTracing()) {
      LlmClient client = t.client(new Embedder());
      assertThatThrownBy(() -> client.embed("boom"))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("rate limited");
      assertThat(t.onlySpan()).hasAttribute(AttributeKey.stringKey("error.type"), "429");
      assertThat(client.getTraces().get(0).error()).isPresent();
      assertThat(
              t.onlySpan()
                  .getAttributes()
                  .get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
          .isNull();
    }
  }

  @Test
  void aProviderWithoutEmbeddings_refuses_andBadRequestsAreRefusedAtOnce() {
    LlmClient client = LlmClient.create(ScriptedProvider.echo("m"));
    assertThatThrownBy(() -> client.embed("x"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("deterministic offers no embeddings");
    assertThatThrownBy(() -> EmbeddingRequest.builder().build())
        .hasMessage("an embedding request needs at least one input");
    assertThatThrownBy(() -> EmbeddingRequest.builder().dimensions(0))
        .hasMessage("dimensions must be >= 1, was 0");
  }
}
