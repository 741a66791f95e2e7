package dev.otelllm.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.export.SampleTraces;
import dev.otelllm.otlp.OtlpFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's runnable jar, as an operator runs it: {@code java -jar otel-llm-cli.jar ...}. */
class CliJarTest {

  private record Result(int code, String out) {}

  private static Result java(Path dir, String... args) throws Exception {
    Path jar = Path.of(System.getProperty("cli.jar"));
    assertThat(jar).as("the install step builds " + jar).exists();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void versionHelpAndAConversion(@TempDir Path dir) throws Exception {
    Result version = java(dir, "--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("otel-llm-cli ");
    assertThat(java(dir, "convert", "--help").out()).contains("--format FORMAT");
    try (SampleTraces samples = new SampleTraces()) {
      Path input = OtlpFiles.jsonLines(dir.resolve("traces.json"), List.of(samples.spans()), true);
      Result convert =
          java(dir, "convert", input.toString(), "--format", "html", "--out", "report/r.html");
      assertThat(convert.code()).as(convert.out()).isZero();
      assertThat(Files.readString(dir.resolve("report/r.html"))).contains("data-rows=\"6\"");
    }
    Result missing = java(dir, "summarize", "nope.json");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.out()).isEqualTo("error: no such file: nope.json\n");
  }
}
