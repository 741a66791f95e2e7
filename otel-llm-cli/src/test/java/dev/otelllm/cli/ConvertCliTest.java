package dev.otelllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otelllm.export.SampleTraces;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.otlp.OtlpFiles;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCliTest {

  private static SampleTraces samples;
  private static List<SpanData> spans;

  @BeforeAll
  static void record() {
    samples = new SampleTraces();
    spans = samples.spans();
  }

  @AfterAll
  static void close() {
    samples.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ConvertCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void convert_jsonlToStdout_matchesTheInMemoryExport(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    Run r = run("convert", file.toString(), "--format", "jsonl");
    assertThat(r.code()).isZero();
    String expected = TraceExport.toString(samples.traces(), TraceFormat.JSONL);
    assertThat(r.out().length()).isEqualTo(expected.length());
    assertThat(r.out()).isEqualTo(expected);
    assertThat(r.err())
        .isEqualTo("read 1 records: 6 interactions, 1 other spans left out, 0 problems\n");
  }

  @Test
  void convert_filtersBySessionAndStep_andWritesTheOutFile(@TempDir Path dir) throws Exception {
    Path pb = OtlpFiles.protobufRecords(dir.resolve("t.pb"), List.of(spans));
    Path gz = OtlpFiles.jsonLines(dir.resolve("t.json.gz"), List.of(spans), true);
    Path out = dir.resolve("out/report.md");
    Run r =
        run(
            "convert",
            pb.toString(),
            gz.toString(),
            "--format",
            "markdown",
            "--out",
            out.toString(),
            "--session",
            "sess-1",
            "--step",
            "code_generation");
    assertThat(r.code()).isZero();
    String md = Files.readString(out);
    // Three steps of the session, once from each of the two files.
    assertThat(md)
        .contains("| 6 | 2 (33.3%) |")
        .contains("## 6. code\\_generation attempt 3 (failed)");
    Path html = dir.resolve("report.html");
    assertThat(run("convert", gz.toString(), "--format", "html", "--out", html.toString()).code())
        .isZero();
    assertThat(Files.readString(html)).contains("data-rows=\"6\"");
  }

  @Test
  void summarize_printsTheFiguresAsJson(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    Run r = run("summarize", file.toString());
    assertThat(r.code()).isZero();
    Map<?, ?> summary = new ObjectMapper().readValue(r.out(), Map.class);
    assertThat(summary.get("count")).isEqualTo(6);
    assertThat(summary.get("errors")).isEqualTo(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> bySteps = (Map<String, Object>) summary.get("by_step_type");
    assertThat(bySteps).containsOnlyKeys("(none)", "code_generation", "methodology_generation");
  }

  @Test
  void skippedInput_exitsOne_andNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    byte[] good = OtlpFiles.jsonLine(spans);
    Files.write(file, concat(good, "\nnot json\n".getBytes(StandardCharsets.UTF_8), good));
    Run r = run("convert", file.toString(), "--format", "jsonl");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(file + ": line 2: line skipped: ")
        .endsWith("read 3 records: 12 interactions, 2 other spans left out, 1 problems\n");
    assertThat(r.out().split("\n")).hasSize(12);

    Run ff = run("convert", file.toString(), "--format", "jsonl", "--fail-fast");
    assertThat(ff.code()).isEqualTo(3);
    assertThat(ff.err()).contains("stopped at the first problem (--fail-fast)");
  }

  @Test
  void badUsage_exitsTwoWithAMessage(@TempDir Path dir) throws Exception {
    assertThat(run().err())
        .startsWith(
            "error: no command: use convert or summarize (--help lists them)\n"
                + "usage: java -jar otel-llm-cli.jar <command>");
    Path file = Files.writeString(dir.resolve("x.json"), "");
    Run noFormat = run("convert", file.toString());
    assertThat(noFormat.code()).isEqualTo(2);
    assertThat(noFormat.err())
        .startsWith(
            "error: convert needs --format jsonl|json|markdown|html\n"
                + "usage: java -jar otel-llm-cli.jar convert <input...> --format FORMAT [options]");
    assertThat(run("convert", file.toString(), "--format", "xml").err())
        .startsWith("error: unknown format 'xml': use jsonl, json, markdown or html");
    assertThat(run("convert", file.toString(), "--format").err())
        .startsWith("error: --format needs a value");
    Run unknown = run("frobnicate");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: unknown command 'frobnicate'");
  }

  @Test
  void helpAndVersion() {
    Run help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("  convert    OTLP span files to interactions")
        .contains("exit codes: 0 all read");
    Run convertHelp = run("convert", "--help");
    assertThat(convertHelp.code()).isZero();
    assertThat(convertHelp.out())
        .contains("--format FORMAT  jsonl | json | markdown | html (required)")
        .contains("--session ID")
        .contains("--step TYPE")
        .contains("--fail-fast")
        .contains("--out FILE");
    assertThat(run("summarize", "--help").out())
        .startsWith("usage: java -jar otel-llm-cli.jar summarize");
    Run version = run("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).matches("otel-llm-cli \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  @Test
  void unreadableInput_exitsThree_namingTheFileAndTheReason(@TempDir Path dir) {
    Run missing = run("convert", dir.resolve("nope.json").toString(), "--format", "jsonl");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).isEqualTo("error: no such file: " + dir.resolve("nope.json") + "\n");
    Run folder = run("summarize", dir.toString());
    assertThat(folder.code()).isEqualTo(3);
    assertThat(folder.err()).isEqualTo("error: is a directory: " + dir + "\n");
  }

  @Test
  void theLibrarysOwnExport_isRecognised_notConvertedToNothing(@TempDir Path dir) throws Exception {
    Path jsonl =
        TraceExport.toFile(samples.traces(), TraceFormat.JSONL, dir.resolve("traces.jsonl"));
    Run r = run("convert", jsonl.toString(), "--format", "markdown");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("error: " + jsonl + " is otel-llm's own export of interactions")
        .contains("it needs no conversion");
    Path json = TraceExport.toFile(samples.traces(), TraceFormat.JSON, dir.resolve("traces.json"));
    assertThat(run("summarize", json.toString()).err())
        .contains("is otel-llm's own export of interactions");
    Path metrics = Files.writeString(dir.resolve("metrics.json"), "{\"resourceMetrics\":[]}\n");
    assertThat(run("summarize", metrics.toString()).err())
        .isEqualTo(
            "error: "
                + metrics
                + " holds OTLP metrics, not spans: convert the file of the Collector's traces pipeline.\n");
  }

  @Test
  void unwritableOutput_saysWhy_andLeavesNoFile(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    Path notAFolder = Files.writeString(dir.resolve("plain"), "x");
    Run r =
        run(
            "convert",
            file.toString(),
            "--format",
            "jsonl",
            "--out",
            notAFolder.resolve("out.jsonl").toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "error: cannot write "
                + notAFolder.resolve("out.jsonl")
                + ": "
                + notAFolder
                + " exists and is not a folder\n");
    Run onFolder = run("convert", file.toString(), "--format", "jsonl", "--out", dir.toString());
    assertThat(onFolder.code()).isEqualTo(3);
    assertThat(onFolder.err()).isEqualTo("error: cannot write " + dir + ": is a directory\n");
  }

  @Test
  void aFailedRun_leavesNoOutputFile(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "not json\n");
    Path out = dir.resolve("out/report.jsonl");
    Run r =
        run("convert", bad.toString(), "--format", "jsonl", "--out", out.toString(), "--fail-fast");
    assertThat(r.code()).isEqualTo(3);
    assertThat(out).doesNotExist();
    try (var left = Files.list(out.getParent())) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void batchesOutOfOrder_jsonlKeepsTheFileOrder_reportsFollowStartTime(@TempDir Path dir)
      throws Exception {
    // A collector writes batches as they arrive: here the later half first.
    List<SpanData> first = spans.subList(0, 3);
    List<SpanData> second = spans.subList(3, spans.size());
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(second, first), false);
    Run jsonl = run("convert", file.toString(), "--format", "jsonl");
    assertThat(jsonl.code()).isZero();
    // Every line is the in-memory export's line of the same interaction; the order is the file's.
    List<String> expected =
        List.of(TraceExport.toString(samples.traces(), TraceFormat.JSONL).split("\n"));
    assertThat(List.of(jsonl.out().split("\n")))
        .containsExactlyInAnyOrderElementsOf(expected)
        .isNotEqualTo(expected);
    Path md = dir.resolve("r.md");
    assertThat(
            run("convert", file.toString(), "--format", "markdown", "--out", md.toString()).code())
        .isZero();
    List<Interaction> byStart =
        samples.traces().stream()
            .sorted(java.util.Comparator.comparingLong(Interaction::startEpochNanos))
            .toList();
    assertThat(Files.readString(md)).isEqualTo(TraceExport.toString(byStart, TraceFormat.MARKDOWN));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void outEqualToAnInput_isRefused(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    long size = Files.size(file);
    Run r = run("convert", file.toString(), "--format", "json", "--out", file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: --out " + file + " is also an input: it would be overwritten");
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void aSymlinkedOut_replacesTheLinksTarget_andKeepsItsPermissions(@TempDir Path dir)
      throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    Path real = Files.writeString(dir.resolve("real.jsonl"), "old\n");
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(real, perms);
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), real.getFileName());
    assertThat(
            run("convert", file.toString(), "--format", "jsonl", "--out", link.toString()).code())
        .isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readAllLines(real)).hasSize(6);
    assertThat(Files.getPosixFilePermissions(real)).isEqualTo(perms);
  }

  @Test
  void aNewOut_isReadableLikeAnyFileTheUserWrites(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    Path out = dir.resolve("new.md");
    assertThat(
            run("convert", file.toString(), "--format", "markdown", "--out", out.toString()).code())
        .isZero();
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void aFailingStandardOutput_exitsThree(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("t.json"), List.of(spans), false);
    PrintStream broken =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
              }
            },
            true,
            StandardCharsets.UTF_8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ConvertCli.run(
            new String[] {"summarize", file.toString()},
            broken,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(3);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .endsWith("error: cannot write standard output\n");
  }

  @Test
  void aMissingInput_withAnExistingOut_isReportedAsTheMissingFile(@TempDir Path dir)
      throws Exception {
    Path out = Files.writeString(dir.resolve("existing.md"), "keep me");
    Run r =
        run(
            "convert",
            dir.resolve("missing.json").toString(),
            "--format",
            "markdown",
            "--out",
            out.toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("error: no such file: " + dir.resolve("missing.json") + "\n");
    assertThat(Files.readString(out)).isEqualTo("keep me");
  }
}
