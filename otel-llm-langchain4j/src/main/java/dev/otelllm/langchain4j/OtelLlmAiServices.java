package dev.otelllm.langchain4j;

import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;

/**
 * Connects a LangChain4j AI service to an {@link OtelLlmListener} (needs {@code
 * dev.langchain4j:langchain4j} on the classpath):
 *
 * <ul>
 *   <li>the service's chat-memory id ({@code @MemoryId}) becomes the session id of its spans
 *       ({@code session.id} and {@code gen_ai.conversation.id}, so {@code
 *       getTraces(TraceQuery.session(memoryId))} finds them); a service without one keeps the
 *       caller's session, if any;
 *   <li>every model call of one invocation is a child of the context that invoked the service, also
 *       when LangChain4j makes the call on another thread (a streaming service's tool loop), and
 *       carries the metadata {@code ai_service} ({@code Assistant.chat}) and {@code
 *       ai_service_invocation_id};
 *   <li>each tool execution becomes an {@code execute_tool {name}} span (tool name, call id,
 *       arguments and result under full content capture, {@code error.type=tool_error} when the
 *       tool failed), a sibling of the model calls. It is not made current while the tool runs
 *       (LangChain4j's hooks cannot promise to close a scope when a tool's error handler throws),
 *       so spans the tool starts itself are not its children.
 * </ul>
 *
 * <pre>{@code
 * Assistant assistant = OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), listener)
 *     .chatModel(model)              // built with the listener, or listener.wrap(model)
 *     .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
 *     .tools(new WeatherTools())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe; nothing here throws into LangChain4j.
 */
public final class OtelLlmAiServices {
  private OtelLlmAiServices() {}

  /**
   * Registers {@link #listeners} and sets the service's {@code beforeToolExecution} and {@code
   * afterToolExecution} hooks; returns {@code aiServices}. The hooks replace ones set before; to
   * keep your own, set them after this call and chain {@link #beforeToolExecution} / {@link
   * #afterToolExecution} into them.
   */
  public static <T> AiServices<T> instrument(AiServices<T> aiServices, OtelLlmListener listener) {
    Objects.requireNonNull(aiServices, "aiServices");
    Objects.requireNonNull(listener, "listener");
    return aiServices
        .registerListeners(listeners(listener))
        .beforeToolExecution(beforeToolExecution(listener))
        .afterToolExecution(afterToolExecution(listener));
  }

  /**
   * The AI service listeners that pass each invocation's memory id and context to {@code listener}
   * and release them when the invocation completes or fails.
   */
  public static List<AiServiceListener<?>> listeners(OtelLlmListener listener) {
    AiServiceTracker tracker = Objects.requireNonNull(listener, "listener").aiServices;
    AiServiceRequestIssuedListener issued =
        event -> quietly(() -> tracker.requestIssued(event.invocationContext(), event.request()));
    AiServiceCompletedListener completed =
        event -> quietly(() -> tracker.finished(event.invocationContext()));
    AiServiceErrorListener failed =
        event -> quietly(() -> tracker.finished(event.invocationContext()));
    return List.of(issued, completed, failed);
  }

  /** The hook that starts the {@code execute_tool} span of a tool call. */
  public static Consumer<BeforeToolExecution> beforeToolExecution(OtelLlmListener listener) {
    AiServiceTracker tracker = Objects.requireNonNull(listener, "listener").aiServices;
    return before ->
        quietly(() -> tracker.toolStarted(before.invocationContext(), before.request()));
  }

  /** The hook that ends the {@code execute_tool} span of a tool call with its result. */
  public static Consumer<ToolExecution> afterToolExecution(OtelLlmListener listener) {
    AiServiceTracker tracker = Objects.requireNonNull(listener, "listener").aiServices;
    return execution ->
        quietly(
            () ->
                tracker.toolFinished(
                    execution.invocationContext(),
                    execution.request(),
                    execution.hasFailed(),
                    resultText(execution)));
  }

  private static String resultText(ToolExecution execution) {
    try {
      return execution.result();
    } catch (RuntimeException notText) {
      // A result of several or non-text contents: the span records that the tool ran, not what it
      // returned.
      return null;
    }
  }

  private static void quietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      OtelLlmListener.failures.log(
          Level.WARNING, "could not record an AI service event of LangChain4j", e);
    }
  }
}
