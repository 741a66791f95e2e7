package dev.otelllm.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exports interactions (all of a buffer, a session's history, a query result, one interaction) as
 * JSONL, JSON, Markdown or HTML: to a string, to a file, or to a stream.
 *
 * <p>The JSON forms hold each interaction in the reference's map form ({@link
 * Interaction#toMap()}), so files written here and by the reference's {@code export_traces} read
 * with the same script. JSONL and JSON are written by one streaming generator per export and can
 * take an {@link Iterator} of any length in constant memory; Markdown and HTML need the whole list
 * (the summary comes first). Stateless and thread-safe; every method blocks until written. Streams
 * passed in are flushed, not closed.
 */
public final class TraceExport {
  private TraceExport() {}

  /** The export as a string. */
  public static String toString(Collection<Interaction> traces, TraceFormat format) {
    StringWriter w =
        new StringWriter((int) Math.min(1 << 20, Math.max(256L, traces.size() * 2048L)));
    try {
      write(new ArrayList<>(traces), format, w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** One interaction, e.g. as Markdown. */
  public static String toString(Interaction trace, TraceFormat format) {
    return toString(List.of(Objects.requireNonNull(trace, "trace")), format);
  }

  /**
   * Writes the export to a file, creating missing parent folders and replacing an existing file.
   *
   * @return the file
   */
  public static Path toFile(Collection<Interaction> traces, TraceFormat format, Path file)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      write(traces, format, out);
    }
    return file;
  }

  /** Writes the export to a stream as UTF-8 (buffered; the stream is flushed, not closed). */
  public static void write(Collection<Interaction> traces, TraceFormat format, OutputStream out)
      throws IOException {
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(out, "out");
    if (format == TraceFormat.JSONL || format == TraceFormat.JSON) {
      writeJson(traces.iterator(), format, out);
      return;
    }
    Writer w =
        new OutputStreamWriter(
            new BufferedOutputStream(nonClosing(out), 1 << 16), StandardCharsets.UTF_8);
    write(traces instanceof List<Interaction> l ? l : new ArrayList<>(traces), format, w);
    w.flush();
  }

  /**
   * Streams JSONL or JSON from an iterator of any length, in constant memory.
   *
   * @throws IllegalArgumentException for Markdown and HTML, which need the whole list
   */
  public static void writeJson(Iterator<Interaction> traces, TraceFormat format, OutputStream out)
      throws IOException {
    if (format != TraceFormat.JSONL && format != TraceFormat.JSON) {
      throw new IllegalArgumentException(
          format.id() + " needs the whole list: use write(Collection, ...)");
    }
    try (JsonGenerator g = JsonTree.FACTORY.createGenerator(nonClosing(out))) {
      writeJson(traces, format, g);
    }
  }

  /**
   * A JSONL or JSON writer that takes interactions one at a time, for exporting as they arrive
   * (from a file being read, from a consumer) through one streaming generator. Close it to finish
   * the output (the JSON array's end); the stream is flushed, not closed.
   */
  public static JsonStream openJson(OutputStream out, TraceFormat format) throws IOException {
    if (format != TraceFormat.JSONL && format != TraceFormat.JSON) {
      throw new IllegalArgumentException(
          format.id() + " needs the whole list: use write(Collection, ...)");
    }
    return new JsonStream(
        JsonTree.FACTORY.createGenerator(nonClosing(Objects.requireNonNull(out, "out"))), format);
  }

  /** See {@link #openJson}. Not thread-safe. */
  public static final class JsonStream implements AutoCloseable {
    private final JsonGenerator g;
    private final TraceFormat format;
    private long written;

    private JsonStream(JsonGenerator g, TraceFormat format) throws IOException {
      this.g = g;
      this.format = format;
      if (format == TraceFormat.JSONL) {
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
      } else {
        g.writeStartArray();
      }
    }

    /** Writes one interaction. */
    public void write(Interaction trace) throws IOException {
      TraceJsonWriter.write(g, Objects.requireNonNull(trace, "trace"));
      written++;
    }

    /** How many interactions were written. */
    public long count() {
      return written;
    }

    @Override
    public void close() throws IOException {
      if (format == TraceFormat.JSON) {
        g.writeEndArray();
        g.writeRaw('\n');
      } else if (written > 0) {
        g.writeRaw('\n');
      }
      g.close();
    }
  }

  private static void writeJson(Iterator<Interaction> traces, TraceFormat format, JsonGenerator g)
      throws IOException {
    if (format == TraceFormat.JSONL) {
      g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
      boolean any = false;
      while (traces.hasNext()) {
        TraceJsonWriter.write(g, traces.next());
        any = true;
      }
      // Every line ends with a newline, the last one included; no interaction, no line.
      if (any) {
        g.writeRaw('\n');
      }
    } else {
      g.writeStartArray();
      while (traces.hasNext()) {
        TraceJsonWriter.write(g, traces.next());
      }
      g.writeEndArray();
      g.writeRaw('\n');
    }
  }

  private static void write(List<Interaction> traces, TraceFormat format, Writer w)
      throws IOException {
    switch (format) {
      case JSONL:
      case JSON:
        {
          try (JsonGenerator g = JsonTree.FACTORY.createGenerator(nonClosing(w))) {
            writeJson(traces.iterator(), format, g);
          }
          break;
        }
      case MARKDOWN:
        MarkdownReport.write(traces, w);
        break;
      case HTML:
        HtmlReport.write(traces, w);
        break;
      default:
        throw new IllegalArgumentException("unknown format " + format);
    }
  }

  /** The summary of these interactions as pretty-printed JSON. */
  public static String summaryJson(Collection<Interaction> traces) {
    Map<String, Object> map = TraceSummary.of(traces).toMap();
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JsonTree.FACTORY.createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      JsonTree.write(g, map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString() + "\n";
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static Writer nonClosing(Writer w) {
    return new java.io.FilterWriter(w) {
      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
