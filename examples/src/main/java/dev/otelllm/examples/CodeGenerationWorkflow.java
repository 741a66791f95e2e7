package dev.otelllm.examples;

import dev.otelllm.GenerationParams;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmResponse;
import dev.otelllm.Session;
import dev.otelllm.WorkflowScope;
import dev.otelllm.testing.DeterministicLlmProvider;
import dev.otelllm.trace.LlmTrace;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notebook workflow of the reference, traced: generate code for a request, validate it, retry
 * with the error until it passes (at most three attempts), then write a methodology paragraph.
 * The library's tiny model never writes valid code, so its default run shows all three attempts. All
 * steps run in one session inside one workflow span; at the end the program prints a per-step
 * table from the session's interaction history and one interaction in the reference's map form.
 *
 * <p>It runs on {@link DeterministicLlmProvider}, a scripted in-process stand-in whose first answer
 * has a bug, so the retry path is exercised without a network or a key.
 */
public final class CodeGenerationWorkflow {

  private static final Pattern CODE_BLOCK = Pattern.compile("```(?:python)?\\n(.*?)```", Pattern.DOTALL);
  private static final int MAX_ATTEMPTS = 3;

  private final LlmClient client;
  private final PrintStream out;

  CodeGenerationWorkflow(LlmClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /**
   * Runs on the in-process llama.cpp provider with the library's tiny model by default (no network,
   * no key; its code is nonsense, its tokens and timing real). With {@code OTEL_LLM_PROVIDER}
   * (openai, anthropic, ollama, lmstudio, vllm, openrouter, llamacpp, or scripted for the
   * stand-in whose first answer has a bug) and {@code OTEL_LLM_MODEL} set, or {@code --provider
   * NAME --model MODEL}, it runs on that provider (API keys from the usual environment variables).
   */
  public static void main(String[] args) {
    String provider = System.getenv("OTEL_LLM_PROVIDER");
    String model = System.getenv("OTEL_LLM_MODEL");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--provider")) {
        provider = args[i + 1];
      } else if (args[i].equals("--model")) {
        model = args[i + 1];
      }
    }
    LlmProvider llm;
    try {
      if (provider == null || provider.isBlank()) {
        provider = "llamacpp";
      }
      llm = provider.equals("scripted") ? scriptedModel()
          : dev.otelllm.providers.LlmProviders.create(provider, model == null ? defaultModel(provider) : model);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    // The run succeeds when every step got its answer; whether the model's code passed is in the report.
    try (LlmClient client = LlmClient.builder(llm).tracing(true).maxTraces(100).build()) {
      new CodeGenerationWorkflow(client, System.out).run("Create a histogram of the 'age' column from df");
    } catch (RuntimeException e) {
      System.err.println("error: " + e);
      System.exit(1);
    }
    System.exit(0);
  }

  private static String defaultModel(String provider) {
    return switch (provider) {
      case "openai" -> "gpt-4o-mini";
      case "anthropic" -> "claude-sonnet-4-5";
      case "ollama" -> "llama3.2";
      case "llamacpp" -> "tiny-llama";
      default -> throw new IllegalArgumentException("set OTEL_LLM_MODEL (or --model) for provider " + provider);
    };
  }

  /** A stand-in model: buggy code first, fixed code on the retry, then prose. */
  static LlmProvider scriptedModel() {
    return DeterministicLlmProvider.builder("scripted-coder")
        .answer("Here is the code:\n```python\nimport matplotlib.pyplot as plt\nplt.hist(df['age'], bins=20\nplt.show()\n```")
        .answer("Fixed:\n```python\nimport matplotlib.pyplot as plt\nplt.hist(df['age'], bins=20)\nplt.xlabel('age')\nplt.show()\n```")
        .answer("Methodology: ages were binned into 20 equal-width bins and plotted as a histogram "
            + "to show the shape of the distribution.")
        .build();
  }

  /** Runs the workflow; true when the code passed validation. */
  boolean run(String userRequest) {
    String traceId;
    boolean valid = false;
    Session session = client.session()
        .systemPrompt("You are a Python data analysis assistant. Generate only Python code.")
        .metadata("user_id", "analyst_123")
        .build();
    try (session; WorkflowScope workflow = client.workflow("notebook_cell")) {
      traceId = workflow.traceId();
      GenerationParams deterministic = GenerationParams.builder().temperature(0).seed(42).maxTokens(256).build();
      LlmResponse response = session.generate(userRequest, "code_generation", 1, deterministic, Map.of());
      String code = extractCode(response.content());
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        Optional<String> error = validate(code, "df");
        if (error.isEmpty()) {
          valid = true;
          break;
        }
        if (attempt == MAX_ATTEMPTS) {
          break;
        }
        response = session.generate("The previous code failed with error: " + error.get()
                + "\n\nOriginal request: " + userRequest + "\n\nFix the code.",
            "code_generation", attempt + 1, deterministic, Map.of("previous_error", error.get()));
        code = extractCode(response.content());
      }
      if (!valid) {
        workflow.recordFailure(new IllegalStateException("code still invalid after " + MAX_ATTEMPTS + " attempts"));
      }
      // The notebook documents the analysis either way; the report says whether the code passed.
      session.generate("Generate a brief scientific methodology description for this analysis: " + userRequest,
          "methodology_generation", 1, GenerationParams.builder().temperature(0.7).maxTokens(256).build(), Map.of());
      printReport(session.getInteractionHistory(), traceId, valid);
    }
    return valid;
  }

  private void printReport(List<LlmTrace> traces, String traceId, boolean valid) {
    out.println("LLM workflow " + (valid ? "succeeded" : "ended with invalid code after " + MAX_ATTEMPTS + " attempts")
        + " - trace " + traceId + " (open it in Jaeger or Tempo when exported)");
    out.printf("%-4s %-24s %7s %7s %9s  %s%n", "#", "step", "attempt", "tokens", "ms", "prompt");
    long totalTokens = 0;
    double totalMs = 0;
    int i = 1;
    for (LlmTrace t : traces) {
      long tokens = t.response().usage().map(u -> u.totalTokens()).orElse(0L);
      totalTokens += tokens;
      totalMs += t.generationTimeMs();
      Object attempt = t.metadata().getOrDefault("attempt_number", "-");
      out.printf("%-4d %-24s %7s %7d %9.3f  %s%n", i++, t.metadata().getOrDefault("step_type", "-"), attempt,
          tokens, t.generationTimeMs(), head(t.prompt(), 60));
    }
    out.printf("%d interactions, %d tokens, %.3f ms in the model%n", traces.size(), totalTokens, totalMs);
    if (!traces.isEmpty()) {
      out.println();
      out.println("Last interaction, as the reference's map:");
      out.println(traces.get(traces.size() - 1).toJson());
    }
  }

  static String extractCode(String text) {
    Matcher m = CODE_BLOCK.matcher(text);
    return m.find() ? m.group(1) : text;
  }

  /**
   * A real, if small, check: the code must use the data it was asked about ({@code dataName}),
   * and its brackets must balance and close in order.
   */
  static Optional<String> validate(String code, String dataName) {
    if (!Pattern.compile("\\b" + Pattern.quote(dataName) + "\\b").matcher(code).find()) {
      return Optional.of("NameError: the code never uses '" + dataName + "'");
    }
    Deque<Character> open = new ArrayDeque<>();
    int line = 1;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c == '(' || c == '[' || c == '{') {
        open.push(c);
      } else if (c == ')' || c == ']' || c == '}') {
        char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
        if (open.isEmpty() || open.pop() != expected) {
          return Optional.of("SyntaxError: unmatched '" + c + "' on line " + line);
        }
      }
    }
    return open.isEmpty() ? Optional.empty()
        : Optional.of("SyntaxError: '" + open.peek() + "' was never closed");
  }

  private static String head(String s, int n) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() <= n ? oneLine : oneLine.substring(0, n - 3) + "...";
  }
}
