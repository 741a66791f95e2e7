package dev.otelllm.internal;

import dev.otelllm.ExportStats;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one export pipeline may hold and what became of its spans. A span is admitted only while the
 * spans and the estimated bytes waiting for export (queued, or in a batch not yet answered) stay
 * within both bounds; otherwise it is dropped and counted. Admitted spans settle exactly once, as
 * exported or failed, which frees their room. So a collector that is down or slow costs the
 * application at most these bounds in memory, whatever the size of the prompts. Thread-safe. Not
 * API.
 */
public final class ExportBudget {

  private final int maxSpans;
  private final long maxBytes;
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();

  public ExportBudget(int maxSpans, long maxBytes) {
    this.maxSpans = maxSpans;
    this.maxBytes = maxBytes;
  }

  /**
   * Takes room for one span of {@code size} bytes; false (and counted as dropped) when none is
   * left.
   */
  boolean admit(long size) {
    if (spans.incrementAndGet() > maxSpans) {
      spans.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    if (bytes.addAndGet(size) > maxBytes) {
      bytes.addAndGet(-size);
      spans.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    admitted.incrementAndGet();
    return true;
  }

  /** Spans admitted so far. */
  long admittedCount() {
    return admitted.get();
  }

  /** Spans settled so far; the batch processor sends them in the order they were admitted. */
  long settledCount() {
    return settled.get();
  }

  /** A span that could not even be offered (the policy or the copy failed). */
  void drop() {
    dropped.incrementAndGet();
  }

  /** Frees the room of an admitted span and counts how it ended. */
  void settle(long size, boolean ok) {
    (ok ? exported : failed).incrementAndGet();
    settled.incrementAndGet();
    bytes.addAndGet(-size);
    spans.decrementAndGet();
  }

  /** Counts so far: every admitted span is queued until it settles. */
  public ExportStats stats() {
    return new ExportStats(spans.get(), exported.get(), failed.get(), dropped.get());
  }

  /** Estimated bytes waiting for export now. */
  public long queuedBytes() {
    return bytes.get();
  }
}
