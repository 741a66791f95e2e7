package dev.otelllm.trace;

import dev.otelllm.internal.EventContent;
import dev.otelllm.internal.ThrottledLogger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The log record side of a {@link TraceBuffer}: receives the GenAI events that other
 * instrumentations emit as log records with their span's context (the deprecated per-message events
 * and {@code gen_ai.client.inference.operation.details}), and holds their content by span id until
 * the buffer sees that span end and merges it into the interaction.
 *
 * <p>Records whose span is not recording (already ended, or sampled out) are ignored. Bounded: what
 * waits is estimated in bytes and the oldest spans' content is dropped past {@code maxBytes};
 * content whose span has not ended {@code timeoutNanos} after its first record is dropped at the
 * next record or span end. Records are read, never changed, so the application's own log processors
 * and exporters receive them as they were.
 *
 * <p>Thread-safe: {@link #onEmit} converts the record on the emitting thread without a lock, then
 * holds a private lock for amortised O(1) work; it never throws.
 */
final class PendingContent implements LogRecordProcessor {

  private static final Logger logger = Logger.getLogger(PendingContent.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  // Map entry, key, entry object, trace id reference: counted once per waiting span.
  static final int ENTRY_OVERHEAD = 160;

  private final long maxBytes;
  private final long timeoutNanos;
  private final Clock clock;

  private final Object lock = new Object();
  // Guarded by lock. Span id -> content, in the order of each span's first record, so the oldest
  // (the first to expire) is always at the head.
  private final LinkedHashMap<String, Entry> bySpan = new LinkedHashMap<>();
  private long bytes;
  private long dropped;
  // Written under lock, read without it so that span ends skip the lock while nothing waits. A
  // span's records are emitted before it ends, so the write that counted them is visible then.
  private volatile int size;

  private static final class Entry {
    final String traceId;
    final long firstNanos;
    final EventContent content;
    long bytes;

    Entry(String traceId, long firstNanos, EventContent content) {
      this.traceId = traceId;
      this.firstNanos = firstNanos;
      this.content = content;
    }
  }

  PendingContent(long maxBytes, long timeoutNanos, Clock clock) {
    this.maxBytes = maxBytes;
    this.timeoutNanos = timeoutNanos;
    this.clock = clock;
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord record) {
    try {
      String name = record.getEventName();
      if (name == null) {
        name = record.getAttribute(EventContent.EVENT_NAME);
      }
      if (!EventContent.isContentEvent(name)) {
        return;
      }
      SpanContext span = record.getSpanContext();
      // A span that is not recording (sampled out without RecordGenAiSampler, or already ended)
      // never reaches the buffer: holding its content would only wait for the timeout.
      if (!span.isValid() || !Span.fromContext(context).isRecording()) {
        return;
      }
      EventContent content =
          EventContent.ofRecord(name, record.getBodyValue(), record.getAttributes());
      if (content != null) {
        add(span, content);
      }
    } catch (Throwable t) {
      failures.log(Level.WARNING, "could not hold the content of a GenAI log record", t);
    }
  }

  private void add(SpanContext span, EventContent content) {
    long now = clock.nanoTime();
    long weight = content.estimatedBytes();
    synchronized (lock) {
      expire(now);
      String spanId = span.getSpanId();
      Entry entry = bySpan.get(spanId);
      if (entry == null) {
        entry = new Entry(span.getTraceId(), now, content);
        entry.bytes = ENTRY_OVERHEAD + weight;
        bySpan.put(spanId, entry);
        bytes += entry.bytes;
      } else {
        entry.content.absorb(content);
        entry.bytes += weight;
        bytes += weight;
      }
      // Oldest first; the span just added goes last, and alone larger than the bound, it goes too.
      Iterator<Entry> oldest = bySpan.values().iterator();
      while (bytes > maxBytes && oldest.hasNext()) {
        bytes -= oldest.next().bytes;
        oldest.remove();
        dropped++;
      }
      size = bySpan.size();
    }
  }

  /**
   * Removes and returns what waits for this span, or null. Called by the buffer for every span that
   * ends, kept or not, so that nothing waits for a span that is gone.
   */
  @Nullable EventContent take(SpanContext span) {
    if (size == 0) {
      return null;
    }
    long now = clock.nanoTime();
    synchronized (lock) {
      expire(now);
      Entry entry = bySpan.remove(span.getSpanId());
      if (entry != null) {
        bytes -= entry.bytes;
      }
      size = bySpan.size();
      return entry != null && entry.traceId.equals(span.getTraceId()) ? entry.content : null;
    }
  }

  // Guarded by lock.
  private void expire(long now) {
    Iterator<Entry> oldest = bySpan.values().iterator();
    while (oldest.hasNext()) {
      Entry e = oldest.next();
      if (now - e.firstNanos < timeoutNanos) {
        return;
      }
      bytes -= e.bytes;
      oldest.remove();
      dropped++;
    }
  }

  /** Spans whose content waits for their end (after dropping what is too old). */
  int size() {
    long now = clock.nanoTime();
    synchronized (lock) {
      expire(now);
      size = bySpan.size();
      return bySpan.size();
    }
  }

  /** Estimated bytes waiting. */
  long estimatedBytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /** Spans whose content was dropped before they ended: too old, or past the byte bound. */
  long droppedCount() {
    synchronized (lock) {
      return dropped;
    }
  }

  @Override
  public String toString() {
    return "PendingContent{maxBytes=" + maxBytes + ", timeoutNanos=" + timeoutNanos + "}";
  }
}
