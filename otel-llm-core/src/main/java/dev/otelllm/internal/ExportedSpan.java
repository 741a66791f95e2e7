package dev.otelllm.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A span as it waits for export: an immutable copy of what the export content policy lets leave,
 * holding no reference to the recorded span (whose content may be much larger), and the room it
 * takes in its {@link ExportBudget} until the exporter answers for it. It is both the {@link
 * ReadableSpan} handed to the SDK's batch processor and the {@link SpanData} that processor hands
 * to the exporter. Not API.
 */
final class ExportedSpan implements ReadableSpan, SpanData {

  private final String name;
  private final SpanKind kind;
  private final SpanContext spanContext;
  private final SpanContext parentSpanContext;
  private final StatusData status;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Attributes attributes;
  private final List<EventData> events;
  private final List<LinkData> links;
  private final int totalRecordedEvents;
  private final int totalRecordedLinks;
  private final int totalAttributeCount;
  private final InstrumentationScopeInfo scope;
  private final Resource resource;
  private final ExportBudget budget;
  private final long size;
  private final AtomicBoolean settled = new AtomicBoolean();

  ExportedSpan(SpanData data, ExportBudget budget, long size) {
    this(data, data.getAttributes(), budget, size);
  }

  /** A copy of {@code data} with these attributes in place of its own. */
  ExportedSpan(SpanData data, Attributes attributes, ExportBudget budget, long size) {
    this.name = data.getName();
    this.kind = data.getKind();
    this.spanContext = data.getSpanContext();
    this.parentSpanContext = data.getParentSpanContext();
    this.status = data.getStatus();
    this.startEpochNanos = data.getStartEpochNanos();
    this.endEpochNanos = data.getEndEpochNanos();
    this.attributes = attributes;
    // The SDK hands out immutable lists: kept as they are.
    this.events = data.getEvents();
    this.links = data.getLinks();
    this.totalRecordedEvents = data.getTotalRecordedEvents();
    this.totalRecordedLinks = data.getTotalRecordedLinks();
    // What the recorder dropped stays dropped; what the policy removed is not "dropped".
    this.totalAttributeCount =
        data.getTotalAttributeCount() - data.getAttributes().size() + attributes.size();
    this.scope = data.getInstrumentationScopeInfo();
    this.resource = data.getResource();
    this.budget = budget;
    this.size = size;
  }

  /** Counts the span as exported or failed and frees its room; only the first call counts. */
  void settle(boolean ok) {
    if (settled.compareAndSet(false, true)) {
      budget.settle(size, ok);
    }
  }

  long size() {
    return size;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentSpanContext;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return endEpochNanos - startEpochNanos;
  }

  @Override
  public int getTotalRecordedEvents() {
    return totalRecordedEvents;
  }

  @Override
  public int getTotalRecordedLinks() {
    return totalRecordedLinks;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributeCount;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  @SuppressWarnings("deprecation") // both interfaces still declare it
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(
        scope.getName(), scope.getVersion(), scope.getSchemaUrl());
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public SpanData toSpanData() {
    return this;
  }

  @Override
  public String toString() {
    return "ExportedSpan{name="
        + name
        + ", spanId="
        + spanContext.getSpanId()
        + ", bytes="
        + size
        + "}";
  }
}
