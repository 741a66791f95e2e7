package dev.otelllm.export;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import java.io.IOException;

/**
 * Writes an interaction in the reference's map form to a streaming generator. The form has one
 * definition, {@link Interaction#toMap()}; this writes that map, so a JSONL line and the map a
 * program reads can never disagree.
 */
final class TraceJsonWriter {
  private TraceJsonWriter() {}

  static void write(JsonGenerator g, Interaction t) throws IOException {
    JsonTree.write(g, t.toMap());
  }
}
