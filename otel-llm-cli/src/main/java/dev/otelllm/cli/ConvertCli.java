package dev.otelllm.cli;

import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import dev.otelllm.export.TraceSummary;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.otlp.OtlpFileReader;
import dev.otelllm.trace.Interaction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The command line of {@code otel-llm-cli.jar}: converts OTLP span files (the Collector's file
 * exporter output, JSON lines or length-prefixed protobuf, gzip'd or not) into interactions, or
 * summarizes them.
 *
 * <pre>
 * java -jar otel-llm-cli.jar convert &lt;input...&gt; --format jsonl|json|markdown|html [--out FILE] [--session ID] [--step TYPE] [--fail-fast]
 * java -jar otel-llm-cli.jar summarize &lt;input...&gt; [--out FILE] [--session ID] [--step TYPE] [--fail-fast]
 * java -jar otel-llm-cli.jar --help | --version | COMMAND --help
 * </pre>
 *
 * <p>Problems go to standard error as {@code file: line N: message}, followed by a count. Exit
 * codes: 0 all read, 1 something was skipped, 2 bad usage, 3 an input or the output could not be
 * read or written, the input is not OTLP spans, or {@code --fail-fast} stopped at a problem. A run
 * that ends with 3 leaves no output file behind. JSONL and JSON stream in constant memory in the
 * order of the input; Markdown and HTML hold the selected interactions and list them by start time.
 */
public final class ConvertCli {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar otel-llm-cli.jar <command> <input...> [options]",
          "commands:",
          "  convert    OTLP span files to interactions as JSONL, JSON, Markdown or HTML",
          "  summarize  counts, tokens, latency percentiles and breakdowns of the interactions, as JSON",
          "  --help     this text; COMMAND --help lists a command's options",
          "  --version  the version of this tool",
          "inputs: files of the OpenTelemetry Collector's file exporter (OTLP JSON lines or length-prefixed",
          "  protobuf, gzip'd or not); spans that are not GenAI interactions are left out",
          "exit codes: 0 all read, 1 some records skipped (listed on stderr), 2 bad usage,",
          "  3 an input or the output could not be read or written, or --fail-fast stopped");

  static final String CONVERT_USAGE =
      String.join(
          "\n",
          "usage: java -jar otel-llm-cli.jar convert <input...> --format FORMAT [options]",
          "  --format FORMAT  jsonl | json | markdown | html (required)",
          "  --out FILE       write to FILE instead of standard output (parent folders are created;",
          "                   a run that fails leaves no file behind)",
          "  --session ID     only the interactions of this session",
          "  --step TYPE      only the interactions whose step_type is TYPE",
          "  --fail-fast      stop at the first unreadable record (exit 3) instead of skipping it",
          "JSONL and JSON keep the input's order (the order the spans were exported);",
          "Markdown and HTML list the interactions by start time.");

  static final String SUMMARIZE_USAGE =
      String.join(
          "\n",
          "usage: java -jar otel-llm-cli.jar summarize <input...> [options]",
          "  --out FILE       write the JSON summary to FILE instead of standard output",
          "  --session ID     only the interactions of this session",
          "  --step TYPE      only the interactions whose step_type is TYPE",
          "  --fail-fast      stop at the first unreadable record (exit 3) instead of skipping it");

  private ConvertCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The version of this tool, as its build recorded it. */
  static String version() {
    try (var in = ConvertCli.class.getResourceAsStream("version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Runs one command; returns the exit code. Never calls {@code System.exit}. */
  public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    Objects.requireNonNull(args, "args");
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      stdout.println(USAGE);
      return 0;
    }
    if (args.length == 1 && args[0].equals("--version")) {
      stdout.println("otel-llm-cli " + version());
      return 0;
    }
    if (args.length >= 2
        && (args[1].equals("--help") || args[1].equals("-h"))
        && (args[0].equals("convert") || args[0].equals("summarize"))) {
      stdout.println(args[0].equals("convert") ? CONVERT_USAGE : SUMMARIZE_USAGE);
      return 0;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      stderr.println("error: " + e.getMessage());
      stderr.println(usageFor(args));
      return 2;
    }
    for (Path input : o.inputs) {
      String problem = InputCheck.problem(input);
      if (problem != null) {
        stderr.println("error: " + problem);
        return 3;
      }
    }
    OutputFile output;
    try {
      output = o.out == null ? null : OutputFile.open(o.out);
    } catch (IOException e) {
      stderr.println("error: " + OutputFile.describe(o.out, e));
      return 3;
    }
    if (output == null) {
      int code = convert(o, nonClosing(stdout), stderr);
      // PrintStream keeps write errors to itself (a full disk, a closed pipe): ask it.
      if (stdout.checkError()) {
        stderr.println("error: cannot write standard output");
        return 3;
      }
      return code;
    }
    boolean committed = false;
    try {
      int code = convert(o, output.stream(), stderr);
      if (code != 3) {
        output.commit();
        committed = true;
      }
      return code;
    } catch (IOException e) {
      stderr.println("error: " + OutputFile.describe(o.out, e));
      return 3;
    } finally {
      if (!committed) {
        output.discard();
      }
    }
  }

  private static String usageFor(String[] args) {
    if (args.length > 0 && args[0].equals("convert")) {
      return CONVERT_USAGE;
    }
    return args.length > 0 && args[0].equals("summarize") ? SUMMARIZE_USAGE : USAGE;
  }

  private static int convert(Options o, OutputStream target, PrintStream stderr) {
    OtlpFileReader reader =
        OtlpFileReader.builder().failFast(o.failFast).onProblem(p -> stderr.println(p)).build();
    Predicate<Interaction> selected =
        t ->
            (o.session == null || o.session.equals(t.sessionId()))
                && (o.step == null || o.step.equals(String.valueOf(t.metadata().get("step_type"))));
    try (OutputStream out = target) {
      OtlpFileReader.Result total;
      if (o.command.equals("summarize")) {
        TraceSummary.Accumulator acc = TraceSummary.accumulator();
        total =
            readAll(
                reader,
                o.inputs,
                t -> {
                  if (selected.test(t)) {
                    acc.add(t);
                  }
                });
        Map<String, Object> map = acc.summary().toMap();
        try (var g = JsonTree.FACTORY.createGenerator(out)) {
          g.useDefaultPrettyPrinter();
          JsonTree.write(g, map);
          g.writeRaw('\n');
        }
      } else if (o.format == TraceFormat.JSONL || o.format == TraceFormat.JSON) {
        total = streamJson(reader, o, selected, out);
      } else {
        List<Interaction> traces = new ArrayList<>();
        total =
            readAll(
                reader,
                o.inputs,
                t -> {
                  if (selected.test(t)) {
                    traces.add(t);
                  }
                });
        // Files hold spans in export-batch order; a report reads in the order things happened.
        traces.sort(Comparator.comparingLong(Interaction::startEpochNanos));
        TraceExport.write(traces, o.format, out);
      }
      out.flush();
      stderr.printf(
          "read %d records: %d interactions, %d other spans left out, %d problems%n",
          total.records(), total.interactions(), total.otherSpans(), total.problems());
      return total.problems() > 0 ? 1 : 0;
    } catch (OtlpFileReader.ConversionException e) {
      stderr.println("stopped at the first problem (--fail-fast)");
      return 3;
    } catch (IOException | java.io.UncheckedIOException e) {
      stderr.println("error: " + e.getMessage());
      return 3;
    }
  }

  private static OtlpFileReader.Result readAll(
      OtlpFileReader reader, List<Path> inputs, Consumer<Interaction> sink) throws IOException {
    OtlpFileReader.Result total = new OtlpFileReader.Result(0, 0, 0, 0, 0);
    for (Path input : inputs) {
      total = total.and(reader.read(input, sink));
    }
    return total;
  }

  /** Reading and writing on two threads, handing interactions over a bounded queue. */
  private static OtlpFileReader.Result streamJson(
      OtlpFileReader reader, Options o, Predicate<Interaction> selected, OutputStream out)
      throws IOException {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1024);
    Object end = new Object();
    java.util.concurrent.atomic.AtomicReference<Throwable> writeFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                TraceExport.writeJson(
                    new java.util.Iterator<>() {
                      private Object next;

                      @Override
                      public boolean hasNext() {
                        if (next == null) {
                          try {
                            next = queue.take();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            next = end;
                          }
                        }
                        return next != end;
                      }

                      @Override
                      public Interaction next() {
                        if (!hasNext()) {
                          throw new java.util.NoSuchElementException();
                        }
                        Interaction t = (Interaction) next;
                        next = null;
                        return t;
                      }
                    },
                    o.format,
                    out);
              } catch (Throwable e) {
                writeFailure.set(e);
                // Unblock a reader waiting for room; it checks the failure before each hand-over.
                queue.clear();
              }
            },
            "otel-llm-convert-writer");
    writer.start();
    OtlpFileReader.Result total;
    try {
      total =
          readAll(
              reader,
              o.inputs,
              t -> {
                if (selected.test(t)) {
                  try {
                    while (writeFailure.get() == null
                        && !queue.offer(t, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                      // The writer is behind: wait, unless it failed.
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                  }
                }
              });
    } finally {
      try {
        while (writeFailure.get() == null
            && writer.isAlive()
            && !queue.offer(end, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          // wait for room for the end marker
        }
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Throwable failure = writeFailure.get();
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure != null) {
      throw new IOException("writing the output failed: " + failure, failure);
    }
    return total;
  }

  private static OutputStream nonClosing(PrintStream stdout) {
    return new java.io.FilterOutputStream(stdout) {
      @Override
      public void write(byte[] b, int off, int len) {
        stdout.write(b, off, len);
      }

      @Override
      public void close() {
        stdout.flush();
      }
    };
  }

  /** Parsed arguments. */
  static final class Options {
    String command;
    final List<Path> inputs = new ArrayList<>();
    TraceFormat format;
    Path out;
    String session;
    String step;
    boolean failFast;

    static Options parse(String[] args) {
      Objects.requireNonNull(args, "args");
      if (args.length == 0) {
        throw new IllegalArgumentException(
            "no command: use convert or summarize (--help lists them)");
      }
      Options o = new Options();
      o.command = args[0];
      if (!o.command.equals("convert") && !o.command.equals("summarize")) {
        throw new IllegalArgumentException(
            "unknown command '" + args[0] + "': use convert or summarize");
      }
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--format" -> o.format = TraceFormat.fromName(value(args, ++i, a));
          case "--out" -> o.out = Path.of(value(args, ++i, a));
          case "--session" -> o.session = value(args, ++i, a);
          case "--step" -> o.step = value(args, ++i, a);
          case "--fail-fast" -> o.failFast = true;
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            o.inputs.add(Path.of(a));
          }
        }
      }
      if (o.inputs.isEmpty()) {
        throw new IllegalArgumentException("no input file given");
      }
      if (o.command.equals("convert") && o.format == null) {
        throw new IllegalArgumentException("convert needs --format jsonl|json|markdown|html");
      }
      if (o.out != null) {
        for (Path input : o.inputs) {
          try {
            if (Files.exists(input) && Files.exists(o.out) && Files.isSameFile(input, o.out)) {
              throw new IllegalArgumentException(
                  "--out " + o.out + " is also an input: it would be overwritten");
            }
          } catch (java.io.IOException e) {
            throw new IllegalArgumentException(
                "cannot check --out " + o.out + ": " + e.getMessage());
          }
        }
      }
      if (o.command.equals("summarize") && o.format != null) {
        throw new IllegalArgumentException(
            "summarize writes JSON; --format applies to convert only");
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }
}
