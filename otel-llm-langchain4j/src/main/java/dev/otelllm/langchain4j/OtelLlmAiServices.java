package dev.otelllm.langchain4j;

import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
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
 *   <li>each invocation of the service becomes an {@code invoke_agent {Service}} span (INTERNAL,
 *       named after the service interface, {@code gen_ai.agent.name}, the provider and model of its
 *       model, {@code gen_ai.conversation.id}, the metadata {@code ai_service} ({@code
 *       Assistant.chat}) and {@code ai_service_invocation_id}; the system and user message and a
 *       text answer as content under the content capture, when content goes on spans; {@code
 *       error.type} and ERROR status when the invocation fails). It is a child of the context that
 *       invoked the service and ends when LangChain4j reports the invocation completed or failed,
 *       for a {@code TokenStream} after the stream, on whichever thread that is;
 *   <li>every model call of the invocation is a child of its agent span, also when LangChain4j
 *       makes the call on another thread (a streaming service's tool loop), and carries the same
 *       metadata;
 *   <li>the service's chat-memory id ({@code @MemoryId}) becomes the session id of these spans
 *       ({@code session.id} and {@code gen_ai.conversation.id}, so {@code
 *       getTraces(TraceQuery.session(memoryId))} finds them); a service without one keeps the
 *       caller's session, if any;
 *   <li>each tool execution becomes an {@code execute_tool {name}} span (tool name, call id,
 *       arguments and result under full content capture, {@code error.type=tool_error} when the
 *       tool failed), a child of the agent span next to the model calls. It is not made current
 *       while the tool runs (LangChain4j's hooks cannot promise to close a scope when a tool's
 *       error handler throws), so spans the tool starts itself are not its children.
 * </ul>
 *
 * <p>The agent span is not an interaction: the buffer keeps the model calls, whose parent span id
 * is the agent span's. An invocation that never ends (a {@code TokenStream} never started, an error
 * the stream was told to ignore) stays open until the tracked invocations reach their bound
 * (10,000) and it is older than ten minutes; then it ends with {@code error.type=incomplete}.
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
   * The AI service listeners that start each invocation's {@code invoke_agent} span, pass its
   * memory id and context to {@code listener}'s model calls and end the span when the invocation
   * completes or fails.
   */
  public static List<AiServiceListener<?>> listeners(OtelLlmListener listener) {
    AiServiceTracker tracker = Objects.requireNonNull(listener, "listener").aiServices;
    AiServiceStartedListener started =
        event ->
            quietly(
                () ->
                    tracker.started(
                        event.invocationContext(),
                        event.systemMessage().orElse(null),
                        event.userMessage()));
    AiServiceRequestIssuedListener issued =
        event -> quietly(() -> tracker.requestIssued(event.invocationContext(), event.request()));
    AiServiceCompletedListener completed =
        event ->
            quietly(
                () -> tracker.completed(event.invocationContext(), event.result().orElse(null)));
    AiServiceErrorListener failed =
        event -> quietly(() -> tracker.failed(event.invocationContext(), event.error()));
    return List.of(started, issued, completed, failed);
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
