package dev.otelllm.providers;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmException;
import dev.otelllm.LlmRequest;
import dev.otelllm.trace.Interaction;

/**
 * Asks an OpenAI-compatible server four times, traced, with the given caps, and prints how each
 * call ended: two whole answers, then two streams. Run by {@link HeapCapsTest} in a JVM with a
 * small heap against answers that never end, so that an answer held whole shows as an
 * OutOfMemoryError instead of a cap.
 */
public final class EndlessAnswerMain {
  private EndlessAnswerMain() {}

  /**
   * Arguments: the base URL, then maxResponseBytes, maxStreamEventBytes, maxStreamedAnswerBytes.
   */
  public static void main(String[] args) {
    ProviderOptions options =
        ProviderOptions.builder()
            .baseUrl(args[0])
            .apiKey("sk-test")
            .maxRetries(0)
            .maxResponseBytes(Integer.parseInt(args[1]))
            .maxStreamEventBytes(Integer.parseInt(args[2]))
            .maxStreamedAnswerBytes(Integer.parseInt(args[3]))
            .build();
    try (LlmClient client =
        LlmProviders.client("openai", "gpt-4o-mini", options, dev.otelllm.LlmTracing.create())) {
      run("generate, chunked", () -> client.generate("Hi"));
      run("generate, 1 GiB announced", () -> client.generate("Hi"));
      run("stream, endless answer", () -> client.stream(LlmRequest.of("Hi"), chunk -> {}));
      run("stream, endless line", () -> client.stream(LlmRequest.of("Hi"), chunk -> {}));
      System.out.println(
          "failed traces: " + client.getTraces().stream().filter(Interaction::failed).count());
    }
  }

  private static void run(String label, Runnable call) {
    try {
      call.run();
      System.out.println(label + ": answered");
    } catch (LlmException e) {
      System.out.println(label + ": " + e.errorType() + " " + e.getMessage());
    } catch (OutOfMemoryError e) {
      System.out.println(label + ": " + e);
    }
  }
}
