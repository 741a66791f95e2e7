package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Stands in front of the export processor of this library's log records (the SDK's {@code
 * BatchLogRecordProcessor}): applies the export content policy when a record is emitted, so that
 * what waits in the queue is only what may leave, and passes on only records of sampled spans, as
 * the span side does. The in-memory buffer's processor, before it, saw the whole record. Never
 * throws. Not API.
 */
public final class GovernedLogProcessor implements LogRecordProcessor {

  private final LogRecordProcessor delegate;
  private final ContentPolicyExporter policy;

  public GovernedLogProcessor(LogRecordProcessor delegate, ContentCapture exportPolicy) {
    this.delegate = delegate;
    this.policy = new ContentPolicyExporter(SpanExporter.composite(), exportPolicy);
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord record) {
    try {
      if (record.getSpanContext().isValid() && !record.getSpanContext().isSampled()) {
        return; // exporters see sampled spans only: their events too
      }
      LogRecordData data = record.toLogRecordData();
      Attributes governed = policy.governAttributes(data.getAttributes());
      LogRecordData copy =
          governed == data.getAttributes()
              ? data
              : new ContentPolicyLogExporter.Governed(data, governed);
      delegate.onEmit(context, new Frozen(copy));
    } catch (RuntimeException e) {
      // A record that cannot be governed does not leave.
    }
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  /** A record already governed and copied: nothing more is written to it. */
  private static final class Frozen implements ReadWriteLogRecord {
    private final LogRecordData data;

    Frozen(LogRecordData data) {
      this.data = data;
    }

    @Override
    public <T> ReadWriteLogRecord setAttribute(AttributeKey<T> key, T value) {
      return this;
    }

    @Override
    public LogRecordData toLogRecordData() {
      return data;
    }

    @Override
    public io.opentelemetry.api.trace.SpanContext getSpanContext() {
      return data.getSpanContext();
    }

    @Override
    public String getEventName() {
      return data.getEventName();
    }
  }
}
