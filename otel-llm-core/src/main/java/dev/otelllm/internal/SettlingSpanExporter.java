package dev.otelllm.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The exporter behind an {@link ExportPolicyProcessor}'s batch processor: when the real exporter
 * answers for a batch, each span of it is settled as exported or failed, which frees its room in
 * its budget. An exporter that throws (even an {@link Error} such as a missing class) fails its
 * batch instead of the export thread. Not API.
 */
public final class SettlingSpanExporter implements io.opentelemetry.sdk.trace.export.SpanExporter {

  private static final Logger logger = Logger.getLogger(SettlingSpanExporter.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  private final SpanExporter delegate;
  private final long giveUpMillis;

  /**
   * @param giveUpAfter how long a batch may stay unanswered: then its spans count as failed and
   *     free their room, whatever the exporter does later
   */
  public SettlingSpanExporter(SpanExporter delegate, java.time.Duration giveUpAfter) {
    this.delegate = delegate;
    this.giveUpMillis = giveUpAfter.toMillis();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<SpanData> batch = List.copyOf(spans);
    CompletableResultCode result;
    try {
      result = delegate.export(batch);
    } catch (RuntimeException | LinkageError e) {
      failures.log(Level.WARNING, "the span exporter failed", e);
      settle(batch, false);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(() -> settle(batch, result.isSuccess()));
    if (!result.isDone()) {
      // An exporter that never answers must not hold the budget's room forever.
      java.util.concurrent.CompletableFuture.delayedExecutor(
              giveUpMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
          .execute(() -> settle(batch, false));
    }
    return result;
  }

  private static void settle(List<SpanData> batch, boolean ok) {
    for (SpanData span : batch) {
      if (span instanceof ExportedSpan e) {
        e.settle(ok);
      }
    }
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
  public String toString() {
    return "SettlingSpanExporter{" + delegate + "}";
  }
}
