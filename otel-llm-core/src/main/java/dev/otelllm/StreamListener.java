package dev.otelllm;

/**
 * What a streaming provider reports while a stream runs, beside the text it hands to the caller:
 * when the server's first chunk arrived, and what the stream has said about its answer so far.
 * Tracing passes one to {@link LlmProvider#stream(LlmRequest, java.util.function.Consumer,
 * StreamListener)}, so that a stream's span measures the time to first chunk as the GenAI
 * conventions do (to the first chunk the server sends, whatever it carries, not to the first text)
 * and keeps the response id, model and usage of a stream that fails or is cut short.
 *
 * <p>Every method does nothing by default. Calls come from the thread that reads the stream, one at
 * a time; implementations are cheap and do not throw.
 */
public interface StreamListener {

  /** A listener that ignores everything: what a provider gets when nobody listens. */
  StreamListener NONE = new StreamListener() {};

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
