package dev.otelllm;

/**
 * What the export pipeline of an {@link LlmTracing} did with the spans it was handed, since it was
 * built. Every span handed over ends in exactly one of {@code exported}, {@code failed}, {@code
 * dropped} or is still {@code queued}.
 *
 * @param queued waiting for export now
 * @param exported accepted by the receiver
 * @param failed sent in a batch the receiver refused, or that timed out or could not connect
 * @param dropped not queued because the queue was full (the collector was slow or down)
 */
public record ExportStats(long queued, long exported, long failed, long dropped) {

  /** Spans handed to the pipeline. */
  public long total() {
    return queued + exported + failed + dropped;
  }
}
