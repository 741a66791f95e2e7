package dev.otelllm.examples.support;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.trace.Interaction;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The per-step table of a session's interactions, in the look of the main example's report: one row
 * per model call (step, attempt, the model that answered, tokens in and out, milliseconds, finish
 * reason, what was sent last), then the totals and the tool calls.
 */
public final class StepTable {

  private static final String HEADER = "%-3s %-22s %7s %-24s %6s %6s %9s %-10s  %s%n";
  private static final String ROW = "%-3d %-22s %7s %-24s %6s %6s %9.1f %-10s  %s%n";

  private StepTable() {}

  public static void print(List<Interaction> interactions, PrintStream out) {
    out.printf(
        Locale.ROOT, HEADER, "#", "step", "attempt", "model", "in", "out", "ms", "finish", "sent");
    long in = 0;
    long outTokens = 0;
    double ms = 0;
    int i = 1;
    for (Interaction t : interactions) {
      long input = t.response().usage().map(u -> u.inputTokens()).orElse(0L);
      long output = t.response().usage().map(u -> u.outputTokens()).orElse(0L);
      in += input;
      outTokens += output;
      ms += t.generationTimeMs();
      out.printf(
          Locale.ROOT,
          ROW,
          i++,
          step(t),
          t.metadata().getOrDefault("attempt_number", "-"),
          t.response().model().isEmpty() ? t.model() : t.response().model(),
          t.response().usage().isPresent() ? input : "-",
          t.response().usage().isPresent() ? output : "-",
          t.generationTimeMs(),
          t.response().finishReason(),
          head(sent(t), 56));
    }
    String toolCalls =
        interactions.stream()
            .flatMap(t -> t.response().toolCalls().stream())
            .map(StepTable::call)
            .collect(Collectors.joining(", "));
    out.printf(
        Locale.ROOT,
        "%d interactions, %d tokens in, %d out, %.1f ms in the model; tool calls: %s%n",
        interactions.size(),
        in,
        outTokens,
        ms,
        toolCalls.isEmpty() ? "none" : toolCalls);
  }

  /** The step type, else the LangChain4j AI service method that made the call. */
  private static Object step(Interaction t) {
    return t.metadata().getOrDefault("step_type", t.metadata().getOrDefault("ai_service", "-"));
  }

  /** The last message sent: the user's prompt, or the tool result a tool-loop round sends back. */
  private static String sent(Interaction t) {
    List<Message> messages = t.messages();
    if (!messages.isEmpty() && Message.TOOL.equals(messages.get(messages.size() - 1).role())) {
      return "[tool result] "
          + messages.get(messages.size() - 1).parts().stream()
              .filter(Part.ToolCallResponse.class::isInstance)
              .map(p -> String.valueOf(((Part.ToolCallResponse) p).response()))
              .collect(Collectors.joining(" "));
    }
    return t.prompt();
  }

  private static String call(Part.ToolCall call) {
    return call.name()
        + call.arguments().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ", "(", ")"));
  }

  private static String head(String s, int n) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= n ? oneLine : oneLine.substring(0, n - 3) + "...";
  }
}
