package dev.otelllm.internal;

import dev.otelllm.ExportStats;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what an exporter's batches came to: every span of a batch the receiver accepted is
 * exported, every span of a batch that failed (refused, timed out, no connection, or an exporter
 * that threw) is failed. Used where the SDK's own batch processor queues the spans, so the
 * library sees batches, not the queue. Thread-safe. Not API.
 */
public final class CountingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public CountingSpanExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int n = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException | LinkageError e) {
      failed.addAndGet(n);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(() -> (result.isSuccess() ? exported : failed).addAndGet(n));
    return result;
  }

  /** Exported and failed so far; nothing queued or dropped is known here. */
  public ExportStats stats() {
    return new ExportStats(0, exported.get(), failed.get(), 0);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "CountingSpanExporter{" + delegate + "}";
  }
}
