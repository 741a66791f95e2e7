package dev.otelllm.examples;

import dev.otelllm.ExportStats;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.WorkflowScope;
import dev.otelllm.testing.DeterministicLlmProvider;
import dev.otelllm.trace.Interaction;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notebook workflow of the reference, traced: generate code for a request, validate it, retry
 * with the error until it passes (at most three attempts), then write a methodology paragraph. The
 * library's tiny model never writes valid code, so its default run shows all three attempts. All
 * steps run in one session inside one workflow span; at the end the program prints a per-step table
 * from the session's interaction history and one interaction in the reference's map form.
 *
 * <p>It runs on {@link DeterministicLlmProvider}, a scripted in-process stand-in whose first answer
 * has a bug, so the retry path is exercised without a network or a key.
 */
public final class CodeGenerationWorkflow {

  private static final Pattern CODE_BLOCK =
      Pattern.compile("```(?:python)?\\n(.*?)```", Pattern.DOTALL);
  private static final int MAX_ATTEMPTS = 3;

  private final LlmClient client;
  private final PrintStream out;

  CodeGenerationWorkflow(LlmClient client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: CodeGenerationWorkflow [--provider NAME] [--model MODEL] [--model-path FILE.gguf] [--base-url URL] [--help]",
          "  NAME: llamacpp (default, in process), openai, anthropic, ollama, lmstudio, vllm, openrouter, scripted",
          "  or set OTEL_LLM_PROVIDER, OTEL_LLM_MODEL, OTEL_LLM_MODEL_PATH, OTEL_LLM_BASE_URL;",
          "  OTEL_EXPORTER_OTLP_ENDPOINT (and the other OTEL_* variables) export the spans over OTLP",
          "  exit codes: 0 every step answered, 1 a provider call failed, 2 bad usage or settings");

  /**
   * Runs on the in-process llama.cpp provider with the library's tiny model by default (no network,
   * no key; its code is nonsense, its tokens and timing real). With {@code OTEL_LLM_PROVIDER}
   * (openai, anthropic, ollama, lmstudio, vllm, openrouter, llamacpp, or scripted for the stand-in
   * whose first answer has a bug), {@code OTEL_LLM_MODEL} and, for llamacpp, {@code
   * OTEL_LLM_MODEL_PATH} set, or {@code --provider NAME --model MODEL --model-path FILE}, it runs
   * on that provider (API keys from the usual environment variables). Spans are exported when the
   * standard {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or its traces variant) is set, and stay in memory
   * otherwise. Exits 0 when every step got an answer, 1 when a provider call failed, 2 for bad
   * usage or settings.
   */
  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err);
    // llama.cpp's native threads can keep the JVM alive after the model is closed.
    System.exit(code);
  }

  /** The command line: the exit code it ends with. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    RunSettings settings;
    try {
      settings = RunSettings.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (settings.help()) {
      out.println(USAGE);
      return 0;
    }
    LlmProvider llm;
    try {
      llm = settings.createProvider();
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    ExportTarget export = ExportTarget.from(env);
    LlmTracing tracing;
    try {
      if (export.enabled()) {
        export.quietUnconfiguredSignals(env);
        tracing = LlmTracing.autoconfigured();
      } else {
        tracing = LlmTracing.builder().maxInteractions(100).build();
      }
    } catch (RuntimeException e) {
      closeQuietly(llm);
      err.println("error: OpenTelemetry settings: " + causes(e));
      return 2;
    }
    out.println(
        "otel-llm example | provider "
            + llm.info().providerName()
            + " | model "
            + settings.modelLabel()
            + " | traces: "
            + export.describe());
    int code = 0;
    try (LlmClient client = LlmClient.builder(llm).tracing(tracing).build()) {
      new CodeGenerationWorkflow(client, out).run("Create a histogram of the 'age' column from df");
    } catch (RuntimeException e) {
      err.println("error: a provider call failed: " + e.getMessage());
      code = 1;
    } finally {
      tracing.close();
    }
    if (export.enabled()) {
      ExportStats stats = tracing.exportStats();
      out.println(
          "exported "
              + stats.exported()
              + " spans to "
              + export.tracesEndpoint()
              + (stats.failed() > 0
                  ? "; " + stats.failed() + " failed (is a collector listening there?)"
                  : ""));
    }
    return code;
  }

  /** The message and the causes' messages: autoconfigure wraps the one that says what is wrong. */
  static String causes(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !out.toString().contains(c.getMessage())) {
        out.append(": ").append(c.getMessage());
      }
    }
    return out.toString();
  }

  private static void closeQuietly(LlmProvider provider) {
    if (provider instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // the run is over either way
      }
    }
  }

  /** A stand-in model: buggy code first, fixed code on the retry, then prose. */
  static LlmProvider scriptedModel() {
    return DeterministicLlmProvider.builder("scripted-coder")
        .answer(
            "Here is the code:\n```python\nimport matplotlib.pyplot as plt\nplt.hist(df['age'], bins=20\nplt.show()\n```")
        .answer(
            "Fixed:\n```python\nimport matplotlib.pyplot as plt\nplt.hist(df['age'], bins=20)\nplt.xlabel('age')\nplt.show()\n```")
        .answer(
            "Methodology: ages were binned into 20 equal-width bins and plotted as a histogram "
                + "to show the shape of the distribution.")
        .build();
  }

  /** Runs the workflow; true when the code passed validation. */
  boolean run(String userRequest) {
    String traceId;
    boolean valid = false;
    Session session =
        client
            .session()
            .systemPrompt("You are a Python data analysis assistant. Generate only Python code.")
            .metadata("user_id", "analyst_123")
            .build();
    try (session;
        WorkflowScope workflow = client.workflow("notebook_cell")) {
      traceId = workflow.traceId();
      GenerationParams deterministic =
          GenerationParams.builder().temperature(0).seed(42).maxTokens(256).build();
      LlmResponse response =
          session.generate(userRequest, "code_generation", 1, deterministic, Map.of());
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
        response =
            session.generate(
                "The previous code failed with error: "
                    + error.get()
                    + "\n\nOriginal request: "
                    + userRequest
                    + "\n\nFix the code.",
                "code_generation",
                attempt + 1,
                deterministic,
                Map.of("previous_error", error.get()));
        code = extractCode(response.content());
      }
      if (!valid) {
        workflow.recordFailure(
            new IllegalStateException("code still invalid after " + MAX_ATTEMPTS + " attempts"));
      }
      // The notebook documents the analysis either way; the report says whether the code passed.
      session.generate(
          "Generate a brief scientific methodology description for this analysis: " + userRequest,
          "methodology_generation",
          1,
          GenerationParams.builder().temperature(0.7).maxTokens(256).build(),
          Map.of());
      printReport(session.getInteractionHistory(), traceId, valid);
    }
    return valid;
  }

  private void printReport(List<Interaction> traces, String traceId, boolean valid) {
    out.println(
        "workflow "
            + (valid ? "succeeded" : "ended with invalid code after " + MAX_ATTEMPTS + " attempts")
            + ", trace "
            + traceId);
    out.printf(
        Locale.ROOT,
        "%-3s %-24s %7s %7s %10s  %s%n",
        "#",
        "step",
        "attempt",
        "tokens",
        "ms",
        "prompt");
    long totalTokens = 0;
    double totalMs = 0;
    int i = 1;
    for (Interaction t : traces) {
      long tokens = t.response().usage().map(u -> u.totalTokens()).orElse(0L);
      totalTokens += tokens;
      totalMs += t.generationTimeMs();
      Object attempt = t.metadata().getOrDefault("attempt_number", "-");
      out.printf(
          Locale.ROOT,
          "%-3d %-24s %7s %7d %10.1f  %s%n",
          i++,
          t.metadata().getOrDefault("step_type", "-"),
          attempt,
          tokens,
          t.generationTimeMs(),
          head(t.prompt(), 60));
    }
    out.printf(
        Locale.ROOT,
        "%d interactions, %d tokens, %.1f ms in the model%n",
        traces.size(),
        totalTokens,
        totalMs);
    if (!traces.isEmpty()) {
      printInteraction(traces.get(traces.size() - 1));
    }
  }

  /** One interaction as a reader wants it: what was asked, what came back, what it cost. */
  private void printInteraction(Interaction t) {
    out.println();
    out.println("last interaction: span " + t.spanId() + " of trace " + t.traceId());
    out.printf(
        Locale.ROOT,
        "  when     %s, %.1f ms, finish %s%n",
        t.isoTimestamp(),
        t.generationTimeMs(),
        t.response().finishReason());
    out.println(
        "  step     "
            + t.metadata().getOrDefault("step_type", "-")
            + ", attempt "
            + t.metadata().getOrDefault("attempt_number", "-")
            + ", session "
            + t.sessionId());
    out.println(
        "  tokens   "
            + t.response()
                .usage()
                .map(u -> u.inputTokens() + " in, " + u.outputTokens() + " out")
                .orElse("not reported"));
    out.println("  params   " + t.parameters());
    out.println("  system   " + head(t.systemPrompt(), 100));
    out.println("  history  " + t.history().size() + " earlier messages");
    out.println("  prompt   " + head(t.prompt(), 100));
    out.println("  answer   " + head(t.response().content(), 100));
    t.error().ifPresent(e -> out.println("  error    " + e));
  }

  static String extractCode(String text) {
    Matcher m = CODE_BLOCK.matcher(text);
    return m.find() ? m.group(1) : text;
  }

  /**
   * A real, if small, check: the code must use the data it was asked about ({@code dataName}), and
   * its brackets must balance and close in order.
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
    return open.isEmpty()
        ? Optional.empty()
        : Optional.of("SyntaxError: '" + open.peek() + "' was never closed");
  }

  private static String head(String s, int n) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= n ? oneLine : oneLine.substring(0, n - 3) + "...";
  }
}
