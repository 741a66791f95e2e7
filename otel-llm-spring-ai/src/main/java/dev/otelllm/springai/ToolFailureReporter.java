package dev.otelllm.springai;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;

/**
 * Spring AI's tool-execution exception processor with the failure reported first: Spring AI turns a
 * tool's exception into the result the model gets, so its tool observation ends as a success; this
 * marks the tool's span failed ({@code error.type}, ERROR status) and then lets the application's
 * processor decide as before. Thread-safe if the wrapped processor is.
 */
final class ToolFailureReporter implements ToolExecutionExceptionProcessor {

  private final ToolExecutionExceptionProcessor delegate;
  private final Supplier<@Nullable OtelLlmObservationHandler> handler;

  ToolFailureReporter(
      ToolExecutionExceptionProcessor delegate,
      Supplier<@Nullable OtelLlmObservationHandler> handler) {
    this.delegate = delegate;
    this.handler = handler;
  }

  @Override
  public String process(ToolExecutionException exception) {
    try {
      OtelLlmObservationHandler h = handler.get();
      if (h != null) {
        h.toolFailed(exception);
      }
    } catch (RuntimeException e) {
      // Reporting must never change what the application's processor does.
    }
    return delegate.process(exception);
  }
}
