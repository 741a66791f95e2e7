package dev.otelllm.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otelllm.EmbeddingRequest;
import dev.otelllm.EmbeddingResponse;
import dev.otelllm.LlmClient;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Embeddings on the providers that offer them, against the real APIs' answers. */
class EmbeddingsProviderTest {

  private static JsonNode body(RecordedRequest r) throws Exception {
    return HttpCore.JSON.readTree(r.getBody().utf8());
  }

  @Test
  void openAi_postsToEmbeddings_andReadsTheVectorsInInputOrder() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(Fixtures.json(200, "openai/embeddings.json"));
      LlmClient client =
          f.client(
              LlmProviders.create("openai", "text-embedding-3-small", f.options("/v1").build()));
      EmbeddingResponse r =
          client.embed(
              EmbeddingRequest.builder().input("first").input("second").dimensions(3).build());
      // The answer lists index 1 first: the vectors follow the inputs.
      assertThat(r.vectors().get(0)).containsExactly(-0.006929283, -0.005336422, 0.024047505);
      assertThat(r.vectors().get(1)).containsExactly(0.0023064255, -0.009327292, 0.015797347);
      assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(8);
      RecordedRequest sent = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
      assertThat(body(sent).toString())
          .isEqualTo(
              "{\"model\":\"text-embedding-3-small\",\"input\":[\"first\",\"second\"],"
                  + "\"dimensions\":3}");
      SpanData span = f.finished().get(0);
      assertThat(span.getName()).isEqualTo("embeddings text-embedding-3-small");
      assertThat(
              span.getAttributes().get(AttributeKey.longKey("gen_ai.embeddings.dimension.count")))
          .isEqualTo(3L);
      assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
          .isEqualTo(8L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      assertThat(client.getTraces(TraceQuery.operation("embeddings"))).hasSize(1);
    }
  }

  @Test
  void ollama_postsToApiEmbed() throws Exception {
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(Fixtures.json(200, "ollama/embed.json"));
      LlmClient client =
          f.client(LlmProviders.create("ollama", "all-minilm", f.options("").build()));
      EmbeddingResponse r = client.embed("Why is the sky blue?", "Why is the grass green?");
      assertThat(r.vectors()).hasSize(2);
      assertThat(r.dimensionCount()).isEqualTo(4);
      assertThat(r.model()).contains("all-minilm");
      RecordedRequest sent = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(sent.getUrl().encodedPath()).isEqualTo("/api/embed");
      assertThat(body(sent).get("input").toString())
          .isEqualTo("[\"Why is the sky blue?\",\"Why is the grass green?\"]");
      List<SpanData> spans = f.finished();
      assertThat(spans.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("embeddings");
      assertThat(
              spans.get(0).getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
          .isEqualTo(8L);
    }
  }

  @Test
  void anEncodingThatIsNotDecoded_isRefusedBeforeTheCall() throws Exception {
    try (Fixtures f = new Fixtures()) {
      LlmClient client =
          f.client(
              LlmProviders.create("openai", "text-embedding-3-small", f.options("/v1").build()));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  client.embed(
                      EmbeddingRequest.builder().input("x").encodingFormat("base64").build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("openai: encoding_format base64 is not supported, use float");
      assertThat(f.server.getRequestCount()).isZero();
    }
  }
}
