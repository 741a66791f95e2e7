package dev.otelllm.otlp;

import com.fasterxml.jackson.core.JsonParser;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.LlmTrace;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads spans that left the process, as the OpenTelemetry Collector's file exporter writes them —
 * OTLP JSON (one {@code ExportTraceServiceRequest} per line) or OTLP protobuf (each message preceded
 * by its length as 4 bytes, big-endian), either of them possibly gzip'd (detected from the first
 * bytes) — and turns the GenAI spans among them into interactions with the same mapping the
 * in-memory buffer uses. Other spans are counted and left out.
 *
 * <p>Streams: memory holds one line or record at a time, whatever the file's size. What cannot be
 * read (a malformed line, a truncated gzip stream, an attribute of an unknown type, text that is
 * not UTF-8) is reported with the file and line or record; by default the reader goes on with the
 * next line and keeps every good one, with {@link Builder#failFast(boolean)} it stops at the first
 * problem. A line is all or nothing: its interactions are delivered only when the whole line was
 * read. Instances are immutable and thread-safe; each call blocks until its input is read.
 */
public final class OtlpFileReader {

  private static final int MAX_RECORD_BYTES = 1 << 30;

  private final boolean failFast;
  private final Consumer<ConversionProblem> onProblem;

  private OtlpFileReader(Builder b) {
    this.failFast = b.failFast;
    this.onProblem = b.onProblem;
  }

  /** A reader that reports problems to nothing and goes on past them. */
  public static OtlpFileReader create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * What one input held.
   *
   * @param records JSON lines or protobuf records read (good or not)
   * @param spans spans read
   * @param interactions GenAI inference spans delivered as interactions
   * @param otherSpans spans left out because they are not GenAI inference spans
   * @param problems problems reported (each skipped something)
   */
  public record Result(long records, long spans, long interactions, long otherSpans, long problems) {
    /** Sum of two results. */
    public Result and(Result other) {
      return new Result(records + other.records, spans + other.spans, interactions + other.interactions,
          otherSpans + other.otherSpans, problems + other.problems);
    }
  }

  /** Thrown in fail-fast mode at the first problem. */
  public static final class ConversionException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ConversionProblem problem;

    ConversionException(ConversionProblem problem) {
      super(problem.toString());
      this.problem = problem;
    }

    public ConversionProblem problem() {
      return problem;
    }
  }

  /** Reads a file; its name in problems is the path as given. */
  public Result read(Path file, Consumer<LlmTrace> sink) throws IOException {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), sink);
    }
  }

  /** Reads a stream to its end (not closed); {@code name} labels problems. */
  public Result read(InputStream input, String name, Consumer<LlmTrace> sink) throws IOException {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sink, "sink");
    Counter c = new Counter(name, sink);
    BufferedInputStream in = new BufferedInputStream(input, 1 << 16);
    InputStream body = in;
    if (startsWithGzip(in)) {
      try {
        body = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
      } catch (ZipException | EOFException e) {
        c.problem("start", "not a readable gzip stream: " + e.getMessage());
        return c.result();
      }
    }
    if (startsWithZstd((BufferedInputStream) body)) {
      c.problem("start", "zstd-compressed: decompress it first (zstd -d), or use gzip or no compression");
      return c.result();
    }
    try {
      if (isJson((BufferedInputStream) body)) {
        readJsonLines(body, c);
      } else {
        readProtoRecords(body, c);
      }
    } catch (EOFException | ZipException e) {
      // A gzip stream cut short: everything before the cut was delivered.
      c.problem(c.location(), "input ends early (truncated file?): " + e.getMessage());
    }
    return c.result();
  }

  private static boolean startsWithGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b;
  }

  private static boolean startsWithZstd(BufferedInputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    return magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd;
  }

  private static boolean isJson(BufferedInputStream in) throws IOException {
    in.mark(4096);
    try {
      for (int i = 0; i < 4096; i++) {
        int b = in.read();
        if (b == -1) {
          return true;
        }
        if (b == '{') {
          return true;
        }
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != 0xef && b != 0xbb && b != 0xbf) {
          return false;
        }
      }
      return true;
    } finally {
      in.reset();
    }
  }

  private void readJsonLines(InputStream in, Counter c) throws IOException {
    byte[] chunk = new byte[1 << 16];
    byte[] line = new byte[1 << 12];
    int lineLength = 0;
    int n;
    while ((n = in.read(chunk)) != -1) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          int part = i - start;
          if (lineLength + part > line.length) {
            line = grow(line, lineLength + part);
          }
          System.arraycopy(chunk, start, line, lineLength, part);
          lineLength += part;
          jsonLine(line, lineLength, c);
          lineLength = 0;
          start = i + 1;
        }
      }
      int rest = n - start;
      if (rest > 0) {
        if (lineLength + rest > line.length) {
          if ((long) lineLength + rest > MAX_RECORD_BYTES) {
            c.records++;
            c.problem("line " + c.records, "line longer than " + MAX_RECORD_BYTES + " bytes: not an OTLP JSON lines file? stopped reading it");
            return;
          }
          line = grow(line, lineLength + rest);
        }
        System.arraycopy(chunk, start, line, lineLength, rest);
        lineLength += rest;
      }
    }
    if (lineLength > 0) {
      jsonLine(line, lineLength, c);
    }
  }

  private static byte[] grow(byte[] line, int needed) {
    return java.util.Arrays.copyOf(line, Math.max(needed, line.length * 2));
  }

  private void jsonLine(byte[] line, int length, Counter c) throws IOException {
    c.records++;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    if (isBlank(line, length)) {
      return;
    }
    int end = length;
    c.read("line " + c.records, "line", (spans, problems) -> {
      try (JsonParser p = JsonTree.FACTORY.createParser(line, 0, end)) {
        OtlpJsonParser.parse(p, spans, problems);
      }
    });
  }

  private void readProtoRecords(InputStream in, Counter c) throws IOException {
    byte[] header = new byte[4];
    byte[] message;
    while (true) {
      int got = in.readNBytes(header, 0, 4);
      if (got == 0) {
        return;
      }
      c.records++;
      if (got < 4) {
        c.problem("record " + c.records, "file ends inside a record's length (truncated file?)");
        return;
      }
      long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      if (length > MAX_RECORD_BYTES) {
        c.problem("record " + c.records, "record length " + length
            + " is implausible: not an OTLP protobuf file (or its framing is lost); stopped reading it");
        return;
      }
      // Read what arrives rather than allocate the stated length at once: a corrupt length must
      // not cost a gigabyte.
      byte[] record = in.readNBytes((int) length);
      int read = record.length;
      if (read < length) {
        c.problem("record " + c.records, "file ends inside a record (" + read + " of " + length + " bytes; truncated file?)");
        return;
      }
      message = record;
      byte[] bytes = message;
      c.read("record " + c.records, "record", (spans, problems) ->
          OtlpProtoParser.parse(bytes, bytes.length, spans, problems));
    }
  }

  private static String describe(Throwable e) {
    String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  private static boolean isBlank(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Parses one line or record, handing spans and problems over. */
  private interface Unit {
    void parse(Consumer<SpanData> spans, Consumer<String> problems) throws IOException;
  }

  /** Counts and delivers for one input. */
  private final class Counter {
    final String name;
    final Consumer<LlmTrace> sink;
    long records;
    long spans;
    long interactions;
    long other;
    long problems;

    Counter(String name, Consumer<LlmTrace> sink) {
      this.name = name;
      this.sink = sink;
    }

    String location() {
      return "after " + records + (records == 1 ? " record" : " records");
    }

    /** Parses one line or record; a unit that cannot be read is reported and skipped whole. */
    void read(String location, String what, Unit unit) throws ConversionException {
      List<SpanData> spans = new ArrayList<>();
      List<String> problems = new ArrayList<>(0);
      try {
        unit.parse(spans::add, problems::add);
      } catch (IOException | RuntimeException | StackOverflowError e) {
        problem(location, what + " skipped: " + describe(e));
        return;
      }
      for (String problem : problems) {
        problem(location, problem);
      }
      deliver(spans, location);
    }

    /** Maps every span of one line or record first, then delivers: all or nothing. */
    void deliver(List<SpanData> read, String location) throws ConversionException {
      List<LlmTrace> traces = new ArrayList<>(read.size());
      for (SpanData span : read) {
        spans++;
        try {
          var trace = LlmTrace.fromSpan(span);
          if (trace.isPresent()) {
            traces.add(trace.get());
          } else {
            other++;
          }
        } catch (RuntimeException e) {
          problem(location, "span " + span.getSpanId() + " skipped: " + describe(e));
        }
      }
      for (LlmTrace t : traces) {
        interactions++;
        sink.accept(t);
      }
    }

    void problem(String location, String message) throws ConversionException {
      problems++;
      ConversionProblem p = new ConversionProblem(name, location, message);
      onProblem.accept(p);
      if (failFast) {
        throw new ConversionException(p);
      }
    }

    Result result() {
      return new Result(records, spans, interactions, other, problems);
    }
  }

  /** Builds an {@link OtlpFileReader}. Not thread-safe. */
  public static final class Builder {
    private boolean failFast;
    private Consumer<ConversionProblem> onProblem = p -> {};

    private Builder() {}

    /** Stop at the first problem with a {@link ConversionException}; default false. */
    public Builder failFast(boolean failFast) {
      this.failFast = failFast;
      return this;
    }

    /** Receives every problem, in order. */
    public Builder onProblem(Consumer<ConversionProblem> onProblem) {
      this.onProblem = Objects.requireNonNull(onProblem, "onProblem");
      return this;
    }

    public OtlpFileReader build() {
      return new OtlpFileReader(this);
    }
  }
}
