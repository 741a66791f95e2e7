package dev.otelllm.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.export.SampleTraces;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpFileReaderTest {

  private static SampleTraces samples;
  private static List<SpanData> spans;
  private static String inMemoryJsonl;

  @BeforeAll
  static void record() {
    samples = new SampleTraces();
    // Add a span of other instrumentation: it must be left out.
    samples
        .tracing
        .openTelemetry()
        .getTracer("http")
        .spanBuilder("GET /health")
        .setSpanKind(SpanKind.SERVER)
        .startSpan()
        .end();
    spans = samples.spans();
    inMemoryJsonl = TraceExport.toString(samples.traces(), TraceFormat.JSONL);
  }

  @AfterAll
  static void close() {
    samples.close();
  }

  /** Spans in end order, cut into batches of three, like a batch processor would. */
  private static List<List<SpanData>> batches() {
    List<List<SpanData>> out = new ArrayList<>();
    for (int i = 0; i < spans.size(); i += 3) {
      out.add(spans.subList(i, Math.min(spans.size(), i + 3)));
    }
    return out;
  }

  private static String convert(Path file, List<ConversionProblem> problems) throws IOException {
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.builder().onProblem(problems::add).build().read(file, traces::add);
    return TraceExport.toString(traces, TraceFormat.JSONL);
  }

  @Test
  void roundTrip_otlpJsonFile_givesTheSameJsonlByteForByte(@TempDir Path dir) throws Exception {
    List<ConversionProblem> problems = new ArrayList<>();
    Path file = OtlpFiles.jsonLines(dir.resolve("traces.json"), batches(), false);
    assertThat(convert(file, problems)).isEqualTo(inMemoryJsonl);
    assertThat(problems).isEmpty();
  }

  @Test
  void roundTrip_gzippedOtlpJson(@TempDir Path dir) throws Exception {
    List<ConversionProblem> problems = new ArrayList<>();
    Path file = OtlpFiles.jsonLines(dir.resolve("traces.json.gz"), batches(), true);
    assertThat(convert(file, problems)).isEqualTo(inMemoryJsonl);
    assertThat(problems).isEmpty();
  }

  @Test
  void roundTrip_otlpProtobufFromTheHttpExporter(@TempDir Path dir) throws Exception {
    List<ConversionProblem> problems = new ArrayList<>();
    Path file = OtlpFiles.protobufRecords(dir.resolve("traces.pb"), batches());
    assertThat(convert(file, problems)).isEqualTo(inMemoryJsonl);
    assertThat(problems).isEmpty();
  }

  @Test
  void countsWhatItReadAndLeftOut(@TempDir Path dir) throws Exception {
    Path file = OtlpFiles.jsonLines(dir.resolve("traces.json"), batches(), false);
    OtlpFileReader.Result r = OtlpFileReader.create().read(file, t -> {});
    assertThat(r.interactions()).isEqualTo(6);
    // The workflow span and the HTTP span are not interactions.
    assertThat(r.otherSpans()).isEqualTo(2);
    assertThat(r.spans()).isEqualTo(spans.size());
    assertThat(r.records()).isEqualTo(batches().size());
    assertThat(r.problems()).isZero();
  }

  @Test
  void badLines_areReportedWithFileAndLine_andTheGoodLinesKept(@TempDir Path dir) throws Exception {
    List<List<SpanData>> batches = batches();
    Path file = dir.resolve("mixed.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(OtlpFiles.jsonLine(batches.get(0)));
    out.write("\n{\"resourceSpans\": [ {\"scopeSpans\": [ oops\n".getBytes(StandardCharsets.UTF_8));
    byte[] second = OtlpFiles.jsonLine(batches.get(1));
    out.write(second);
    out.write('\n');
    // A line whose text is not UTF-8.
    byte[] broken = OtlpFiles.jsonLine(batches.get(1));
    int at = new String(broken, StandardCharsets.ISO_8859_1).indexOf("\"name\":\"") + 8;
    broken[at] = (byte) 0xff;
    out.write(broken);
    out.write('\n');
    // An attribute of a type this reader does not know, on a GenAI span.
    String unknown =
        new String(OtlpFiles.jsonLine(batches.get(2)), StandardCharsets.UTF_8)
            .replaceFirst(
                "\\{\"key\":\"gen_ai.request.model\",\"value\":\\{\"stringValue\":\"test-model\"\\}\\}",
                "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"test-model\"}},{\"key\":\"x.custom\",\"value\":{\"decimalValue\":\"1.5\"}}");
    assertThat(unknown).contains("decimalValue");
    out.write(unknown.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    Files.write(file, out.toByteArray());

    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.Result r =
        OtlpFileReader.builder().onProblem(problems::add).build().read(file, traces::add);
    assertThat(problems)
        .extracting(ConversionProblem::location)
        .containsExactly("line 2", "line 4", "line 5");
    assertThat(problems.get(0).file()).isEqualTo(file.toString());
    assertThat(problems.get(0).message()).startsWith("line skipped: ");
    assertThat(problems.get(1).message())
        .startsWith("line skipped: ")
        .containsIgnoringCase("UTF-8");
    assertThat(problems.get(2).message())
        .isEqualTo("attribute 'x.custom' skipped: unknown value type 'decimalValue'");
    assertThat(r.problems()).isEqualTo(3);
    // Lines 1, 3 and 5 were read.
    long expected =
        countInteractions(batches.get(0))
            + countInteractions(batches.get(1))
            + countInteractions(batches.get(2));
    assertThat(traces).hasSize((int) expected);

    assertThatThrownBy(() -> OtlpFileReader.builder().failFast(true).build().read(file, t -> {}))
        .isInstanceOf(OtlpFileReader.ConversionException.class)
        .hasMessageStartingWith(file + ": line 2: line skipped");
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static long countInteractions(List<SpanData> batch) {
    return batch.stream()
        .filter(s -> dev.otelllm.internal.SpanMapper.toTrace(s).isPresent())
        .count();
  }

  @Test
  void truncatedGzip_keepsWhatCameBeforeTheCut(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      for (int i = 0; i < 200; i++) {
        for (List<SpanData> batch : batches()) {
          out.write(OtlpFiles.jsonLine(batch));
          out.write('\n');
        }
      }
    }
    byte[] whole = gz.toByteArray();
    Path file = dir.resolve("cut.json.gz");
    Files.write(file, Arrays.copyOf(whole, whole.length * 2 / 3));
    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.builder().onProblem(problems::add).build().read(file, traces::add);
    assertThat(problems).isNotEmpty();
    assertThat(problems.get(problems.size() - 1).message())
        .startsWith("input ends early (truncated file?)");
    // Whole lines only: a multiple of the interactions per line, and fewer than the whole file.
    int perFile = 6 * 200;
    assertThat(traces.size()).isGreaterThan(perFile / 3).isLessThan(perFile);
  }

  @Test
  void truncatedProtobuf_reportsTheRecord(@TempDir Path dir) throws Exception {
    Path whole = OtlpFiles.protobufRecords(dir.resolve("whole.pb"), batches());
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.pb");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.builder().onProblem(problems::add).build().read(cut, traces::add);
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).location()).isEqualTo("record " + batches().size());
    assertThat(problems.get(0).message()).contains("truncated file?");
    assertThat(traces).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void notAnOtlpFile_isReportedNotThrown() throws Exception {
    List<ConversionProblem> problems = new ArrayList<>();
    OtlpFileReader.Result r =
        OtlpFileReader.builder()
            .onProblem(problems::add)
            .build()
            .read(
                new ByteArrayInputStream("hello, world".getBytes(StandardCharsets.UTF_8)),
                "hello.txt",
                t -> {});
    assertThat(r.interactions()).isZero();
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).toString()).startsWith("hello.txt: record 1: ");
  }

  @Test
  void idsInBase64AndSnakeCaseNames_areAccepted() throws Exception {
    String line =
        "{\"resource_spans\":[{\"scope_spans\":[{\"spans\":[{\"trace_id\":\""
            + java.util.Base64.getEncoder().encodeToString(hex("0af7651916cd43dd8448eb211c80319c"))
            + "\","
            + "\"span_id\":\"AAAAAAAAAAE=\",\"name\":\"chat m\",\"kind\":\"SPAN_KIND_CLIENT\",\"start_time_unix_nano\":1000000,"
            + "\"end_time_unix_nano\":3000000,\"attributes\":[{\"key\":\"gen_ai.operation.name\",\"value\":{\"string_value\":\"chat\"}},"
            + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"m\"}},"
            + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":7}}],\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"bad\"}}]}]}]}";
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.create()
        .read(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "x", traces::add);
    assertThat(traces).hasSize(1);
    Interaction t = traces.get(0);
    assertThat(t.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(t.spanId()).isEqualTo("0000000000000001");
    assertThat(t.generationTimeMs()).isEqualTo(2.0);
    assertThat(t.response().usage().orElseThrow().inputTokens()).isEqualTo(7);
    assertThat(t.error().orElseThrow().message()).isEqualTo("bad");
  }

  @Test
  void aSpanTheMappingRejects_isReported_andTheFileGoesOn() throws Exception {
    String bad =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
            + "\"spanId\":\"0000000000000001\",\"name\":\"chat m\",\"attributes\":["
            + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
            + "{\"key\":\"otel_llm.metadata.x\",\"value\":{}}]}]}]}]}\n";
    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(
            new ByteArrayInputStream((bad + bad).getBytes(StandardCharsets.UTF_8)),
            "x",
            traces::add);
    // An empty metadata value is left out; the interaction is kept.
    assertThat(traces).hasSize(2);
    assertThat(traces.get(0).metadata()).doesNotContainKey("x");
  }

  @Test
  void deeplyNestedValues_areRefused_notAStackOverflow() throws Exception {
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      value.append("{\"arrayValue\":{\"values\":[");
    }
    value.append("{\"stringValue\":\"x\"}");
    for (int i = 0; i < 5000; i++) {
      value.append("]}}");
    }
    String line =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
            + "\"spanId\":\"0000000000000001\",\"attributes\":[{\"key\":\"deep\",\"value\":"
            + value
            + "}]}]}]}]}\n";
    List<ConversionProblem> problems = new ArrayList<>();
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(
            new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "deep.json", t -> {});
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).message()).contains("nested deeper than 64 levels");
  }

  @Test
  void zstdAndCorruptLengths_areReported_withoutHugeAllocations() throws Exception {
    List<ConversionProblem> problems = new ArrayList<>();
    byte[] zstd = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd, 1, 2, 3, 4};
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(new ByteArrayInputStream(zstd), "z.zst", t -> {});
    assertThat(problems.get(0).message()).startsWith("zstd-compressed: decompress it first");
    problems.clear();
    byte[] lying = {0x20, 0, 0, 0, 1, 2, 3};
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(new ByteArrayInputStream(lying), "l.pb", t -> {});
    assertThat(problems.get(0).message()).contains("truncated file?");
  }

  @Test
  void objectWhereAStringBelongs_skipsTheLineWithAClearReason() throws Exception {
    String line =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":{\"traceId\":\"x\"}}]}]}]}\n";
    List<ConversionProblem> problems = new ArrayList<>();
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "n.json", t -> {});
    assertThat(problems.get(0).message())
        .isEqualTo("line skipped: field 'name' must be a string or number, found START_OBJECT");
  }

  @Test
  void maxRecordBytes_outsideItsRange_isRefusedAtConfiguration() {
    assertThatThrownBy(() -> OtlpFileReader.builder().maxRecordBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRecordBytes must be between 1 and 1073741824, got 0");
    assertThatThrownBy(() -> OtlpFileReader.builder().maxRecordBytes((1 << 30) + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRecordBytes must be between 1 and 1073741824, got 1073741825");
  }

  @Test
  void jsonLineLongerThanTheCap_isReportedAndSkipped_andTheNextLinesRead(@TempDir Path dir)
      throws Exception {
    List<List<SpanData>> batches = batches();
    byte[] first = OtlpFiles.jsonLine(batches.get(0));
    byte[] second = OtlpFiles.jsonLine(batches.get(1));
    // The longer good line is exactly the cap: the cap is the longest line read, not one less.
    int cap = Math.max(first.length, second.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    out.write('\n');
    // Over several of the reader's 64 KiB chunks, so the skip crosses chunk boundaries.
    out.write(overlongLine(200_000));
    out.write('\n');
    out.write(second);
    out.write('\n');
    // One byte over, with no newline before the end of the file.
    out.write(overlongLine(cap + 1));
    Path file = dir.resolve("long.json");
    Files.write(file, out.toByteArray());

    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.Result r =
        OtlpFileReader.builder()
            .maxRecordBytes(cap)
            .onProblem(problems::add)
            .build()
            .read(file, traces::add);
    String tooLong =
        "line longer than " + cap + " bytes (OtlpFileReader.Builder.maxRecordBytes): skipped";
    assertThat(problems)
        .extracting(ConversionProblem::toString)
        .containsExactly(file + ": line 2: " + tooLong, file + ": line 4: " + tooLong);
    assertThat(traces)
        .extracting(Interaction::spanId)
        .containsExactlyElementsOf(interactionSpanIds(batches.get(0), batches.get(1)));
    assertThat(r)
        .isEqualTo(
            new OtlpFileReader.Result(
                4,
                batches.get(0).size() + batches.get(1).size(),
                traces.size(),
                batches.get(0).size() + batches.get(1).size() - traces.size(),
                2));

    assertThatThrownBy(
            () ->
                OtlpFileReader.builder()
                    .maxRecordBytes(cap)
                    .failFast(true)
                    .build()
                    .read(file, t -> {}))
        .isInstanceOf(OtlpFileReader.ConversionException.class)
        .hasMessage(file + ": line 2: " + tooLong);
  }

  @Test
  void protobufRecordLongerThanTheCap_isReportedAndSkipped_andTheNextRecordsRead(@TempDir Path dir)
      throws Exception {
    List<List<SpanData>> batches = batches();
    byte[] framed =
        Files.readAllBytes(OtlpFiles.protobufRecords(dir.resolve("two.pb"), batches.subList(0, 2)));
    int firstLength = length(framed, 0);
    int secondLength = length(framed, 4 + firstLength);
    int cap = Math.max(firstLength, secondLength);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(framed, 0, 4 + firstLength);
    // Bytes that are no protobuf at all: they must be passed over, not parsed.
    byte[] junk = new byte[cap + 1];
    Arrays.fill(junk, (byte) 0xff);
    out.write(
        new byte[] {
          0, (byte) (junk.length >>> 16), (byte) (junk.length >>> 8), (byte) junk.length
        });
    out.write(junk);
    out.write(framed, 4 + firstLength, 4 + secondLength);
    Path file = dir.resolve("long.pb");
    Files.write(file, out.toByteArray());

    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.Result r =
        OtlpFileReader.builder()
            .maxRecordBytes(cap)
            .onProblem(problems::add)
            .build()
            .read(file, traces::add);
    assertThat(problems)
        .extracting(ConversionProblem::toString)
        .containsExactly(
            file
                + ": record 2: record of "
                + junk.length
                + " bytes, longer than "
                + cap
                + " bytes (OtlpFileReader.Builder.maxRecordBytes): skipped");
    assertThat(traces)
        .extracting(Interaction::spanId)
        .containsExactlyElementsOf(interactionSpanIds(batches.get(0), batches.get(1)));
    assertThat(r.records()).isEqualTo(3);
  }

  /**
   * A JSON line far larger than the heap of the JVM that reads it, between two good lines: the
   * reader must report it and go on, not run out of memory holding it.
   */
  @Test
  void aLineLargerThanTheHeap_isSkippedInASmallHeap_andTheGoodLinesKept(@TempDir Path dir)
      throws Exception {
    List<List<SpanData>> batches = batches();
    assertThat(interactionSpanIds(batches.get(0))).isNotEmpty();
    assertThat(interactionSpanIds(batches.get(1))).isNotEmpty();
    Path file = dir.resolve("huge.json");
    long hugeBytes = 200L << 20;
    try (OutputStream out =
        new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(OtlpFiles.jsonLine(batches.get(0)));
      out.write('\n');
      // Written piece by piece: this JVM does not hold the line either.
      out.write(
          "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\""
              .getBytes(StandardCharsets.UTF_8));
      byte[] piece = new byte[1 << 20];
      Arrays.fill(piece, (byte) 'x');
      for (long written = 0; written < hugeBytes; written += piece.length) {
        out.write(piece);
      }
      out.write("\"}]}]}]}\n".getBytes(StandardCharsets.UTF_8));
      out.write(OtlpFiles.jsonLine(batches.get(1)));
      out.write('\n');
    }
    int cap = 8 << 20;
    Path output = dir.resolve("child.out");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("surefire.test.class.path"),
                LongLineMain.class.getName(),
                file.toString(),
                String.valueOf(cap))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    // A guard against a hung child, not a measure of speed.
    if (!child.waitFor(5, TimeUnit.MINUTES)) {
      child.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
    // In file order: the first line's interactions, the problem, the last line's interactions.
    List<String> expected = new ArrayList<>(interactionSpanIds(batches.get(0)));
    expected.add(
        file
            + ": line 2: line longer than 8388608 bytes (OtlpFileReader.Builder.maxRecordBytes): skipped");
    expected.addAll(interactionSpanIds(batches.get(1)));
    expected.add(
        "records=3 interactions="
            + interactionSpanIds(batches.get(0), batches.get(1)).size()
            + " problems=1");
    assertThat(lines).containsExactlyElementsOf(expected);
  }

  @Test
  void linesLongerThanTheReadBuffer_areReadWhole() throws Exception {
    List<List<SpanData>> batches = batches();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Whitespace after the opening brace stretches a line to exactly, and one past, two of the
    // reader's 64 KiB blocks, with CRLF on the second.
    out.write(padded(OtlpFiles.jsonLine(batches.get(0)), 2 << 16));
    out.write('\n');
    out.write(padded(OtlpFiles.jsonLine(batches.get(1)), (2 << 16) + 1));
    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
    List<ConversionProblem> problems = new ArrayList<>();
    List<Interaction> traces = new ArrayList<>();
    OtlpFileReader.builder()
        .onProblem(problems::add)
        .build()
        .read(new ByteArrayInputStream(out.toByteArray()), "wide.json", traces::add);
    assertThat(problems).isEmpty();
    assertThat(traces)
        .extracting(Interaction::spanId)
        .containsExactlyElementsOf(interactionSpanIds(batches.get(0), batches.get(1)));
  }

  private static byte[] padded(byte[] line, int length) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) ' ');
    out[0] = line[0];
    System.arraycopy(line, 1, out, length - (line.length - 1), line.length - 1);
    return out;
  }

  /** A syntactically fine OTLP JSON line of {@code length} bytes, most of them one span name. */
  private static byte[] overlongLine(int length) {
    String head = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"";
    String tail = "\"}]}]}]}";
    return (head + "x".repeat(length - head.length() - tail.length()) + tail)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static int length(byte[] framed, int at) {
    return ((framed[at] & 0xff) << 24)
        | ((framed[at + 1] & 0xff) << 16)
        | ((framed[at + 2] & 0xff) << 8)
        | (framed[at + 3] & 0xff);
  }

  @SafeVarargs
  private static List<String> interactionSpanIds(List<SpanData>... batches) {
    List<String> ids = new ArrayList<>();
    for (List<SpanData> batch : batches) {
      batch.stream()
          .filter(s -> dev.otelllm.internal.SpanMapper.toTrace(s).isPresent())
          .forEach(s -> ids.add(s.getSpanId()));
    }
    return ids;
  }
}
