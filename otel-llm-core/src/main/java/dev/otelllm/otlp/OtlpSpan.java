package dev.otelllm.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span read back from an OTLP file, as {@link SpanData}, so that the one span-to-interaction
 * mapping reads it exactly as it reads a live span. Links, the resource and the scope are not read:
 * the mapping does not use them.
 */
final class OtlpSpan implements SpanData {
  private final String name;
  private final SpanKind kind;
  private final SpanContext context;
  private final SpanContext parent;
  private final StatusData status;
  private final long start;
  private final long end;
  private final Attributes attributes;
  private final List<EventData> events;

  OtlpSpan(
      String name,
      SpanKind kind,
      String traceId,
      String spanId,
      String parentSpanId,
      StatusData status,
      long start,
      long end,
      Attributes attributes,
      List<EventData> events) {
    this.name = name;
    this.kind = kind;
    this.context =
        SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    this.parent =
        parentSpanId.isEmpty()
            ? SpanContext.getInvalid()
            : SpanContext.create(
                traceId, parentSpanId, TraceFlags.getSampled(), TraceState.getDefault());
    this.status = status;
    this.start = start;
    this.end = end;
    this.attributes = attributes;
    this.events = List.copyOf(events);
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
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return start;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return end;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return events.size();
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.empty();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return InstrumentationScopeInfo.empty();
  }

  @Override
  public Resource getResource() {
    return Resource.empty();
  }
}
