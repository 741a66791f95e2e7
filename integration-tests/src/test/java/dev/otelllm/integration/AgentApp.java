package dev.otelllm.integration;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.testing.DeterministicLlmProvider;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.List;

/**
 * A program run under the OpenTelemetry Java agent by {@link JavaAgentTest}: an application span
 * from the agent's pipeline, and inside it one interaction recorded by the library's own
 * autoconfigured SDK (in-process buffer) and one recorded through the agent (joined). Prints what
 * it read back in process as {@code key=value} lines.
 */
public final class AgentApp {
  private AgentApp() {}

  public static void main(String[] args) {
    int status = 0;
    try {
      run();
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    // The agent flushes its pipeline in its shutdown hook.
    System.exit(status);
  }

  private static void run() {
    System.out.println("global=" + GlobalOpenTelemetry.get().getClass().getName());
    Span request =
        GlobalOpenTelemetry.getTracer("agent-app").spanBuilder("handle request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      System.out.println("request.trace_id=" + request.getSpanContext().getTraceId());
      System.out.println("request.span_id=" + request.getSpanContext().getSpanId());

      // 1. The library's own SDK from the same OTEL_* settings: queryable in process, exported by
      // it.
      try (LlmTracing own = LlmTracing.autoconfigured()) {
        LlmClient llm =
            LlmClient.builder(DeterministicLlmProvider.echo("gpt-4o-mini")).tracing(own).build();
        try (Session session = llm.session().id("sess-own").build()) {
          LlmResponse r = session.generate("own sdk prompt", "code_generation", 1);
          List<Interaction> kept = session.getInteractionHistory();
          System.out.println("own.kept=" + kept.size());
          System.out.println("own.trace_id=" + kept.get(0).traceId());
          System.out.println("own.parent_span_id=" + kept.get(0).parentSpanId());
          System.out.println("own.span_id=" + r.spanId().orElseThrow());
          System.out.println("own.prompt=" + kept.get(0).prompt());
        }
      }

      // 2. Joined to the agent's pipeline: the extension's processors and export policy apply
      // there.
      TraceBuffer notFed = TraceBuffer.create();
      LlmTracing joined = LlmTracing.joining(GlobalOpenTelemetry.get(), notFed).build();
      LlmClient agentLlm =
          LlmClient.builder(DeterministicLlmProvider.echo("gpt-4o-mini")).tracing(joined).build();
      try (Session session = agentLlm.session().id("sess-agent").build()) {
        LlmResponse r = session.generate("agent pipeline prompt", "methodology_generation", 1);
        System.out.println("joined.span_id=" + r.spanId().orElseThrow());
        System.out.println("joined.buffer=" + notFed.size());
      }
    } finally {
      request.end();
    }
  }
}
