package dev.otelllm.otlp;

import dev.otelllm.trace.Interaction;
import java.nio.file.Path;

/**
 * Converts one OTLP file with a given line cap and prints what came out: each problem, each
 * interaction's span id, then the counts. Run by {@link OtlpFileReaderTest} in a JVM with a small
 * heap, so that a line larger than the heap shows whether the reader holds it.
 */
public final class LongLineMain {
  private LongLineMain() {}

  /** Arguments: the file, then the cap in bytes. */
  public static void main(String[] args) throws Exception {
    OtlpFileReader reader =
        OtlpFileReader.builder()
            .maxRecordBytes(Integer.parseInt(args[1]))
            .onProblem(p -> System.out.println(p))
            .build();
    OtlpFileReader.Result r =
        reader.read(Path.of(args[0]), (Interaction t) -> System.out.println(t.spanId()));
    System.out.println(
        "records="
            + r.records()
            + " interactions="
            + r.interactions()
            + " problems="
            + r.problems());
  }
}
