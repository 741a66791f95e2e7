package dev.otelllm.otlp;

import com.fasterxml.jackson.core.JsonParser;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads spans that left the process, as the OpenTelemetry Collector's file exporter writes them —
 * OTLP JSON (one {@code ExportTraceServiceRequest} per line) or OTLP protobuf (each message
 * preceded by its length as 4 bytes, big-endian), either of them possibly gzip'd (detected from the
 * first bytes) — and turns the GenAI spans among them into interactions with the same mapping the
 * in-memory buffer uses. Other spans are counted and left out.
 *
 * <p>Streams: memory holds one line or record at a time, whatever the file's size, and a line or
 * record longer than {@link Builder#maxRecordBytes(int)} is passed over without being held. What
 * cannot be read (a malformed or over-long line, a truncated gzip stream, an attribute of an
 * unknown type, text that is not UTF-8) is reported with the file and line or record; by default
 * the reader goes on with the next line and keeps every good one, with {@link
 * Builder#failFast(boolean)} it stops at the first problem. A line is all or nothing: its
 * interactions are delivered only when the whole line was read. Instances are immutable and
 * thread-safe; each call blocks until its input is read.
 */
public final class OtlpFileReader {

  /** The default of {@link Builder#maxRecordBytes(int)}: 64 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 << 20;

  /** The largest {@link Builder#maxRecordBytes(int)} accepted: 1 GiB. */
  public static final int MAX_RECORD_BYTES_LIMIT = 1 << 30;

  private final boolean failFast;
  private final Consumer<ConversionProblem> onProblem;
  private final int maxRecordBytes;

  private OtlpFileReader(Builder b) {
    this.failFast = b.failFast;
    this.onProblem = b.onProblem;
    this.maxRecordBytes = b.maxRecordBytes;
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
  public record Result(
      long records, long spans, long interactions, long otherSpans, long problems) {
    /** Sum of two results. */
    public Result and(Result other) {
      return new Result(
          records + other.records,
          spans + other.spans,
          interactions + other.interactions,
          otherSpans + other.otherSpans,
          problems + other.problems);
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
  public Result read(Path file, Consumer<Interaction> sink) throws IOException {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), sink);
    }
  }

  /** Reads a stream to its end (not closed); {@code name} labels problems. */
  public Result read(InputStream input, String name, Consumer<Interaction> sink)
      throws IOException {
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
      c.problem(
          "start", "zstd-compressed: decompress it first (zstd -d), or use gzip or no compression");
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
    return magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd;
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
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != 0xef && b != 0xbb
            && b != 0xbf) {
          return false;
        }
      }
      return true;
    } finally {
      in.reset();
    }
  }

  private void readJsonLines(InputStream in, Counter c) throws IOException {
    byte[] chunk = new byte[LineBuffer.BLOCK];
    LineBuffer line = new LineBuffer();
    // Set once a line has outgrown the cap: the rest of it is passed over up to its newline, so
    // memory never holds more than the cap whatever the line's length.
    boolean skipping = false;
    int n;
    while ((n = in.read(chunk)) != -1) {
      int start = 0;
      while (start < n) {
        int newline = indexOf(chunk, (byte) '\n', start, n);
        int part = (newline < 0 ? n : newline) - start;
        if (!skipping && (long) line.length() + part > maxRecordBytes) {
          c.records++;
          c.problem(
              "line " + c.records,
              "line longer than "
                  + maxRecordBytes
                  + " bytes (OtlpFileReader.Builder.maxRecordBytes): skipped");
          skipping = true;
          line.clear();
        }
        if (!skipping) {
          line.append(chunk, start, part);
        }
        if (newline < 0) {
          break;
        }
        if (skipping) {
          skipping = false;
        } else {
          jsonLine(line, c);
        }
        line.clear();
        start = newline + 1;
      }
    }
    if (line.length() > 0) {
      jsonLine(line, c);
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private void jsonLine(LineBuffer line, Counter c) throws IOException {
    c.records++;
    line.dropTrailingCarriageReturn();
    if (line.isBlank()) {
      return;
    }
    c.read(
        "line " + c.records,
        "line",
        (spans, problems) -> {
          try (JsonParser p = line.parser()) {
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
      long length =
          ((header[0] & 0xffL) << 24)
              | ((header[1] & 0xff) << 16)
              | ((header[2] & 0xff) << 8)
              | (header[3] & 0xff);
      if (length > maxRecordBytes) {
        // Passed over, not read: the next record starts right after it.
        long skipped = skip(in, length);
        if (skipped < length) {
          // A stated length past the end of the input says more likely "not OTLP protobuf, or its
          // framing is lost" than "a record too long": one problem, naming both causes.
          c.problem(
              "record " + c.records,
              "file ends inside a record ("
                  + skipped
                  + " of "
                  + length
                  + " bytes; truncated file? or not an OTLP protobuf file)");
          return;
        }
        c.problem(
            "record " + c.records,
            "record of "
                + length
                + " bytes, longer than "
                + maxRecordBytes
                + " bytes (OtlpFileReader.Builder.maxRecordBytes): skipped");
        continue;
      }
      // Read what arrives rather than allocate the stated length at once: a corrupt length must
      // not cost a gigabyte.
      byte[] record = in.readNBytes((int) length);
      int read = record.length;
      if (read < length) {
        c.problem(
            "record " + c.records,
            "file ends inside a record (" + read + " of " + length + " bytes; truncated file?)");
        return;
      }
      message = record;
      byte[] bytes = message;
      c.read(
          "record " + c.records,
          "record",
          (spans, problems) -> OtlpProtoParser.parse(bytes, bytes.length, spans, problems));
    }
  }

  /** Skips up to {@code count} bytes; fewer only at the end of the input. */
  private static long skip(InputStream in, long count) throws IOException {
    long done = 0;
    while (done < count) {
      long n = in.skip(count - done);
      if (n <= 0) {
        // skip() may return 0 before the end: one read tells the end from a pause.
        if (in.read() == -1) {
          return done;
        }
        n = 1;
      }
      done += n;
    }
    return done;
  }

  private static String describe(Throwable e) {
    String m =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? j.getOriginalMessage()
            : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /**
   * The bytes of one JSON line, kept in blocks of one read's size: a long line grows without
   * copying what it already holds, and with no array larger than a block, so a line close to the
   * cap needs about the cap in memory, not twice it and not in one piece.
   */
  private static final class LineBuffer {
    static final int BLOCK = 1 << 16;

    private final List<byte[]> blocks = new ArrayList<>();
    private int length;

    int length() {
      return length;
    }

    void append(byte[] bytes, int from, int count) {
      while (count > 0) {
        int at = length % BLOCK;
        if (at == 0 && length / BLOCK == blocks.size()) {
          blocks.add(new byte[BLOCK]);
        }
        int n = Math.min(count, BLOCK - at);
        System.arraycopy(bytes, from, blocks.get(length / BLOCK), at, n);
        length += n;
        from += n;
        count -= n;
      }
    }

    /** Empties the buffer, keeping one block: the blocks of a long line are not held after it. */
    void clear() {
      if (blocks.size() > 1) {
        blocks.subList(1, blocks.size()).clear();
      }
      length = 0;
    }

    void dropTrailingCarriageReturn() {
      if (length > 0 && byteAt(length - 1) == '\r') {
        length--;
      }
    }

    boolean isBlank() {
      for (int i = 0; i < length; i++) {
        byte b = byteAt(i);
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }

    private byte byteAt(int i) {
      return blocks.get(i / BLOCK)[i % BLOCK];
    }

    /** A parser over the line; one block is read in place, more are read as one stream. */
    JsonParser parser() throws IOException {
      if (length <= BLOCK) {
        return JsonTree.FACTORY.createParser(blocks.get(0), 0, length);
      }
      List<InputStream> parts = new ArrayList<>();
      for (int i = 0; i * BLOCK < length; i++) {
        parts.add(new ByteArrayInputStream(blocks.get(i), 0, Math.min(BLOCK, length - i * BLOCK)));
      }
      return JsonTree.FACTORY.createParser(new SequenceInputStream(Collections.enumeration(parts)));
    }
  }

  /** Parses one line or record, handing spans and problems over. */
  private interface Unit {
    void parse(Consumer<SpanData> spans, Consumer<String> problems) throws IOException;
  }

  /** Counts and delivers for one input. */
  private final class Counter {
    final String name;
    final Consumer<Interaction> sink;
    long records;
    long spans;
    long interactions;
    long other;
    long problems;

    Counter(String name, Consumer<Interaction> sink) {
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
      List<Interaction> traces = new ArrayList<>(read.size());
      for (SpanData span : read) {
        spans++;
        try {
          var trace = dev.otelllm.internal.SpanMapper.toTrace(span);
          if (trace.isPresent()) {
            traces.add(trace.get());
          } else {
            other++;
          }
        } catch (RuntimeException e) {
          problem(location, "span " + span.getSpanId() + " skipped: " + describe(e));
        }
      }
      for (Interaction t : traces) {
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
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;

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

    /**
     * The longest JSON line or protobuf record read, in bytes (a JSON line without its newline);
     * default {@link OtlpFileReader#DEFAULT_MAX_RECORD_BYTES}. A longer one is reported and passed
     * over without being held in memory, and reading goes on with the next.
     *
     * @throws IllegalArgumentException unless 1 to {@link OtlpFileReader#MAX_RECORD_BYTES_LIMIT}
     */
    public Builder maxRecordBytes(int maxRecordBytes) {
      if (maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxRecordBytes must be between 1 and "
                + MAX_RECORD_BYTES_LIMIT
                + ", got "
                + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    public OtlpFileReader build() {
      return new OtlpFileReader(this);
    }
  }
}
