package dev.otelllm.internal;

import dev.otelllm.ExportStats;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stands in front of an export processor (the SDK's {@code BatchSpanProcessor}): applies the export
 * content policy when a span ends, so that what waits in the queue is only what may leave, copied
 * apart from the recorded span; and admits it only while the pipeline's {@link ExportBudget} has
 * room, by count and by bytes. The exporter behind the batch processor must be wrapped in {@link
 * SettlingSpanExporter}, which frees the room when the exporter answers.
 *
 * <p>The SDK's processor does the batching, scheduling and flushing; this class keeps only what it
 * cannot: a byte bound, and content the policy will not send never held while a span waits. On the
 * application's thread it costs the span's copy and the policy (nothing else for spans without
 * content). Never throws: a span it cannot handle is dropped and counted. Not API.
 */
public final class ExportPolicyProcessor implements SpanProcessor {

  private static final Logger logger = Logger.getLogger(ExportPolicyProcessor.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  private static final int MAX_FLUSH_RETRIES = 6;

  private final SpanProcessor delegate;
  private final ContentPolicyExporter policy;
  private final ExportBudget budget;
  // The default export policy (no content, no redactor) has a fast path on the caller's thread.
  private final boolean contentFree;
  private volatile boolean shutdown;

  public ExportPolicyProcessor(
      SpanProcessor delegate, ContentPolicyExporter policy, ExportBudget budget) {
    this.delegate = delegate;
    this.policy = policy;
    this.budget = budget;
    this.contentFree = policy.dropsAllContentUnredacted();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      if (!span.getSpanContext().isSampled()) {
        return;
      }
      if (shutdown) {
        // The batch processor no longer sends anything: counted, never left queued.
        budget.drop();
        return;
      }
      SpanData recorded = span.toSpanData();
      if (contentFree) {
        ContentFreeAttributes.Scan scan = ContentFreeAttributes.scan(recorded.getAttributes());
        List<EventData> events = recorded.getEvents();
        long size =
            events.isEmpty()
                ? scan.bytes()
                : scan.bytes() + estimateBytes(Attributes.empty(), events);
        if (budget.admit(size)) {
          delegate.onEnd(new ExportedSpan(recorded, scan.attributes(), budget, size));
        }
        return;
      }
      SpanData governed = policy.apply(recorded);
      long size = estimateBytes(governed.getAttributes(), governed.getEvents());
      if (budget.admit(size)) {
        delegate.onEnd(new ExportedSpan(governed, budget, size));
      }
    } catch (RuntimeException | LinkageError e) {
      budget.drop();
      failures.log(Level.WARNING, "could not queue a span for export", e);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  public ExportStats stats() {
    return budget.stats();
  }

  /**
   * Completes when the batch processor has sent what was queued; fails when it did not, or when an
   * export failed meanwhile (the SDK's processor reports only its own flush).
   */
  @Override
  public CompletableResultCode forceFlush() {
    long failedBefore = budget.stats().failed();
    long target = budget.admittedCount();
    CompletableResultCode result = new CompletableResultCode();
    flush(result, failedBefore, target, 0);
    return result;
  }

  /**
   * The SDK's processor can answer a flush with the previous flush's result when they follow each
   * other closely (it clears the request a moment after completing it): while spans are still
   * queued, ask again after 1, 2, 4, ... ms, a few times at most.
   */
  private void flush(CompletableResultCode result, long failedBefore, long target, int attempt) {
    CompletableResultCode flushed = delegate.forceFlush();
    flushed.whenComplete(
        () -> {
          boolean answered = budget.settledCount() >= target;
          if (flushed.isSuccess() && !answered && attempt < MAX_FLUSH_RETRIES) {
            java.util.concurrent.CompletableFuture.delayedExecutor(
                    1L << attempt, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> flush(result, failedBefore, target, attempt + 1));
          } else if (flushed.isSuccess() && answered && budget.stats().failed() == failedBefore) {
            result.succeed();
          } else {
            result.fail();
          }
        });
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown = true;
    return delegate.shutdown();
  }

  /**
   * The span's weight in the queue: the characters of its attribute and event texts (content and
   * stack traces dominate) plus a fixed share for the rest. An estimate, cheap to take.
   */
  static long estimateBytes(SpanData span) {
    return estimateBytes(span.getAttributes(), span.getEvents());
  }

  static long estimateBytes(
      io.opentelemetry.api.common.Attributes attributes, List<EventData> events) {
    long[] size = {256};
    attributes.forEach((k, v) -> size[0] += 16 + k.getKey().length() + valueBytes(v));
    for (EventData e : events) {
      size[0] += 64 + e.getName().length();
      e.getAttributes().forEach((k, v) -> size[0] += 16 + k.getKey().length() + valueBytes(v));
    }
    return size[0];
  }

  static long valueBytes(Object value) {
    if (value instanceof String s) {
      return s.length();
    }
    if (value instanceof Value<?> v) {
      return treeBytes(v.getValue());
    }
    if (value instanceof List<?> list) {
      long n = 8;
      for (Object o : list) {
        n += valueBytes(o);
      }
      return n;
    }
    return 8;
  }

  private static long treeBytes(Object value) {
    if (value instanceof String s) {
      return s.length() + 2;
    }
    if (value instanceof List<?> list) {
      long n = 8;
      for (Object o : list) {
        n += treeBytes(o instanceof Value<?> v ? v.getValue() : o);
      }
      return n;
    }
    if (value instanceof io.opentelemetry.api.common.KeyValue kv) {
      return kv.getKey().length() + 4 + treeBytes(kv.getValue().getValue());
    }
    if (value instanceof java.nio.ByteBuffer b) {
      return b.remaining();
    }
    return 8;
  }
}
