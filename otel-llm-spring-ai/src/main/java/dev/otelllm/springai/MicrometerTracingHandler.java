package dev.otelllm.springai;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;

/**
 * The {@link OtelLlmObservationHandler} as a member of Micrometer tracing's handler group, ahead of
 * its default tracing handler. Spring Boot registers tracing handlers as one first-matching group:
 * the first member that supports an observation handles it alone. Claiming Spring AI's model and
 * tool observations here means they become this library's spans, with content, and not also
 * Micrometer's own {@code chat {model}} span, which the buffer would keep as a second, empty
 * interaction of the same call. Every other observation ({@code ChatClient}, advisors, HTTP) stays
 * with Micrometer's handlers, and its span is the parent of this library's spans.
 *
 * <p>Only the model and tool observations; thread-safe as the handler it delegates to.
 */
final class MicrometerTracingHandler implements TracingObservationHandler<Observation.Context> {

  private final OtelLlmObservationHandler handler;
  private final Tracer tracer;

  MicrometerTracingHandler(OtelLlmObservationHandler handler, Tracer tracer) {
    this.handler = handler;
    this.tracer = tracer;
    handler.leaveCallsTo(this);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return OtelLlmObservationHandler.isCall(context);
  }

  @Override
  public Tracer getTracer() {
    return tracer;
  }

  @Override
  public void onStart(Observation.Context context) {
    handler.onStart(context);
  }

  @Override
  public void onError(Observation.Context context) {
    handler.onError(context);
  }

  @Override
  public void onEvent(Observation.Event event, Observation.Context context) {
    handler.onEvent(event, context);
  }

  @Override
  public void onScopeOpened(Observation.Context context) {
    handler.onScopeOpened(context);
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    handler.onScopeClosed(context);
  }

  @Override
  public void onScopeReset(Observation.Context context) {
    handler.onScopeReset(context);
  }

  @Override
  public void onStop(Observation.Context context) {
    handler.onStop(context);
  }
}
