package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A {@link LogRecordExporter} decorator that applies the export content policy to the content
 * attributes of this library's log records (the {@code gen_ai.client.inference.operation.details}
 * events it emits), exactly as {@link ContentPolicyExporter} does for spans. Other records, and
 * records without content, pass untouched. Used where autoconfigure builds the log pipeline; the
 * SDK this library builds governs records before they are queued ({@link GovernedLogProcessor}).
 * Not API.
 */
public final class ContentPolicyLogExporter implements LogRecordExporter {

  /** The instrumentation scope of this library's records (LlmTracing.INSTRUMENTATION_NAME). */
  static final String SCOPE = "dev.otelllm";

  private final LogRecordExporter delegate;
  private final ContentPolicyExporter policy;

  public ContentPolicyLogExporter(LogRecordExporter delegate, ContentCapture capture) {
    this.delegate = delegate;
    this.policy =
        new ContentPolicyExporter(
            io.opentelemetry.sdk.trace.export.SpanExporter.composite(), capture);
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> records) {
    List<LogRecordData> out = new ArrayList<>(records.size());
    for (LogRecordData r : records) {
      if (!r.getInstrumentationScopeInfo().getName().equals(SCOPE)) {
        // Another instrumentation's records reach the exporters as that instrumentation wrote them.
        out.add(r);
        continue;
      }
      Attributes governed = policy.governAttributes(r.getAttributes());
      out.add(governed == r.getAttributes() ? r : new Governed(r, governed));
    }
    return delegate.export(out);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  /** A record with its attributes replaced. */
  static final class Governed implements LogRecordData {
    private final LogRecordData record;
    private final Attributes attributes;

    Governed(LogRecordData record, Attributes attributes) {
      this.record = record;
      this.attributes = attributes;
    }

    @Override
    public Resource getResource() {
      return record.getResource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return record.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return record.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return record.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return record.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return record.getSeverity();
    }

    @Override
    public String getSeverityText() {
      return record.getSeverityText();
    }

    @Override
    @SuppressWarnings("deprecation") // still abstract in the interface
    public Body getBody() {
      return record.getBody();
    }

    @Override
    public Value<?> getBodyValue() {
      return record.getBodyValue();
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return record.getTotalAttributeCount() - record.getAttributes().size() + attributes.size();
    }

    @Override
    public String getEventName() {
      return record.getEventName();
    }
  }
}
