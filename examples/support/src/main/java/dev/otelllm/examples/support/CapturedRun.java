package dev.otelllm.examples.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntBiFunction;
import java.util.regex.Pattern;

/**
 * An example run with its output captured, for the examples' own tests: the exit code, what it
 * printed, and what it printed as errors.
 *
 * @param exitCode what the example's entry point returned
 * @param printed its standard output
 * @param errors its standard error
 */
public record CapturedRun(int exitCode, String printed, String errors) {

  /** Runs {@code example(out, err)} with both streams captured. */
  public static CapturedRun of(ToIntBiFunction<PrintStream, PrintStream> example) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = example.applyAsInt(o, e);
    }
    return new CapturedRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * The pattern of one row of {@link StepTable}: number, step, attempt, the answering model, tokens
   * in and out, any milliseconds, finish reason, and the start of what was sent.
   */
  public static String stepRow(
      int n,
      String step,
      String attempt,
      String model,
      int in,
      int out,
      String finish,
      String sentStart) {
    return "(?m)^"
        + n
        + "\\s+"
        + Pattern.quote(step)
        + "\\s+"
        + Pattern.quote(attempt)
        + "\\s+"
        + Pattern.quote(model)
        + "\\s+"
        + in
        + "\\s+"
        + out
        + "\\s+\\d+\\.\\d\\s+"
        + Pattern.quote(finish)
        + "\\s+"
        + Pattern.quote(sentStart)
        + ".*$";
  }
}
