package dev.otelllm;

/**
 * What a provider reports while one call runs, beside the answer it returns: each retry it is about
 * to wait for, and for a stream when the server's first chunk arrived and what the stream has said
 * about its answer so far. Tracing passes one to {@link LlmProvider#generate(LlmRequest,
 * CallListener)}, {@link LlmProvider#stream(LlmRequest, java.util.function.Consumer, CallListener)}
 * and {@link LlmProvider#embed(EmbeddingRequest, CallListener)}, so that the span records the
 * retries as events, measures a stream's time to first chunk as the GenAI conventions do (to the
 * first chunk the server sends, whatever it carries, not to the first text) and keeps the response
 * id, model and usage of a stream that fails or is cut short. The provider never touches the span
 * itself.
 *
 * <p>Every method does nothing by default. Calls come from the thread that reads the stream, one at
 * a time; implementations are cheap and do not throw.
 */
public interface CallListener {

  /** A listener that ignores everything: what a provider gets when nobody listens. */
  CallListener NONE = new CallListener() {};

  /**
   * An attempt failed and the provider will try again after {@code delay}.
   *
   * @param failedAttempt the attempt that failed, from 1
   * @param delay the wait before the next attempt
   * @param httpStatusCode the HTTP status that is retried (429, 5xx), or 0 when the error came
   *     inside a stream the server had started with 200
   * @param errorType for an error inside a stream, what the stream reported (e.g. {@code
   *     overloaded_error}); else {@code ""}
   */
  default void retrying(
      int failedAttempt, java.time.Duration delay, int httpStatusCode, String errorType) {}

  /**
   * The first chunk of an attempt arrived: the first SSE event or NDJSON line, or the first token
   * of a model in the process, whatever it carries (a role, a tool call, message metadata). A
   * stream that is retried before it delivered any text reports again for its new attempt; the last
   * report counts.
   */
  default void firstChunk() {}

  /** The provider's id of the answer, as soon as the stream carries it. */
  default void responseId(String id) {}

  /** The model that answers, as soon as the stream names it. */
  default void responseModel(String model) {}

  /** Token counts so far (a later report replaces an earlier one). */
  default void usage(Usage usage) {}
}
