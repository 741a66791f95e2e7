package dev.otelllm;

/**
 * The provider SPI: one model endpoint that turns a request into a response.
 *
 * <p>Implementations do the provider's work only; tracing is added around them by {@link LlmClient}
 * when it is turned on, so every provider, the library's or an application's own, is traced the
 * same way. Implementations must be thread-safe; {@link #generate} blocks until the answer is
 * complete and reports failure by throwing an unchecked exception (preferably an {@link
 * LlmException}), which reaches the caller unchanged.
 */
public interface LlmProvider {

  /** Name, default model and server of this provider; must be cheap and must not change. */
  ProviderInfo info();

  /** Sends the request and returns the complete answer. */
  LlmResponse generate(LlmRequest request);

  /**
   * As {@link #generate(LlmRequest)}, reporting retries to {@code listener}. Providers that retry
   * override it; the default ignores the listener.
   */
  default LlmResponse generate(LlmRequest request, CallListener listener) {
    return generate(request);
  }

  /**
   * The generation parameters this provider sends for {@code request}; tracing records these as the
   * request's, so that a span never shows a parameter the server did not get. The default is the
   * request's own. A provider that leaves some out (its API has no seed, or refuses two of them
   * together) returns only those it sends. Must be cheap, and must not call the model.
   */
  default GenerationParams sentParams(LlmRequest request) {
    return request.params();
  }

  /**
   * Sends the request and hands each text chunk of the answer to {@code onChunk} as it arrives,
   * then returns the same complete answer {@link #generate} would (content, tool calls, finish
   * reason, usage). Blocks until the stream ends. An exception thrown by {@code onChunk} stops the
   * stream and reaches the caller. The default streams nothing: it generates, then hands over the
   * whole text as one chunk.
   */
  default LlmResponse stream(LlmRequest request, java.util.function.Consumer<String> onChunk) {
    LlmResponse response = generate(request);
    if (response != null && !response.content().isEmpty()) {
      onChunk.accept(response.content());
    }
    return response;
  }

  /**
   * As {@link #stream(LlmRequest, java.util.function.Consumer)}, reporting to {@code listener} when
   * the server's first chunk arrives and the response id, model and usage as the stream carries
   * them, so that tracing records them even when the stream fails later. The default ignores the
   * listener; tracing then takes the first text chunk as the first chunk. A provider that
   * implements this implements the two-argument form as this with {@link CallListener#NONE}.
   */
  default LlmResponse stream(
      LlmRequest request, java.util.function.Consumer<String> onChunk, CallListener listener) {
    return stream(request, onChunk);
  }

  /**
   * Turns texts into vectors. Providers that offer embeddings override it; the default refuses.
   *
   * @throws UnsupportedOperationException when the provider offers no embeddings
   */
  default EmbeddingResponse embed(EmbeddingRequest request) {
    throw new UnsupportedOperationException(info().providerName() + " offers no embeddings");
  }

  /**
   * As {@link #embed(EmbeddingRequest)}, reporting retries to {@code listener}. Providers that
   * retry override it; the default ignores the listener.
   */
  default EmbeddingResponse embed(EmbeddingRequest request, CallListener listener) {
    return embed(request);
  }
}
